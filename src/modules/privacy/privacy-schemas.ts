import { Type } from "typebox";
import { maxRetentionMonths, retentionActions } from "./retention-policy.js";

/** The erasure and retention API's shapes: inline, strict bodies; the use cases check meaning. */

export const ErasureBody = Type.Object(
  {
    dryRun: Type.Boolean({ description: "true: list what would be erased and change nothing" }),
  },
  { additionalProperties: false },
);

export const ErasureReportSchema = Type.Object({
  personId: Type.String(),
  dryRun: Type.Boolean(),
  erasedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  items: Type.Array(
    Type.Object({
      kind: Type.String({ description: "profile, sessions, apiTokens, comments, auditRecords, …" }),
      count: Type.Integer(),
    }),
  ),
  ticketNumbers: Type.Array(Type.Integer(), {
    description:
      "Tickets the person requested: they stay, their subject and the person's words become a tombstone",
  }),
});

const policyFields = {
  closedTicketMonths: Type.Union([Type.Integer({ minimum: 1, maximum: maxRetentionMonths }), Type.Null()], {
    description: "Months after closing; null keeps closed tickets",
  }),
  action: Type.Union(
    retentionActions.map((action) => Type.Literal(action)),
    { description: "delete: the ticket and everything on it; anonymize: structure stays, content goes" },
  ),
};

export const RetentionPolicyBody = Type.Object(policyFields, { additionalProperties: false });

export const RetentionPoliciesSchema = Type.Object({
  desk: Type.Object(policyFields, { description: "Applies to every organization without its own policy" }),
  organizations: Type.Array(Type.Object({ organizationId: Type.String(), ...policyFields })),
});
