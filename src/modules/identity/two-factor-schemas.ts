import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { twoFactorRequirements } from "./two-factor.js";

export const SecondFactorRequiredSchema = Type.Object({
  secondFactorRequired: Type.Literal(true),
  challenge: Type.String({
    description: "Send it with a code to POST /api/v1/auth/sign-in/second-factor; single use",
  }),
  expiresAt: Timestamp,
});

export const SecondFactorBody = Type.Object(
  {
    challenge: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The 6-digit code from the authenticator app, or one of the recovery codes",
    }),
  },
  { additionalProperties: false },
);

export const TwoFactorCodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The current 6-digit code from the authenticator app",
    }),
  },
  { additionalProperties: false },
);

export const TwoFactorStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  pendingEnrollment: Type.Boolean({ description: "A secret awaits confirmation with a code" }),
  required: Type.Boolean({ description: "An admin requires a second factor of your role" }),
  recoveryCodesLeft: Type.Integer(),
});

export const TwoFactorEnrollmentSchema = Type.Object({
  secret: Type.String({ description: "Base32 TOTP secret (SHA-1, 6 digits, 30 s), for manual entry" }),
  otpauthUri: Type.String({ description: "The same secret as an otpauth:// URI, for a QR code" }),
});

export const RecoveryCodesSchema = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: "Ten single-use codes: shown now and never again",
  }),
});

export const TwoFactorRequirementSchema = Type.Enum([...twoFactorRequirements], {
  description: "Whose sign-in needs a second factor: nobody, admins, or every agent and admin",
});

export const SecuritySettingsSchema = Type.Object({
  requireTwoFactorFor: TwoFactorRequirementSchema,
  updatedAt: Timestamp,
});

export const SecuritySettingsBody = Type.Object(
  { requireTwoFactorFor: TwoFactorRequirementSchema },
  { additionalProperties: false },
);
