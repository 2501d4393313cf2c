import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { DAY, MINUTE } from "../../shared/clock.js";
import { incidentImpacts } from "./incident-lifecycle.js";
import { getIncidentRuleSettings, saveIncidentRuleSettings } from "./incident-rule-settings.js";

const tags = ["status"];
const Share = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });
const Impact = Type.Enum(incidentImpacts);

const IncidentRuleSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal("availability_below"),
      windowMs: Type.Integer({ minimum: MINUTE, maximum: 30 * DAY, description: "1 minute to 30 days" }),
      threshold: {
        ...Share,
        description: "Opens an incident when availability over the window is under this",
      },
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal("users_affected_above"),
      share: {
        ...Share,
        description: "Opens an incident when a recent sample's affected share is above this",
      },
    },
    { additionalProperties: false },
  ),
]);

const IncidentRuleSettingsSchema = Type.Object({
  componentId: Type.String(),
  enabled: Type.Boolean(),
  rules: Type.Array(IncidentRuleSchema),
  availabilityImpact: Impact,
  usersImpact: Impact,
});

const IncidentRuleSettingsBody = Type.Object(
  {
    enabled: Type.Boolean(),
    rules: Type.Array(IncidentRuleSchema, { maxItems: 20 }),
    availabilityImpact: Type.Optional(Impact),
    usersImpact: Type.Optional(Impact),
  },
  { additionalProperties: false },
);

/** A component's incident rules: what opens an incident by itself, and with what impact. */
export const incidentRuleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/components/:id/incident-rules",
    {
      schema: {
        tags,
        summary: "A component's incident rules, saved or default (staff)",
        params: IdParams,
        response: { 200: IncidentRuleSettingsSchema, ...problemResponses },
      },
    },
    async (request) => getIncidentRuleSettings(request.ctx, request.params.id),
  );

  app.put(
    "/status/components/:id/incident-rules",
    {
      schema: {
        tags,
        summary: "Replace a component's incident rules (admins)",
        params: IdParams,
        body: IncidentRuleSettingsBody,
        response: { 200: IncidentRuleSettingsSchema, ...problemResponses },
      },
    },
    async (request) =>
      saveIncidentRuleSettings({ ctx: request.ctx, componentId: request.params.id, input: request.body }),
  );
};
