import type { TendApp } from "../../src/http/build-app.js";
import type { JsonSchema, OpenApiDocument } from "./openapi-document.js";

/**
 * The API's attack surface, read from the OpenAPI document the app serves: every documented route
 * with its path parameters, query parameters and body schema. A route added tomorrow is attacked
 * tomorrow, and one whose path parameter this file cannot fill fails the suite instead of slipping by.
 */

export interface ApiRoute {
  /** `GET /api/v1/tickets/{number}`: the name the allow-lists below use. */
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body: JsonSchema | undefined;
}

const methods = ["get", "post", "put", "patch", "delete"];

export function apiRoutesOf(app: TendApp): { routes: ApiRoute[]; schemas: Record<string, JsonSchema> } {
  const document = app.swagger() as unknown as OpenApiDocument;
  const routes: ApiRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!methods.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      routes.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === "query").map((p) => p.name),
        body: operation.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return { routes, schemas: document.components?.schemas ?? {} };
}

/** The kinds of resource a path parameter names: the victim owns (or can reach) one of each. */
export type ResourceKind =
  | "ticket"
  | "organization"
  | "person"
  | "group"
  | "groupMember"
  | "apiToken"
  | "slaCalendar"
  | "slaPolicy"
  | "slaException"
  | "savedReply"
  | "inboundEmail"
  | "attachment"
  | "view"
  | "oncallSchedule"
  | "oncallOverride"
  | "oncallFeed"
  | "oncallFeedSecret"
  | "handoffDebrief"
  | "escalationPolicy"
  | "page"
  | "pageActionSecret"
  | "pagingTrigger"
  | "statusComponent"
  | "statusMonitor"
  | "statusPushToken"
  | "statusIncident"
  | "statusFollowUp"
  | "statusSubscriber"
  | "statusMaintenance"
  | "knowledgeCategory"
  | "knowledgeArticle"
  | "knowledgeRevision"
  | "caseReview"
  | "automation"
  | "chatRoute"
  | "chatChannel"
  | "webhookEndpoint"
  | "webhookDelivery";

/**
 * Which resource each path parameter names, by the path it sits under. Keep it small and explicit:
 * a parameter missing here fails "every route can be attacked".
 */
