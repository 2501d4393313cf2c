import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { sendSignedIn } from "./identity-routes.js";
import { SignedInSchema } from "./identity-schemas.js";
import { changeSecuritySettings, getSecuritySettings } from "./manage-security-settings.js";
import {
  confirmTwoFactorEnrollment,
  disableTwoFactor,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  resetTwoFactor,
  startTwoFactorEnrollment,
} from "./manage-two-factor.js";
import { signInWithSecondFactor } from "./second-factor-sign-in.js";
import {
  RecoveryCodesSchema,
  SecondFactorBody,
  SecuritySettingsBody,
  SecuritySettingsSchema,
  TwoFactorCodeBody,
  TwoFactorEnrollmentSchema,
  TwoFactorStatusSchema,
} from "./two-factor-schemas.js";

/** Second-factor sign-in, enrolment and recovery codes, an admin's reset, and the security settings. */
export const twoFactorRoutes: FastifyPluginAsyncTypebox<{ secureCookies: boolean }> = async (
  app,
  options,
) => {
  // A session that must enrol before anything else may still use these.
  const enrollment = { allowedBeforeTwoFactorEnrollment: true };

  app.post(
    "/auth/sign-in/second-factor",
    {
      schema: {
        tags: ["auth"],
        summary: "Finish signing in with the challenge from /auth/login and a TOTP or recovery code",
        body: SecondFactorBody,
        response: { 200: SignedInSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const session = await signInWithSecondFactor(request.ctx, request.body, request.ip);
      return sendSignedIn(request, reply, session, options.secureCookies);
    },
  );

  app.get(
    "/auth/two-factor",
    {
      config: enrollment,
      schema: {
        tags: ["auth"],
        summary: "Your two-factor sign-in: on or not, required or not, recovery codes left",
        response: { 200: TwoFactorStatusSchema, ...problemResponses },
      },
    },
    async (request) => getTwoFactorStatus(request.ctx),
  );

  app.post(
    "/auth/two-factor/enrollment",
    {
      config: enrollment,
      schema: {
        tags: ["auth"],
        summary: "Start two-factor enrolment: a new secret for your authenticator app (signed-in session)",
        response: { 200: TwoFactorEnrollmentSchema, ...problemResponses },
      },
    },
    async (request) => startTwoFactorEnrollment(request.ctx),
  );

  app.post(
    "/auth/two-factor/enrollment/confirm",
    {
      config: enrollment,
      schema: {
        tags: ["auth"],
        summary: "Turn two-factor sign-in on with a current code; returns recovery codes, shown once",
        body: TwoFactorCodeBody,
        response: { 200: RecoveryCodesSchema, ...problemResponses },
      },
    },
    async (request) => confirmTwoFactorEnrollment({ ctx: request.ctx, input: request.body }),
  );

  app.post(
    "/auth/two-factor/recovery-codes",
    {
      schema: {
        tags: ["auth"],
        summary: "Replace your recovery codes (needs a current code); the new ones are shown once",
        body: TwoFactorCodeBody,
        response: { 200: RecoveryCodesSchema, ...problemResponses },
      },
    },
    async (request) => regenerateRecoveryCodes({ ctx: request.ctx, input: request.body }),
  );

  app.post(
    "/auth/two-factor/disable",
    {
      schema: {
        tags: ["auth"],
        summary: "Turn your two-factor sign-in off with a current code, unless an admin requires it",
        body: TwoFactorCodeBody,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await disableTwoFactor({ ctx: request.ctx, input: request.body });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    "/people/:id/two-factor",
    {
      schema: {
        tags: ["people"],
        summary: "Reset a person's two-factor sign-in and end their sessions (admins; not your own)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await resetTwoFactor({ ctx: request.ctx, personId: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/security/settings",
    {
      schema: {
        tags: ["security"],
        summary: "Security settings: whose sign-in needs a second factor (admins)",
        response: { 200: SecuritySettingsSchema, ...problemResponses },
      },
    },
    async (request) => getSecuritySettings(request.ctx),
  );

  app.put(
    "/security/settings",
    {
      schema: {
        tags: ["security"],
        summary: "Change the security settings (admins)",
        body: SecuritySettingsBody,
        response: { 200: SecuritySettingsSchema, ...problemResponses },
      },
    },
    async (request) => changeSecuritySettings({ ctx: request.ctx, input: request.body }),
  );
};
