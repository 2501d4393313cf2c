import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { severities } from "../tickets/ticket.js";
import { ticketStatuses } from "../tickets/ticket-status.js";
import { assignmentStrategies, templatePlaceholders } from "./automation-actions.js";
import {
  allConditionOperators,
  automationEventKinds,
  conditionFields,
  conditionMatches,
} from "./automation-conditions.js";

const Id = Type.String({ format: "uuid" });
const Template = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 10_000,
    description: `${description}; placeholders: ${templatePlaceholders.map((name) => `{{${name}}}`).join(", ")}`,
  });
const Tags = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 });
export const ConditionSchema = Type.Object(
  {
    field: Type.Enum(conditionFields),
    operator: Type.Enum(allConditionOperators, {
      description:
        "channel, plan, severity, category, group, status: is | is_not; tags: includes | excludes; text: contains | does_not_contain; business_hours: is",
    }),
    value: Type.String({
      maxLength: 500,
      description: "group: a group's id; business_hours: within | outside; text: case-insensitive",
    }),
  },
  { additionalProperties: false },
);

const closed = { additionalProperties: false } as const;

export const ActionSchema = Type.Union([
  Type.Object({ type: Type.Literal("set_group"), groupId: Id }, closed),
  Type.Object({ type: Type.Literal("set_severity"), severity: Type.Enum(severities) }, closed),
  Type.Object({ type: Type.Literal("set_assignee"), assigneeId: Type.Union([Id, Type.Null()]) }, closed),
  Type.Object({ type: Type.Literal("set_status"), status: Type.Enum(ticketStatuses) }, closed),
  Type.Object({ type: Type.Literal("add_tags"), tags: Tags }, closed),
  Type.Object({ type: Type.Literal("remove_tags"), tags: Tags }, closed),
  Type.Object({ type: Type.Literal("add_internal_note"), body: Template("The note") }, closed),
  Type.Object(
    { type: Type.Literal("send_public_reply"), body: Template("The reply, mailed to the requester") },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal("notify_by_email"),
      personIds: Type.Array(Id, { maxItems: 50 }),
      subject: Template("The mail's subject"),
      body: Template("The mail's text"),
    },
    closed,
  ),
  Type.Object({ type: Type.Literal("open_page"), policyId: Id }, closed),
  Type.Object(
    {
      type: Type.Literal("call_webhook"),
      endpointId: Id,
      bodyTemplate: Type.Optional(
        Template(
          "The body to post instead of Tend's own message: JSON with the placeholders inside its strings, each value escaped as a JSON string's content",
        ),
      ),
    },
    closed,
  ),
  Type.Object(
    {
      type: Type.Literal("assign_in_group"),
      groupId: Id,
      strategy: Type.Enum(assignmentStrategies, {
        description:
          "round_robin: take turns; least_loaded: fewest New and Open tickets. Only agents on duty",
      }),
    },
    closed,
  ),
]);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Boolean({ description: "Default true" }),
  events: Type.Array(Type.Enum(automationEventKinds), { minItems: 1, maxItems: 3 }),
  match: Type.Enum(conditionMatches, { description: "all (default) or any of the conditions" }),
  conditions: Type.Array(ConditionSchema, { maxItems: 50 }),
  actions: Type.Array(ActionSchema, { minItems: 1, maxItems: 20 }),
};

export const AutomationCreateBody = Type.Object(
  {
    name: fields.name,
    enabled: Type.Optional(fields.enabled),
    events: fields.events,
    match: Type.Optional(fields.match),
    conditions: Type.Optional(fields.conditions),
    actions: fields.actions,
  },
  { additionalProperties: false },
);

export const AutomationUpdateBody = Type.Partial(Type.Object(fields, { additionalProperties: false }), {
  additionalProperties: false,
});

export const AutomationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  position: Type.Integer(),
  events: Type.Array(Type.Enum(automationEventKinds)),
  match: Type.Enum(conditionMatches),
  conditions: Type.Array(ConditionSchema),
  actions: Type.Array(ActionSchema),
  authorId: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AutomationOrderBody = Type.Object(
  { ids: Type.Array(Id, { maxItems: 1000, description: "Every automation, in the order they run" }) },
  { additionalProperties: false },
);

export const AutomationRunSchema = Type.Object({
  id: Type.String(),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  outcome: Type.Enum(["running", "succeeded", "failed"]),
  results: Type.Array(Type.Object({ action: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
  ranAt: Timestamp,
});