const pathParameterKinds: { param: string; under: RegExp; kind: ResourceKind }[] = [
  { param: "number", under: /^\/api\/v1\/tickets\/\{number\}/, kind: "ticket" },
  { param: "id", under: /^\/api\/v1\/organizations\/\{id\}/, kind: "organization" },
  {
    param: "exceptionId",
    under: /^\/api\/v1\/organizations\/\{id\}\/sla-exceptions\//,
    kind: "slaException",
  },
  { param: "id", under: /^\/api\/v1\/people\/\{id\}/, kind: "person" },
  { param: "id", under: /^\/api\/v1\/groups\/\{id\}/, kind: "group" },
  { param: "personId", under: /^\/api\/v1\/groups\/\{id\}\/members\//, kind: "groupMember" },
  { param: "id", under: /^\/api\/v1\/tokens\/\{id\}/, kind: "apiToken" },
  { param: "id", under: /^\/api\/v1\/sla\/calendars\/\{id\}/, kind: "slaCalendar" },
  { param: "id", under: /^\/api\/v1\/sla\/policies\/\{id\}/, kind: "slaPolicy" },
  { param: "id", under: /^\/api\/v1\/saved-replies\/\{id\}/, kind: "savedReply" },
  { param: "id", under: /^\/api\/v1\/email\/inbound\/\{id\}/, kind: "inboundEmail" },
  { param: "id", under: /^\/api\/v1\/tickets\/\{number\}\/attachments\/\{id\}/, kind: "attachment" },
  { param: "personId", under: /^\/api\/v1\/tickets\/\{number\}\/followers\//, kind: "person" },
  { param: "id", under: /^\/api\/v1\/views\/\{id\}/, kind: "view" },
  { param: "id", under: /^\/api\/v1\/oncall\/schedules\/\{id\}/, kind: "oncallSchedule" },
  {
    param: "overrideId",
    under: /^\/api\/v1\/oncall\/schedules\/\{id\}\/overrides\//,
    kind: "oncallOverride",
  },
  { param: "id", under: /^\/api\/v1\/oncall\/feeds\/\{id\}$/, kind: "oncallFeed" },
  { param: "secret", under: /^\/api\/v1\/oncall\/feeds\/\{secret\}\.ics$/, kind: "oncallFeedSecret" },
  { param: "id", under: /^\/api\/v1\/oncall\/debriefs\/\{id\}/, kind: "handoffDebrief" },
  { param: "id", under: /^\/api\/v1\/escalation-policies\/\{id\}/, kind: "escalationPolicy" },
  { param: "id", under: /^\/api\/v1\/pages\/\{id\}/, kind: "page" },
  { param: "secret", under: /^\/api\/v1\/pages\/act\/\{secret\}$/, kind: "pageActionSecret" },
  { param: "id", under: /^\/api\/v1\/paging-triggers\/\{id\}$/, kind: "pagingTrigger" },
  { param: "id", under: /^\/api\/v1\/status\/components\/\{id\}/, kind: "statusComponent" },
  { param: "id", under: /^\/api\/v1\/status\/monitors\/\{id\}$/, kind: "statusMonitor" },
  { param: "token", under: /^\/api\/v1\/status\/push\/\{token\}/, kind: "statusPushToken" },
  { param: "id", under: /^\/api\/v1\/status\/incidents\/\{id\}/, kind: "statusIncident" },
  {
    param: "followUpId",
    under: /^\/api\/v1\/status\/incidents\/\{id\}\/follow-ups\//,
    kind: "statusFollowUp",
  },
  { param: "id", under: /^\/api\/v1\/status\/subscribers\/\{id\}/, kind: "statusSubscriber" },
  { param: "id", under: /^\/api\/v1\/status\/maintenances\/\{id\}/, kind: "statusMaintenance" },
  { param: "id", under: /^\/api\/v1\/case-reviews\/\{id\}$/, kind: "caseReview" },
  { param: "id", under: /^\/api\/v1\/automations\/\{id\}/, kind: "automation" },
  { param: "id", under: /^\/api\/v1\/chat\/routes\/\{id\}$/, kind: "chatRoute" },
  { param: "id", under: /^\/api\/v1\/chat\/channels\/\{id\}$/, kind: "chatChannel" },
  { param: "id", under: /^\/api\/v1\/webhooks\/endpoints\/\{id\}/, kind: "webhookEndpoint" },
  { param: "id", under: /^\/api\/v1\/webhooks\/deliveries\/\{id\}/, kind: "webhookDelivery" },
  { param: "id", under: /^\/api\/v1\/knowledge\/categories\/\{id\}/, kind: "knowledgeCategory" },
  { param: "id", under: /^\/api\/v1\/knowledge\/articles\/\{id\}/, kind: "knowledgeArticle" },
  {
    param: "revisionId",
    under: /^\/api\/v1\/knowledge\/articles\/\{id\}\/history\//,
    kind: "knowledgeRevision",
  },
];

export function resourceKindOf(route: ApiRoute, param: string): ResourceKind | undefined {
  return pathParameterKinds.find((entry) => entry.param === param && entry.under.test(route.path))?.kind;
}

/** Path parameters with no entry in the table: each one is a route the suite cannot attack. */
export function unattackableParams(routes: ApiRoute[]): string[] {
  return routes.flatMap((route) =>
    route.pathParams
      .filter((param) => !resourceKindOf(route, param))
      .map((param) => `${route.key}: {${param}}`),
  );
}

export function urlOf(route: ApiRoute, ids: Record<ResourceKind, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, param: string) => {
    const kind = resourceKindOf(route, param);
    if (!kind) throw new Error(`${route.key}: no resource kind for {${param}}`);
    return encodeURIComponent(ids[kind]);
  });
}

/**
 * A minimal body the schema accepts: required fields only, plus any field named in `hints` (the
 * victim's ids and email), so a write aims at the victim and must be refused on who asks, not on
 * what was sent.
 */
export function sampleBody(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  hints: Record<string, unknown>,
  name = "",
): unknown {
  if (schema.$ref) {
    const target = schemas[schema.$ref.split("/").at(-1) ?? ""];
    if (!target) throw new Error(`unresolved schema ${schema.$ref}`);
    return sampleBody(target, schemas, hints, name);
  }
  if (name in hints) return hints[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.[0]) return sampleBody(options[0], schemas, hints, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const body: Record<string, unknown> = {};
      for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(property) || property in hints)
          body[property] = sampleBody(propertySchema, schemas, hints, property);
      }
      return body;
    }
    case "array": {
      const itemSchemas = Array.isArray(schema.items) ? schema.items : schema.items ? [schema.items] : [];
      const count = Math.max(schema.minItems ?? 0, Array.isArray(schema.items) ? schema.items.length : 0);
      return Array.from({ length: count }, (_, i) =>
        sampleBody(itemSchemas[Math.min(i, itemSchemas.length - 1)] ?? {}, schemas, hints),
      );
    }
    case "integer":
      return schema.minimum ?? 1;
    case "number":
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 0.5 : 1);
    case "boolean":
      return false;
    case "null":
      return null;
    case "string":
      return sampleString(schema);
    default:
      return {};
  }
}

function sampleString(schema: JsonSchema): string {
  switch (schema.format) {
    case "uuid":
      return "00000000-0000-7000-8000-000000000000";
    case "email":
      return "attacker@attacker.example";
    case "date-time":
      return "2030-01-01T00:00:00.000Z";
    default:
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
  }
}
