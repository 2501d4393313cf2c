import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { IdParams, PageQuery, pageOf, problemResponses } from "../../http/schemas.js";
import type { Actor } from "./actor.js";
import { deactivatePerson, reactivatePerson } from "./deactivate-person.js";
import {
  ApiTokenCreatedSchema,
  ApiTokenSchema,
  GroupSchema,
  OrganizationCreateBody,
  OrganizationSchema,
  OrganizationUpdateBody,
  PersonCreateBody,
  PersonSchema,
  PersonUpdateBody,
  RoleSchema,
  SessionSchema,
  SignedInSchema,
  TokenScopeSchema,
} from "./identity-schemas.js";
import {
  createApiToken,
  listApiTokens,
  maximumTokenLifetimeDays,
  revokeApiToken,
} from "./manage-api-tokens.js";
import { addGroupMember, createGroup, getGroup, listGroups, removeGroupMember } from "./manage-groups.js";
import {
  createOrganization,
  getOrganization,
  listOrganizations,
  updateOrganization,
} from "./manage-organizations.js";
import { createPerson, getMe, getPerson, listPeople, updatePerson } from "./manage-people.js";
import { setSessionCookie } from "./session-cookie.js";
import { actorForSession, csrfTokenFor, sessionCookieName, signIn, signOut } from "./sessions.js";
import type { SecondFactorRequired } from "./sign-in-challenge.js";
import { redeemSignInLink, requestSignInLink } from "./sign-in-link.js";
import { SecondFactorRequiredSchema } from "./two-factor-schemas.js";
import { unlockAccount } from "./unlock-by-email.js";

/** Sets a new session's cookie and answers with who signed in and the CSRF token their writes carry. */
export async function sendSignedIn(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { sessionSecret: string; actor: Actor },
  secureCookies: boolean,
) {
  setSessionCookie(reply, session.sessionSecret, secureCookies);
  // The session as its next request will see it: one an admin requires to enrol says so now, and the
  // workspace opens on the enrolment form instead of a row of refusals.
  const actor = (await actorForSession(request.ctx, session.sessionSecret)) ?? session.actor;
  return {
    ...(await getMe({ ...request.ctx, actor: session.actor })),
    csrfToken: csrfTokenFor(session.sessionSecret),
    twoFactorEnrollmentRequired: mustEnrollTwoFactor(actor),
  };
}

function mustEnrollTwoFactor(actor: Actor): boolean {
  return actor.kind === "person" && actor.mustEnrollTwoFactor === true;
}

/** A first factor accepted, a code still due: the challenge to send with it to /auth/sign-in/second-factor. */
function sendSecondFactorRequired(reply: FastifyReply, outcome: SecondFactorRequired) {
  return reply.status(202).send({
    secondFactorRequired: true,
    challenge: outcome.secondFactorChallenge,
    expiresAt: outcome.expiresAt.toISOString(),
  });
}

