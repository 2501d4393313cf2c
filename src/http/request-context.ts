import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError, UnauthorizedError } from "../errors.js";
import { anonymousActor } from "../modules/identity/actor.js";
import { actorForApiToken, actorForSession, sessionCookieName } from "../modules/identity/sessions.js";
import { tokenAllowsMethod } from "../modules/identity/token-scopes.js";
import type { Context } from "../shared/context.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The use-case context for this request: its actor, channel, database, clock and logger. */
    ctx: Context;
  }
}

/**
 * Resolves who is calling, once per request: a bearer token (channel `api`) or the session cookie
 * (channel `web`). A bearer token that does not match is refused outright rather than ignored, so
 * a revoked integration fails loudly instead of acting anonymously.
 */
export const requestContext = fp(
  async (app: FastifyInstance, options: { base: Omit<Context, "actor" | "channel" | "logger"> }) => {
    app.decorateRequest("ctx", null as unknown as Context);
    app.addHook("onRequest", async (request: FastifyRequest) => {
      // Where the request came from goes into every audit record it causes.
      const origin = { ip: request.ip, userAgent: request.headers["user-agent"] ?? null, tokenId: null };
      const ctx: Context = {
        ...options.base,
        actor: anonymousActor,
        channel: "api",
        origin,
        logger: request.log,
      };
      request.ctx = ctx;
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        const actor = match?.[1] ? await actorForApiToken(ctx, match[1]) : undefined;
        if (!actor) {
          request.log.info(
            { reason: match ? "unknown or revoked token" : "malformed Authorization header" },
            "authentication refused",
          );
          throw new UnauthorizedError("The bearer token is unknown, revoked, expired or malformed.");
        }
        if (
          actor.kind === "person" &&
          actor.token &&
          !tokenAllowsMethod(actor.token.scopes, request.method)
        ) {
          request.log.info({ tokenId: actor.token.id, reason: "token scope" }, "request refused");
          throw new ForbiddenError("The token scope is read: it may only make GET and HEAD requests.");
        }
        const tokenId = actor.kind === "person" ? (actor.token?.id ?? null) : null;
        request.ctx = { ...ctx, actor, origin: { ...origin, tokenId } };
        return;
      }
      const sessionSecret = request.cookies[sessionCookieName];
      if (sessionSecret) {
        const actor = await actorForSession(ctx, sessionSecret);
        if (actor) request.ctx = { ...ctx, actor, channel: "web" };
      }
    });
  },
);
