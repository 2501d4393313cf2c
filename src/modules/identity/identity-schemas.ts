import { Type } from "typebox";
import { NullableString, Timestamp } from "../../http/schemas.js";
import { roles } from "./actor.js";
import { customerTicketVisibilities, plans, stages } from "./organization.js";
import { tokenScopes } from "./token-scopes.js";

export const RoleSchema = Type.Enum([...roles]);
export const PlanSchema = Type.Enum([...plans]);
export const StageSchema = Type.Enum([...stages]);
const CustomerTicketVisibilitySchema = Type.Enum([...customerTicketVisibilities], {
  description:
    "Which tickets the organization's customers see: all of the organization's, or only those they requested",
});
const Email = Type.String({ format: "email", maxLength: 254 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    domains: Type.Array(Type.String()),
    plan: PlanSchema,
    stage: StageSchema,
    notes: Type.String(),
    customerTicketVisibility: CustomerTicketVisibilitySchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: "Organization" },
);

export const OrganizationCreateBody = Type.Object(
  {
    name: Name,
    domains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
    plan: PlanSchema,
    stage: Type.Optional(StageSchema),
    notes: Type.Optional(Type.String({ maxLength: 10_000 })),
    customerTicketVisibility: Type.Optional(CustomerTicketVisibilitySchema),
  },
  { additionalProperties: false },
);

export const OrganizationUpdateBody = Type.Partial(OrganizationCreateBody, { additionalProperties: false });

export const PersonSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    role: RoleSchema,
    organizationId: NullableString,
    timeZone: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    deactivatedAt: Type.Union([Type.String(), Type.Null()], {
      description: "When the account was deactivated (it cannot sign in or act); null while active",
    }),
  },
  { $id: "Person" },
);

/** The sign-in response: the person, and the token their cookie-authenticated writes must carry. */
const TwoFactorEnrollmentRequired = Type.Boolean({
  description:
    "An admin requires a second factor this person has not set up: until they enrol (POST /auth/two-factor/enrollment), the session may only enrol, read who it is and sign out",
});

export const SignedInSchema = Type.Object({
  ...PersonSchema.properties,
  csrfToken: Type.String({ description: "Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE" }),
  twoFactorEnrollmentRequired: TwoFactorEnrollmentRequired,
});

export const SessionSchema = Type.Object({
  person: Type.Ref("Person"),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: "For the session cookie's writes (X-CSRF-Token); null for a bearer token, which needs none",
  }),
  twoFactorEnrollmentRequired: TwoFactorEnrollmentRequired,
});

export const PersonCreateBody = Type.Object(
  {
    name: Name,
    email: Email,
    role: Type.Optional(RoleSchema),
    organizationId: Type.Optional(Type.Union([Type.String({ format: "uuid" }), Type.Null()])),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const PersonUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    organizationId: Type.Optional(Type.Union([Type.String({ format: "uuid" }), Type.Null()])),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const GroupSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    memberIds: Type.Array(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: "Group" },
);

export const TokenScopeSchema = Type.Enum([...tokenScopes], {
  description:
    "read: GET and HEAD only; write: act as the person (an admin acts as an agent); admin: an admin's admin-only actions",
});

export const ApiTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    personId: Type.String(),
    scopes: Type.Array(TokenScopeSchema),
    createdAt: Timestamp,
    expiresAt: Type.Union([Type.String(), Type.Null()], {
      description: "When the token stops working; null: until revoked",
    }),
    lastUsedAt: Type.Union([Type.String(), Type.Null()], {
      description: "Last request made with the token, to the minute",
    }),
    revokedAt: NullableString,
  },
  { $id: "ApiToken" },
);

export const ApiTokenCreatedSchema = Type.Object({
  ...ApiTokenSchema.properties,
  token: Type.String({ description: "The secret: shown once, never again" }),
});