export const identityRoutes: FastifyPluginAsyncTypebox<{
  secureCookies: boolean;
  agentsMustUseSingleSignOn?: boolean;
}> = async (app, options) => {
  app.post(
    "/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Sign in with email and password (staff, and customers who set one); sets the session cookie",
        body: Type.Object(
          { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: SignedInSchema, 202: SecondFactorRequiredSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const outcome = await signIn(request.ctx, request.body.email, request.body.password, request.ip, {
        agentsMustUseSingleSignOn: options.agentsMustUseSingleSignOn ?? false,
      });
      if ("secondFactorChallenge" in outcome) return sendSecondFactorRequired(reply, outcome);
      return sendSignedIn(request, reply, outcome, options.secureCookies);
    },
  );

  app.post(
    "/auth/sign-in-link",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Ask for a single-use sign-in link by email (customers, for the portal); the same answer whoever the address belongs to",
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }) },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ message: Type.String() }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      await requestSignInLink(request.ctx, request.body.email, request.ip);
      return reply.status(202).send({
        message:
          "If this address belongs to a customer account, a sign-in link is on its way; it works once, for 15 minutes.",
      });
    },
  );

  app.post(
    "/auth/sign-in-link/redeem",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Sign in with the single-use token of a sign-in link (the page /portal/sign-in?token=… calls this); sets the session cookie",
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: SignedInSchema, 202: SecondFactorRequiredSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const outcome = await redeemSignInLink(request.ctx, request.body.token);
      if ("secondFactorChallenge" in outcome) return sendSecondFactorRequired(reply, outcome);
      return sendSignedIn(request, reply, outcome, options.secureCookies);
    },
  );

  app.post(
    "/auth/unlock",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Lift an account's sign-in lockout with the single-use token from its unlock mail (the page /unlock?token=… calls this)",
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await unlockAccount(request.ctx, request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/auth/session",
    {
      config: { allowedBeforeTwoFactorEnrollment: true },
      schema: {
        tags: ["auth"],
        summary: "Who the caller is, and the X-CSRF-Token their session cookie's writes must carry",
        response: { 200: SessionSchema, ...problemResponses },
      },
    },
    async (request) => {
      const person = await getMe(request.ctx);
      const sessionSecret = request.cookies[sessionCookieName];
      const bySession = request.ctx.channel === "web" && sessionSecret !== undefined;
      return {
        person,
        csrfToken: bySession ? csrfTokenFor(sessionSecret) : null,
        twoFactorEnrollmentRequired: mustEnrollTwoFactor(request.ctx.actor),
      };
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { allowedBeforeTwoFactorEnrollment: true },
      schema: { tags: ["auth"], summary: "Sign out: ends the session", response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const secret = request.cookies[sessionCookieName];
      if (secret) await signOut(request.ctx, secret);
      reply.clearCookie(sessionCookieName, { path: "/" });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/me",
    {
      config: { allowedBeforeTwoFactorEnrollment: true },
      schema: {
        tags: ["people"],
        summary: "Who the caller is",
        response: { 200: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request) => getMe(request.ctx),
  );

  app.get(
    "/organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "List organizations (a customer sees only their own)",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: pageOf(OrganizationSchema), ...problemResponses },
      },
    },
    async (request) =>
      listOrganizations({
        ctx: request.ctx,
        limit: request.query.limit ?? 50,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      }),
  );

  app.post(
    "/organizations",
    {
      schema: {
        tags: ["organizations"],
        summary: "Create an organization",
        body: OrganizationCreateBody,
        response: { 201: Type.Ref("Organization"), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createOrganization({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/organizations/:id",
    {
      schema: {
        tags: ["organizations"],
        summary: "Get an organization",
        params: IdParams,
        response: { 200: Type.Ref("Organization"), ...problemResponses },
      },
    },
    async (request) => getOrganization({ ctx: request.ctx, id: request.params.id }),
  );

  app.patch(
    "/organizations/:id",
    {
      schema: {
        tags: ["organizations"],
        summary: "Update an organization (admins)",
        params: IdParams,
        body: OrganizationUpdateBody,
        response: { 200: Type.Ref("Organization"), ...problemResponses },
      },
    },
    async (request) => updateOrganization({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.get(
    "/people",
    {
      schema: {
        tags: ["people"],
        summary: "List people (a customer sees only their organization)",
        querystring: Type.Object(
          {
            ...PageQuery,
            organizationId: Type.Optional(Type.String({ format: "uuid" })),
            role: Type.Optional(RoleSchema),
            active: Type.Optional(
              Type.Boolean({
                description:
                  "true: only active people (whom tickets may be assigned to); false: only deactivated",
              }),
            ),
            email: Type.Optional(
              Type.String({ maxLength: 320, description: "Only the person with this address (any case)" }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(PersonSchema), ...problemResponses },
      },
    },
    async (request) => {
      const { limit, cursor, organizationId, role, active, email } = request.query;
      return listPeople({
        ctx: request.ctx,
        filter: {
          ...(organizationId ? { organizationId } : {}),
          ...(role ? { role } : {}),
          ...(active !== undefined ? { active } : {}),
          ...(email ? { email } : {}),
        },
        limit: limit ?? 50,
        ...(cursor ? { cursor } : {}),
      });
    },
  );

  app.post(
    "/people",
    {
      schema: {
        tags: ["people"],
        summary: "Add a person: customers by staff, agents and admins by admins",
        body: PersonCreateBody,
        response: { 201: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPerson({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/people/:id",
    {
      schema: {
        tags: ["people"],
        summary: "Get a person",
        params: IdParams,
        response: { 200: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request) => getPerson({ ctx: request.ctx, id: request.params.id }),
  );

  app.patch(
    "/people/:id",
    {
      schema: {
        tags: ["people"],
        summary: "Update a person (yourself, or anyone as an admin)",
        params: IdParams,
        body: PersonUpdateBody,
        response: { 200: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request) => updatePerson({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.post(
    "/people/:id/deactivation",
    {
      schema: {
        tags: ["people"],
        summary:
          "Deactivate a person: their sessions end, their API tokens are revoked, they cannot sign in (admins: anyone but themselves and the last admin; agents: customers)",
        params: IdParams,
        response: { 200: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request) => deactivatePerson({ ctx: request.ctx, id: request.params.id }),
  );

  app.delete(
    "/people/:id/deactivation",
    {
      schema: {
        tags: ["people"],
        summary: "Reactivate a person: they may sign in again (revoked tokens stay revoked)",
        params: IdParams,
        response: { 200: Type.Ref("Person"), ...problemResponses },
      },
    },
    async (request) => reactivatePerson({ ctx: request.ctx, id: request.params.id }),
  );

  app.get(
    "/groups",
    {
      schema: {
        tags: ["groups"],
        summary: "List groups",
        response: { 200: Type.Array(GroupSchema), ...problemResponses },
      },
    },
    async (request) => listGroups(request.ctx),
  );

  app.post(
    "/groups",
    {
      schema: {
        tags: ["groups"],
        summary: "Create a group (admins)",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            description: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref("Group"), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createGroup({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/groups/:id",
    {
      schema: {
        tags: ["groups"],
        summary: "Get a group",
        params: IdParams,
        response: { 200: Type.Ref("Group"), ...problemResponses },
      },
    },
    async (request) => getGroup({ ctx: request.ctx, id: request.params.id }),
  );

  const MembershipParams = Type.Object(
    { id: Type.String({ format: "uuid" }), personId: Type.String({ format: "uuid" }) },
    { additionalProperties: false },
  );
  app.put(
    "/groups/:id/members/:personId",
    {
      schema: {
        tags: ["groups"],
        summary: "Add an agent to a group (admins)",
        params: MembershipParams,
        response: { 200: Type.Ref("Group"), ...problemResponses },
      },
    },
    async (request) =>
      addGroupMember({ ctx: request.ctx, groupId: request.params.id, personId: request.params.personId }),
  );
  app.delete(
    "/groups/:id/members/:personId",
    {
      schema: {
        tags: ["groups"],
        summary: "Remove an agent from a group (admins)",
        params: MembershipParams,
        response: { 200: Type.Ref("Group"), ...problemResponses },
      },
    },
    async (request) =>
      removeGroupMember({ ctx: request.ctx, groupId: request.params.id, personId: request.params.personId }),
  );

  app.get(
    "/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "List API tokens (yours; all as an admin)",
        response: { 200: Type.Array(ApiTokenSchema), ...problemResponses },
      },
    },
    async (request) => listApiTokens(request.ctx),
  );

  app.post(
    "/tokens",
    {
      schema: {
        tags: ["tokens"],
        summary: "Create an API token; the secret is shown once",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            personId: Type.Optional(Type.String({ format: "uuid" })),
            scopes: Type.Optional(
              Type.Array(TokenScopeSchema, {
                minItems: 1,
                uniqueItems: true,
                description: 'Default ["write"]; an admin\'s admin-only actions need "admin"',
              }),
            ),
            expiresInDays: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: maximumTokenLifetimeDays,
                description: "Without it the token works until revoked",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: ApiTokenCreatedSchema,
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiToken({ ctx: request.ctx, input: request.body })),
  );

  app.delete(
    "/tokens/:id",
    {
      schema: {
        tags: ["tokens"],
        summary: "Revoke an API token",
        params: IdParams,
        response: { 200: Type.Ref("ApiToken"), ...problemResponses },
      },
    },
    async (request) => revokeApiToken({ ctx: request.ctx, id: request.params.id }),
  );
};
