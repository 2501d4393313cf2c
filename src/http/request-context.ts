import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError, TwoFactorEnrollmentRequiredError, UnauthorizedError } from "../errors.js";
import { anonymousActor } from "../modules/identity/actor.js";
import {
  actorForApiToken,
  actorForSession,
  csrfTokenFor,
  sessionCookieName,
} from "../modules/identity/sessions.js";
import { tokenAllowsMethod } from "../modules/identity/token-scopes.js";
import type { Context } from "../shared/context.js";
import { csrfHeaderName, csrfTokenMatches, isUnsafeMethod, originAllowed } from "./csrf.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The use-case context for this request: its actor, channel, database, clock and logger. */
    ctx: Context;
  }
  interface FastifyContextConfig {
    /** The route serves a session that must enrol a second factor first (enrolment, who am I, sign-out). */
    allowedBeforeTwoFactorEnrollment?: boolean;
    /** The route's secret path is its only credential (a mailed one-click link): a session is not consulted. */
    actsBySecret?: boolean;
    /** The route checks a bearer token of its own (`/metrics`), not an API token: the header is left to it. */
    ownBearerToken?: boolean;
  }
}

/**
 * Resolves who is calling, once per request: a bearer token (channel `api`) or the session cookie
 * (channel `web`). A bearer token that does not match is refused outright rather than ignored, so
 * a revoked integration fails loudly instead of acting anonymously.
 *
 * A write that is not bearer-authenticated must come from Tend's own pages (`Origin`, when the
 * browser sends one), and one the session cookie authenticates must carry the session's
 * `X-CSRF-Token` (src/http/csrf.ts). The rule goes by method and kind of credential, not by route,
 * so every route added later is covered. Sign-in has no session yet: its `Origin` check (and a body
 * only JSON parses into) is what stops a forged sign-in into the attacker's account.
 */
export const requestContext = fp(
  async (
    app: FastifyInstance,
    options: { base: Omit<Context, "actor" | "channel" | "logger">; publicUrl: string },
  ) => {
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
      if (authorization !== undefined && !request.routeOptions.config?.ownBearerToken) {
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
      const unsafe = isUnsafeMethod(request.method);
      const sentFrom = request.headers.origin;
      const allowed = { publicUrl: options.publicUrl, host: request.host };
      // A route whose secret path is its only credential acts for no session, so a forged request
      // gains nothing; and its confirmation form, on a page served with Referrer-Policy no-referrer,
      // is posted by Chromium with `Origin: null`, which the check would refuse.
      const bySecret = request.routeOptions.config?.actsBySecret === true;
      if (unsafe && !bySecret && sentFrom !== undefined && !originAllowed(sentFrom, allowed)) {
        request.log.info({ origin: sentFrom, reason: "foreign origin" }, "request refused as cross-site");
        throw new ForbiddenError(
          "Writes are only accepted from Tend's own pages, and this one came from another site.",
        );
      }
      const sessionSecret = request.cookies[sessionCookieName];
      // A form posted from a mailed link's page carries no CSRF header; the signed-in session has no part in it.
      if (sessionSecret && !request.routeOptions.config?.actsBySecret) {
        const actor = await actorForSession(ctx, sessionSecret);
        if (!actor) return;
        if (unsafe && !csrfTokenMatches(csrfTokenFor(sessionSecret), request.headers[csrfHeaderName])) {
          const personId = actor.kind === "person" ? actor.personId : null;
          request.log.info(
            { personId, reason: "missing or wrong CSRF token" },
            "request refused as cross-site",
          );
          throw new ForbiddenError(
            "A write signed in by cookie needs the X-CSRF-Token header from GET /api/v1/auth/session.",
          );
        }
        if (
          actor.kind === "person" &&
          actor.mustEnrollTwoFactor &&
          !request.routeOptions.config?.allowedBeforeTwoFactorEnrollment
        ) {
          // The public pages (status, help center) and the workspace's shell, which holds the
          // enrolment form, are served as to anyone signed out: the session carries no standing yet.
          if (!request.url.startsWith("/api/")) return;
          request.log.info({ personId: actor.personId }, "request refused until two-factor enrollment");
          throw new TwoFactorEnrollmentRequiredError(
            "An admin requires two-factor sign-in for your role: set it up at /api/v1/auth/two-factor/enrollment first.",
          );
        }
        request.ctx = { ...ctx, actor, channel: "web" };
      }
    });
  },
);
