import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { pagingTriggerDescriptions, pagingTriggerKinds } from "./paging-triggers.js";

const Kind = Type.Enum(pagingTriggerKinds, {
  description: pagingTriggerKinds.map((kind) => `${kind}: ${pagingTriggerDescriptions[kind]}`).join("; "),
});
const PolicyId = Type.String({ format: "uuid", description: "The escalation policy to page" });

export const PagingTriggerCreateBody = Type.Object(
  {
    kind: Kind,
    policyId: PolicyId,
    enabled: Type.Optional(Type.Boolean({ description: "Default true" })),
  },
  { additionalProperties: false },
);

export const PagingTriggerUpdateBody = Type.Object(
  {
    kind: Type.Optional(Kind),
    policyId: Type.Optional(PolicyId),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PagingTriggerSchema = Type.Object({
  id: Type.String(),
  kind: Kind,
  description: Type.String(),
  policy: Type.Object({ id: Type.String(), name: Type.String() }),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PagingTriggerListSchema = Type.Object({
  triggers: Type.Array(PagingTriggerSchema),
  kinds: Type.Array(Type.Object({ kind: Kind, description: Type.String() }), {
    description: "Every occasion a trigger may page for",
  }),
});
