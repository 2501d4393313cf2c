import { Type } from "typebox";
import { maxRawEmailDays, maxRetentionMonths, retentionActions } from "./retention-policy.js";

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

/**
 * A whole number in range, or null for "for ever". One type list rather than a union: the API's
 * type coercion turns 0 into null for a union's null branch, so 0 would quietly mean "keep".
 */
function countOrNull(maximum: number, description: string) {
  return Type.Unsafe<number | null>({ type: ["integer", "null"], minimum: 1, maximum, description });
}

const policyFields = {
  closedTicketMonths: countOrNull(maxRetentionMonths, "Months after closing; null keeps closed tickets"),
  action: Type.Union(
    retentionActions.map((action) => Type.Literal(action)),
    { description: "delete: the ticket and everything on it; anonymize: structure stays, content goes" },
  ),
};

export const RetentionPolicyBody = Type.Object(policyFields, { additionalProperties: false });

const rawEmailDays = countOrNull(
  maxRawEmailDays,
  "Days the raw bytes of inbound mail are kept once processed or ignored (the parsed copy on the ticket stays); null keeps them. Failed messages keep theirs",
);

export const DeskRetentionPolicyBody = Type.Object(
  { ...policyFields, rawEmailDays: Type.Optional(rawEmailDays) },
  { additionalProperties: false },
);

export const RetentionPoliciesSchema = Type.Object({
  desk: Type.Object(
    { ...policyFields, rawEmailDays },
    { description: "Applies to every organization without its own policy" },
  ),
  organizations: Type.Array(Type.Object({ organizationId: Type.String(), ...policyFields })),
});
