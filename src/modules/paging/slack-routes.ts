import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ValidationError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import { verifySlackRequest } from "../chat/slack-request.js";
import { answerSlackPageCommand } from "./slack-page-command.js";

/** The bytes of each form body as received: the signature covers them, not the parsed fields. */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

const SlackCommandForm = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 4000 })),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ssl_check: Type.Optional(Type.String({ maxLength: 8 })),
    user_name: Type.Optional(Type.String({ maxLength: 200 })),
    team_id: Type.Optional(Type.String({ maxLength: 64 })),
    channel_id: Type.Optional(Type.String({ maxLength: 64 })),
    channel_name: Type.Optional(Type.String({ maxLength: 200 })),
    response_url: Type.Optional(Type.String({ maxLength: 2000 })),
    command: Type.Optional(Type.String({ maxLength: 100 })),
  },
  // Slack sends more (token, trigger_id, api_app_id, enterprise fields) and adds fields over time.
  { additionalProperties: true },
);

const SlackCommandAnswerSchema = Type.Object({
  response_type: Type.Union([Type.Literal("in_channel"), Type.Literal("ephemeral")]),
  text: Type.String(),
});

/**
 * Slack's slash command (`/page customer-support Database down`), at the Request URL configured
 * in the Slack app: a form post signed with the app's signing secret (TEND_SLACK_SIGNING_SECRET).
 */
export const slackRoutes: FastifyPluginAsyncTypebox<{ signingSecret: string | null }> = async (
  app,
  { signingSecret },
) => {
  // Encapsulated in this plugin: other routes' form parsers are theirs. The body is parsed here,
  // before the signature is checked, only because Fastify parses before preValidation; nothing
  // reads the fields until the signature over these same bytes has matched.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "buffer" },
    (request, body, done) => {
      const raw = body as Buffer;
      rawBodies.set(request, raw);
      done(null, Object.fromEntries(new URLSearchParams(raw.toString("utf8"))));
    },
  );

  app.post(
    "/integrations/slack/commands",
    {
      config: { actsBySecret: true },
      schema: {
        tags: ["paging"],
        summary:
          "Slack slash command `/page <policy> [sev] <message>`: opens a page and answers in the channel",
        description:
          "Signed by Slack (X-Slack-Signature, X-Slack-Request-Timestamp; v0 HMAC-SHA256 of the raw body). " +
          "A bad or stale signature is a 401. A command Tend cannot act on (help, an unknown policy) is " +
          "answered 200 with an ephemeral message, as Slack requires: any other status shows the " +
          "caller only a generic failure.",
        security: [],
        consumes: ["application/x-www-form-urlencoded"],
        body: SlackCommandForm,
        response: { 200: SlackCommandAnswerSchema, ...problemResponses },
      },
      // preValidation runs after parsing and before the fields are validated or used.
      preValidation: async (request) => {
        verifySlackRequest(
          request,
          signingSecret,
          rawBodies.get(request),
          "an application/x-www-form-urlencoded command",
        );
      },
    },
    async (request) => {
      const form = request.body;
      // Slack checks the certificate of a Request URL with a signed `ssl_check=1` post and wants a 200.
      if (form.ssl_check === "1") return { response_type: "ephemeral" as const, text: "" };
      if (!form.user_id) throw ValidationError.field("user_id", "a slash command names the Slack user");
      // Slack waits 3 seconds for this answer: opening the page commits and returns; the
      // notifications are jobs the worker starts once it has.
      return answerSlackPageCommand(request.ctx, {
        text: form.text ?? "",
        userId: form.user_id,
        userName: form.user_name ?? form.user_id,
        teamId: form.team_id ?? "",
        channelId: form.channel_id ?? "",
        channelName: form.channel_name ?? "",
        responseUrl: form.response_url ?? null,
      });
    },
  );
};
