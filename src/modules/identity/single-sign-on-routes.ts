import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NotFoundError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import { setSessionCookie } from "./session-cookie.js";
import {
  finishSingleSignOn,
  loginAttemptLifetimeMs,
  type SingleSignOnProvider,
  startSingleSignOn,
} from "./single-sign-on.js";

const stateCookieName = "tend_sso_state";
const stateCookiePath = "/api/v1/auth/sso";

/** Single sign-on through an OpenID Connect provider; `provider` is null when it is off. */
export const singleSignOnRoutes: FastifyPluginAsyncTypebox<{
  provider: SingleSignOnProvider | null;
  secureCookies: boolean;
}> = async (app, options) => {
  const { provider, secureCookies } = options;
  const requireProvider = (): SingleSignOnProvider => {
    if (!provider) throw new NotFoundError("Single sign-on is not configured.");
    return provider;
  };

  app.get(
    "/auth/sso",
    {
      schema: {
        tags: ["auth"],
        summary: "Whether single sign-on is on, and whether agents must use it (for the sign-in page)",
        response: {
          200: Type.Object({
            enabled: Type.Boolean(),
            mandatory: Type.Boolean({ description: "Agents cannot sign in with a password; admins can" }),
            startUrl: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async () => ({
      enabled: provider !== null,
      mandatory: provider?.settings.mandatory ?? false,
      startUrl: provider ? `${stateCookiePath}/start` : null,
    }),
  );

  app.get(
    "/auth/sso/start",
    {
      schema: {
        tags: ["auth"],
        summary: "Begin single sign-on: redirects to the identity provider",
        response: {
          302: Type.Null({ description: "To the provider's authorization endpoint" }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { authorizationUrl, state } = await startSingleSignOn({
        ctx: request.ctx,
        provider: requireProvider(),
      });
      reply.setCookie(stateCookieName, state, {
        path: stateCookiePath,
        httpOnly: true,
        // Lax, not strict: the provider's redirect back is a cross-site top-level navigation.
        sameSite: "lax",
        secure: secureCookies,
        maxAge: Math.floor(loginAttemptLifetimeMs / 1000),
      });
      return reply.redirect(authorizationUrl, 302);
    },
  );

  app.get(
    "/auth/sso/callback",
    {
      schema: {
        tags: ["auth"],
        summary: "Where the identity provider returns: signs in, sets the session cookie, redirects to /",
        // Providers add parameters of their own (session_state, iss, scope, authuser…): the code
        // and state are checked by the use case, anything else is ignored rather than refused.
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            state: Type.Optional(Type.String({ maxLength: 512 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
          },
          { additionalProperties: true },
        ),
        response: {
          302: Type.Null({ description: "Signed in: to the agent workspace" }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const chosen = requireProvider();
      const queryAt = request.url.indexOf("?");
      const browserState = request.cookies[stateCookieName];
      // Spent whatever happens next: an attempt answers once.
      reply.clearCookie(stateCookieName, { path: stateCookiePath });
      const { sessionSecret } = await finishSingleSignOn({
        ctx: request.ctx,
        provider: chosen,
        input: { callbackQuery: queryAt < 0 ? "" : request.url.slice(queryAt), browserState },
      });
      setSessionCookie(reply, sessionSecret, secureCookies);
      return reply.redirect("/", 302);
    },
  );
};
