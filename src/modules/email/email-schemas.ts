import { Type } from "typebox";
import { NullableString, Timestamp } from "../../http/schemas.js";

export const inboundEmailStatuses = ["received", "processed", "failed", "ignored"] as const;

export const InboundEmailSchema = Type.Object(
  {
    id: Type.String(),
    sha256: Type.String({ description: "SHA-256 of the raw message: the same bytes are stored once" }),
    sizeBytes: Type.Integer(),
    mailFrom: Type.Union([Type.String(), Type.Null()], { description: "SMTP MAIL FROM; null for bounces" }),
    rcptTo: Type.Array(Type.String(), { description: "SMTP RCPT TO" }),
    remoteAddress: NullableString,
    receivedAt: Timestamp,
    status: Type.Enum([...inboundEmailStatuses]),
    reason: Type.Union([Type.String(), Type.Null()], {
      description: "Why it failed or was ignored, or how it was threaded",
    }),
    messageId: NullableString,
    ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
    processedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: "InboundEmail" },
);

export const EmailDeliverySchema = Type.Object({
  state: Type.Enum(["queued", "sent", "failed"]),
  answer: Type.Union([Type.String(), Type.Null()], { description: "The relay's last answer" }),
  sentAt: Type.Union([Timestamp, Type.Null()]),
});

export const TicketEmailSchema = Type.Object(
  {
    id: Type.String(),
    direction: Type.Enum(["inbound", "outbound"]),
    messageId: Type.Union([Type.String(), Type.Null()], {
      description: "null while an outbound mail waits for its first attempt",
    }),
    commentId: Type.Union([Type.String(), Type.Null()], { description: "The comment this mail carries" }),
    from: Type.String(),
    to: Type.Array(Type.String()),
    cc: Type.Array(Type.String()),
    subject: Type.String(),
    bodyText: Type.String({
      description:
        "The whole message as text, quoted history and signature included; the comment holds the reply alone",
    }),
    delivery: Type.Union([EmailDeliverySchema, Type.Null()]),
    createdAt: Timestamp,
  },
  { $id: "TicketEmail" },
);
