import { Type } from "typebox";

/** Schemas shared by every module's routes. */

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    current: Type.Optional(Type.Unknown()),
    lastChange: Type.Optional(
      Type.Object(
        {
          by: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
          at: Type.String(),
        },
        {
          description:
            "A stale version: who changed it last (null: Tend itself, or not shown to customers) and when",
        },
      ),
    ),
  },
  { $id: "Problem", description: "RFC 9457 problem details" },
);

export const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) }, { additionalProperties: false });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export const Timestamp = Type.String({ format: "date-time" });
export const NullableString = Type.Union([Type.String(), Type.Null()]);

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: NullableString });
}

/** The error responses a route documents besides its success. */
export const problemResponses = {
  400: Type.Ref("Problem"),
  401: Type.Ref("Problem"),
  403: Type.Ref("Problem"),
  404: Type.Ref("Problem"),
  409: Type.Ref("Problem"),
};
