import { Type } from "typebox";
import { NullableString, Timestamp } from "../../http/schemas.js";
import { healthFlagKinds } from "./health-rules.js";

/**
 * The ticket health API's shapes. Inline (no $id), so the routes need no shared registration. Bodies
 * are strict; the use cases check meaning (the end-of-day time, the idle amount, the template, that the
 * calendar and the author exist) and name each field as a pointer into the body.
 */

const Uuid = Type.String({ format: "uuid" });

const settingsFields = {
  calendarId: Type.Union([Uuid, Type.Null()], {
    description: "The support calendar the rules count business hours on; null makes the timed rules inert",
  }),
  unacknowledgedEndOfDay: Type.Object(
    {
      enabled: Type.Boolean(),
      deadline: Type.String({
        maxLength: 5,
        description:
          '"close" (close of the business day\'s last opening window) or a local time "HH:MM" on the calendar',
      }),
    },
    {
      additionalProperties: false,
      description: "Flag a New ticket not acknowledged by the end of its business day; notify its group",
    },
  ),
  openOverADay: Type.Object(
    {
      enabled: Type.Boolean(),
      idleBusinessMs: Type.Integer({
        description:
          "Open time without an agent update before the flag goes up; 28800000 (8 h) is one business day",
      }),
    },
    {
      additionalProperties: false,
      description: "Flag an Open ticket with no agent update for a business day",
    },
  ),
  closedHoursAcknowledgement: Type.Object(
    {
      enabled: Type.Boolean(),
      template: Type.String({
        maxLength: 4000,
        description: "The reply's text; {nextOpen} (required) and {requesterName} are filled in",
      }),
      authorId: Type.Union([Uuid, Type.Null()], { description: "The agent or admin who signs it" }),
    },
    {
      additionalProperties: false,
      description: "Reply automatically to a ticket arriving while support is closed, saying when it opens",
    },
  ),
};

export const HealthSettingsBody = Type.Object(settingsFields, { additionalProperties: false });
export const HealthSettingsSchema = Type.Object({ ...settingsFields, updatedAt: Timestamp });

export const HealthFlagSchema = Type.Object({
  id: Type.String(),
  flag: Type.Enum([...healthFlagKinds]),
  label: Type.String(),
  since: Timestamp,
  dueAt: Timestamp,
  raisedAt: Timestamp,
  clearedAt: NullableString,
  active: Type.Boolean(),
});

export const SavedReplySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  body: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const SavedReplyCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);
export const SavedReplyUpdateBody = Type.Partial(SavedReplyCreateBody, { additionalProperties: false });
