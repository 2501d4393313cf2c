import { Type } from "typebox";
import { TicketListQuery } from "../tickets/ticket-schemas.js";

/**
 * What an admin's view stores: the ticket list's own filters, so a view is exactly a list query.
 * Absolute instants (`slaDueBefore`, `solvedAfter`) would go stale in storage and are left out.
 */
export const ViewFilterSchema = Type.Object(
  Type.Omit(TicketListQuery, ["limit", "cursor", "slaDueBefore", "solvedAfter"]).properties,
  { additionalProperties: false },
);

const ViewName = Type.String({ minLength: 1, maxLength: 100 });

export const ViewSchema = Type.Object(
  {
    id: Type.String({ description: "A slug for the built-in views (`my-open`), a UUID for the others" }),
    name: Type.String(),
    builtIn: Type.Boolean(),
    query: Type.String({ description: "The URL query for GET /api/v1/tickets that lists the view" }),
    filter: Type.Record(Type.String(), Type.Unknown(), {
      description: "The same query as an object: the list's filters",
    }),
    count: Type.Integer({ description: "Tickets in the view now, counted up to 1000" }),
    countCapped: Type.Boolean({ description: "More than `count` tickets: show it as 1000+" }),
  },
  { $id: "View" },
);

export const ViewCreateBody = Type.Object(
  { name: ViewName, filter: ViewFilterSchema },
  { additionalProperties: false },
);

export const ViewUpdateBody = Type.Object(
  { name: Type.Optional(ViewName), filter: Type.Optional(ViewFilterSchema) },
  { additionalProperties: false },
);

export const ViewIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
