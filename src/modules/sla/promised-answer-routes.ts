import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { CategorySchema, SeveritySchema } from "../tickets/ticket-schemas.js";
import { promisedAnswer } from "./promised-answer.js";

/** The portal's request form: when the team will answer (customers). */
export const promisedAnswerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A POST as `POST /sla/preview` is: it computes, it stores nothing.
  app.post(
    "/portal/answer-by",
    {
      schema: {
        tags: ["sla"],
        summary:
          "When the team will answer a request of this severity and category sent now, under the calling customer's SLA",
        body: Type.Object(
          { severity: SeveritySchema, category: CategorySchema },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            answerBy: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
              description: "When the first response is due; null when no promise covers the request",
            }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => promisedAnswer({ ctx: request.ctx, input: request.body }),
  );
};
