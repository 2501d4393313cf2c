import { Type } from "typebox";
import { NullableString } from "../../http/schemas.js";

const EventKinds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  description: 'Domain event kinds (GET /webhooks/event-kinds), or ["*"] for every one',
});

export const EndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventKinds: EventKinds,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EndpointPatch = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventKinds: Type.Optional(EventKinds),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventKinds: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledAt: NullableString,
  disabledReason: NullableString,
  failingSince: NullableString,
  consecutiveFailures: Type.Integer(),
  previousSecretExpiresAt: NullableString,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const EndpointWithSecret = Type.Object({
  endpoint: EndpointSchema,
  secret: Type.String({ description: "The Standard Webhooks whsec_ secret: shown in this answer only" }),
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: "Also the webhook-id header of every attempt" }),
  endpointId: Type.String(),
  eventId: Type.String(),
  eventKind: Type.String(),
  state: Type.String({ description: "pending, delivered, failed or gone (the event was erased)" }),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      manual: Type.Boolean(),
      at: Type.String(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      responseBody: Type.String(),
      error: NullableString,
      durationMs: Type.Integer(),
    }),
  ),
  nextAttemptAt: NullableString,
  deliveredAt: NullableString,
  createdAt: Type.String(),
});
