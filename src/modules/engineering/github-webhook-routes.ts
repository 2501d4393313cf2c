import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { NotFoundError, UnauthorizedError, ValidationError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import { GithubWebhookBody } from "./engineering-schemas.js";
import { githubWebhookSecret } from "./github-settings.js";
import { checkGithubSignature } from "./github-signature.js";
import { type GithubIssuesPayload, receiveGithubWebhook } from "./github-webhook.js";

/** The bytes of each JSON body as received: the signature covers them, not the parsed value. */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** GitHub's delivery ids are GUIDs; anything much longer is not GitHub. */
const deliveryIdPattern = /^[A-Za-z0-9-]{1,100}$/;

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * GitHub's repository webhook (content type application/json, the `Issues` event), signed with the
 * secret set under GitHub settings. No session: the signature is the credential.
 */
export const githubWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Encapsulated in this plugin, as Slack's form parser is in its own: the same JSON parser as
  // everywhere (prototype-poisoning checks included), keeping the bytes the signature covers.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    rawBodies.set(request, body as Buffer);
    parseJson(request, (body as Buffer).toString("utf8"), done);
  });

  app.post(
    "/integrations/github/webhook",
    {
      config: { actsBySecret: true },
      schema: {
        tags: ["engineering"],
        summary: "GitHub webhook: keeps linked issues current; a closed issue reopens its tickets",
        description:
          "Verified by X-Hub-Signature-256 (HMAC-SHA256 of the raw body under the webhook secret): a missing or " +
          "wrong signature is a 401, no secret configured a 404. X-GitHub-Delivery is acted on once (a repeat " +
          "answers 200 with duplicate). `issues` and `ping` are handled; other events answer 204.",
        security: [],
        body: GithubWebhookBody,
        response: {
          200: Type.Object({ outcome: Type.Enum(["received", "duplicate", "ignored"]) }),
          204: Type.Null(),
          ...problemResponses,
        },
      },
      preValidation: async (request) => {
        const secret = await githubWebhookSecret(request.ctx);
        if (!secret)
          throw new NotFoundError(
            "No GitHub webhook is configured here: set its secret under GitHub settings.",
          );
        const raw = rawBodies.get(request);
        if (!raw) throw new UnauthorizedError("A GitHub webhook is a signed application/json post.");
        const check = checkGithubSignature({
          secret,
          signature: singleHeader(request, "x-hub-signature-256"),
          rawBody: raw,
        });
        if (!check.valid) {
          request.log.info({ reason: check.reason }, "GitHub webhook refused");
          throw new UnauthorizedError(`The GitHub signature does not verify: ${check.reason}.`);
        }
      },
    },
    async (request, reply) => {
      const event = singleHeader(request, "x-github-event");
      const deliveryId = singleHeader(request, "x-github-delivery");
      if (!event) throw ValidationError.field("X-GitHub-Event", "GitHub names the event");
      if (!deliveryId || !deliveryIdPattern.test(deliveryId))
        throw ValidationError.field("X-GitHub-Delivery", "GitHub sends each delivery's id");
      if (event !== "issues" && event !== "ping") return reply.code(204).send(null);
      const outcome = await receiveGithubWebhook({
        ctx: request.ctx,
        input: { deliveryId, event, payload: request.body as GithubIssuesPayload },
      });
      return { outcome };
    },
  );
};
