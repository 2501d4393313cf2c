import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { changeNotificationSettings, getNotificationSettings } from "./notification-settings.js";

const NotificationSettingsSchema = Type.Object(
  {
    emailNotices: Type.Boolean({
      description: "Mail me when a ticket is assigned to me, or when the requester of one of mine replies",
    }),
  },
  { additionalProperties: false },
);

/** The signed-in agent's own notification settings. */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/me/notifications",
    {
      schema: {
        tags: ["people"],
        summary: "What Tend mails you of (staff)",
        response: { 200: NotificationSettingsSchema, ...problemResponses },
      },
    },
    async (request) => getNotificationSettings(request.ctx),
  );

  app.put(
    "/me/notifications",
    {
      schema: {
        tags: ["people"],
        summary: "Change what Tend mails you of (staff)",
        body: NotificationSettingsSchema,
        response: { 200: NotificationSettingsSchema, ...problemResponses },
      },
    },
    async (request) => changeNotificationSettings(request.ctx, request.body),
  );
};
