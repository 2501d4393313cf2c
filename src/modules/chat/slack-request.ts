import type { FastifyRequest } from "fastify";
import { NotFoundError, UnauthorizedError } from "../../errors.js";
import { checkSlackSignature } from "./slack-signature.js";

/**
 * The check every route Slack calls makes in `preValidation` (after parsing, before any field is
 * read): no signing secret configured is a 404 (no Slack app here), a missing raw body or a bad or
 * stale signature a 401. `rawBody` is the bytes the route's own content-type parser kept.
 */
export function verifySlackRequest(
  request: FastifyRequest,
  signingSecret: string | null,
  rawBody: Buffer | undefined,
  expected: string,
): void {
  if (!signingSecret)
    throw new NotFoundError("No Slack app is configured here: set TEND_SLACK_SIGNING_SECRET.");
  if (!rawBody) throw new UnauthorizedError(`Slack signs ${expected}.`);
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? undefined : value;
  };
  const check = checkSlackSignature({
    signingSecret,
    timestamp: header("x-slack-request-timestamp"),
    signature: header("x-slack-signature"),
    rawBody,
    nowMs: request.ctx.clock.now().getTime(),
  });
  if (!check.valid) {
    request.log.info({ reason: check.reason }, "Slack request refused");
    throw new UnauthorizedError(`The Slack signature does not verify: ${check.reason}.`);
  }
}
