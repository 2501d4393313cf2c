import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { componentStates } from "./component-state.js";
import { maxIntervalSeconds, minIntervalSeconds, monitorKinds } from "./monitor-settings.js";

const Name = Type.String({ minLength: 1, maxLength: 200 });
const State = Type.Enum(componentStates);
const UptimeTarget = Type.Number({
  minimum: 0.5,
  maximum: 0.99999,
  description: "The uptime objective the error budget is measured against (default 0.995)",
});

export const ComponentCreateBody = Type.Object(
  {
    groupName: Name,
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    manualState: Type.Optional(Type.Union([State, Type.Null()])),
    uptimeTarget: Type.Optional(UptimeTarget),
  },
  { additionalProperties: false },
);

export const ComponentUpdateBody = Type.Partial(ComponentCreateBody, { additionalProperties: false });

export const ComponentSchema = Type.Object({
  id: Type.String(),
  groupName: Type.String(),
  name: Type.String(),
  description: Type.String(),
  position: Type.Integer(),
  manualState: Type.Union([State, Type.Null()]),
  state: Type.Enum(componentStates, {
    description:
      "Derived now: the manual state, else under maintenance, else the worst of monitors and open incidents",
  }),
  uptimeTarget: Type.Number(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const TimeoutMs = Type.Integer({
  minimum: 100,
  maximum: 60_000,
  description: "Default 10 s, at most the interval",
});

const HttpSettingsSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    method: Type.Optional(Type.Enum(["GET", "HEAD"])),
    timeoutMs: Type.Optional(TimeoutMs),
    expectedStatus: Type.Optional(
      Type.Array(Type.String({ maxLength: 16 }), {
        minItems: 1,
        maxItems: 20,
        description: '"2xx", "200-299" or "204"; default ["2xx"]',
      }),
    ),
    keyword: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    jsonPath: Type.Optional(
      Type.Object(
        { path: Type.String({ minLength: 1, maxLength: 200 }), equals: Type.String({ maxLength: 500 }) },
        { additionalProperties: false },
      ),
    ),
    certificateWarningDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9-]{1,100}$" }), Type.String({ maxLength: 2000 }), {
        maxProperties: 20,
      }),
    ),
  },
  { additionalProperties: false },
);

const TcpSettingsSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65_535 }),
    timeoutMs: Type.Optional(TimeoutMs),
  },
  { additionalProperties: false },
);

const IntervalSeconds = Type.Integer({ minimum: minIntervalSeconds, maximum: maxIntervalSeconds });

export const MonitorCreateBody = Type.Object(
  {
    componentId: Type.String({ format: "uuid" }),
    name: Name,
    kind: Type.Enum(monitorKinds, {
      description: "http and tcp: checked by Tend's worker; push: reported to POST /status/push/{token}",
    }),
    intervalSeconds: IntervalSeconds,
    enabled: Type.Optional(Type.Boolean()),
    http: Type.Optional(HttpSettingsSchema),
    tcp: Type.Optional(TcpSettingsSchema),
  },
  { additionalProperties: false },
);

export const MonitorUpdateBody = Type.Object(
  {
    componentId: Type.Optional(Type.String({ format: "uuid" })),
    name: Type.Optional(Name),
    intervalSeconds: Type.Optional(IntervalSeconds),
    enabled: Type.Optional(Type.Boolean()),
    http: Type.Optional(HttpSettingsSchema),
    tcp: Type.Optional(TcpSettingsSchema),
  },
  { additionalProperties: false },
);

export const MonitorSchema = Type.Object({
  id: Type.String(),
  componentId: Type.String(),
  name: Type.String(),
  kind: Type.Enum(monitorKinds),
  intervalSeconds: Type.Number(),
  enabled: Type.Boolean(),
  http: Type.Optional(HttpSettingsSchema),
  tcp: Type.Optional(TcpSettingsSchema),
  lastResult: Type.Union([Type.Object({ at: Timestamp, up: Type.Boolean() }), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  pushToken: Type.Optional(
    Type.String({ description: "A push monitor's token, shown only in the response that made it" }),
  ),
});

export const MonitorListQuery = Type.Object(
  { componentId: Type.Optional(Type.String({ format: "uuid" })) },
  { additionalProperties: false },
);

export const PushTokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const PushResultBody = Type.Object(
  {
    up: Type.Boolean(),
    latencyMs: Type.Optional(Type.Number({ minimum: 0, maximum: 3_600_000 })),
    message: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const UserImpactBody = Type.Object(
  {
    affected: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "Users who saw errors" }),
    total: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: "Users active in the interval" }),
  },
  { additionalProperties: false },
);

const WindowSchema = Type.Object({
  start: Timestamp,
  end: Timestamp,
  observedMs: Type.Number(),
  goodMs: Type.Number(),
  availability: Type.Union([Type.Number(), Type.Null()]),
});

export const AvailabilitySchema = Type.Object({
  componentId: Type.String(),
  at: Timestamp,
  uptimeTarget: Type.Number(),
  rolling: Type.Object({
    "1h": WindowSchema,
    "24h": WindowSchema,
    "7d": WindowSchema,
    "30d": WindowSchema,
    "90d": WindowSchema,
  }),
  month: Type.Object({
    ...WindowSchema.properties,
    errorBudget: Type.Object({
      target: Type.Number(),
      periodMs: Type.Number(),
      allowedDowntimeMs: Type.Number(),
      usedMs: Type.Number(),
      leftMs: Type.Number(),
      burnRate: Type.Union([Type.Number(), Type.Null()]),
      availability: Type.Union([Type.Number(), Type.Null()]),
    }),
  }),
  userImpact: Type.Union([
    Type.Object({ at: Timestamp, affected: Type.Integer(), total: Type.Integer() }),
    Type.Null(),
  ]),
});
