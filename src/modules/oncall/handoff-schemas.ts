import { Type } from "typebox";
import { NullableString, PageQuery, Timestamp } from "../../http/schemas.js";

const Notes = Type.String({ maxLength: 20_000 });
const ReassignMode = Type.Union([Type.Literal("reassign"), Type.Literal("follow")], {
  description:
    "On acknowledgement: move the tickets to the incoming engineer, or keep them and add them as follower",
});
const DebriefStatus = Type.Union([
  Type.Literal("prepared"),
  Type.Literal("completed"),
  Type.Literal("acknowledged"),
]);
const PersonRef = Type.Object({ id: Type.String(), name: NullableString });
const UpdateSnapshot = Type.Union([
  Type.Object({ commentId: Type.String(), excerpt: Type.String(), author: Type.String(), at: Timestamp }),
  Type.Null(),
]);

export const DebriefSchema = Type.Object({
  id: Type.String(),
  scheduleId: Type.String(),
  outgoing: PersonRef,
  incoming: PersonRef,
  handoffAt: Timestamp,
  overallNotes: Type.String(),
  status: DebriefStatus,
  reassignMode: ReassignMode,
  completedAt: Type.Union([Timestamp, Type.Null()]),
  acknowledgedAt: Type.Union([Timestamp, Type.Null()]),
  acknowledgedBy: Type.Union([PersonRef, Type.Null()]),
  leadNotifiedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  version: Type.Integer(),
  items: Type.Array(
    Type.Object({
      ticketId: Type.String(),
      ticket: Type.Object({
        number: Type.Integer(),
        subject: Type.String(),
        status: Type.String(),
        severity: Type.String(),
        slaClocks: Type.Array(
          Type.Object({
            metric: Type.String(),
            policyName: Type.Optional(
              Type.Union([Type.String(), Type.Null()], {
                description:
                  "The SLA policy (or customer exception) the clock keeps; absent in older debriefs",
              }),
            ),
            state: Type.String(),
            dueAt: Type.Union([Timestamp, Type.Null()]),
            timeLeftMs: Type.Union([Type.Number(), Type.Null()], {
              description: "From preparation until due; negative once breached",
            }),
          }),
        ),
        lastPublicUpdate: UpdateSnapshot,
        lastInternalUpdate: UpdateSnapshot,
      }),
      notes: Type.String(),
      outcome: Type.Union(
        [
          Type.Literal("reassigned"),
          Type.Literal("followed"),
          Type.Literal("stale"),
          Type.Literal("no_longer_open"),
          Type.Literal("reassigned_elsewhere"),
          Type.Null(),
        ],
        { description: "What the acknowledgement did with the ticket" },
      ),
    }),
  ),
});

export const DebriefIdParams = Type.Object(
  { id: Type.String({ format: "uuid" }) },
  { additionalProperties: false },
);

export const DebriefListQuery = Type.Object(
  {
    scheduleId: Type.Optional(Type.String({ format: "uuid" })),
    personId: Type.Optional(Type.String({ format: "uuid", description: "Outgoing or incoming" })),
    status: Type.Optional(DebriefStatus),
    text: Type.Optional(
      Type.String({ maxLength: 200, description: "In the notes and the subjects of the tickets listed" }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DebriefUpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: "The version last read" }),
    overallNotes: Type.Optional(Notes),
    reassignMode: Type.Optional(ReassignMode),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          { ticketId: Type.String({ format: "uuid" }), notes: Notes },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
  },
  { additionalProperties: false },
);
