import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { ValidationError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import { SlackEventAnswer, SlackEventEnvelope } from "./chat-schemas.js";
import { receiveSlackEvent } from "./receive-slack-event.js";
import { verifySlackRequest } from "./slack-request.js";

/** The bytes of each JSON body as received: the signature covers them, not the parsed object. */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/**
 * Slack's Events API Request URL (`/integrations/slack/events`), signed with the app's signing
 * secret (TEND_SLACK_SIGNING_SECRET) like the slash command.
 */
export const slackEventRoutes: FastifyPluginAsyncTypebox<{ signingSecret: string | null }> = async (
  app,
  { signingSecret },
) => {
  // Encapsulated in this plugin, so the rest of the API keeps Fastify's own JSON parser.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const raw = body as Buffer;
    rawBodies.set(request, raw);
    try {
      done(null, JSON.parse(raw.toString("utf8")));
    } catch {
      done(ValidationError.field("body", "must be JSON"), undefined);
    }
  });

  app.post(
    "/integrations/slack/events",
    {
      config: { actsBySecret: true },
      schema: {
        tags: ["chat"],
        summary: "Slack Events API: messages in connected channels become tickets and comments",
        description:
          "Signed by Slack (X-Slack-Signature, X-Slack-Request-Timestamp within 5 minutes; v0 HMAC-SHA256 " +
          "of the raw body); a bad or stale signature is a 401, no signing secret configured a 404. " +
          "Answers the url_verification challenge. Each event_id is taken once: Slack's retries " +
          "(X-Slack-Retry-Num) are answered 200 and queue nothing. The work is queued, so the answer " +
          "comes well within Slack's 3 seconds.",
        security: [],
        body: SlackEventEnvelope,
        response: { 200: SlackEventAnswer, ...problemResponses },
      },
      preValidation: async (request) => {
        verifySlackRequest(request, signingSecret, rawBodies.get(request), "an application/json event");
      },
    },
    async (request) => {
      const retry = request.headers["x-slack-retry-num"];
      if (retry)
        request.log.info(
          { retry, reason: request.headers["x-slack-retry-reason"] },
          "Slack retried an event",
        );
      return receiveSlackEvent(request.ctx, request.body);
    },
  );
};
