import { isMailSystemAddress, supportRecipient } from "./email-addresses.js";

/** The headers that tell an automatic message from a person's. Values as received, absent as null. */
export interface NoiseSignals {
  from: string;
  autoSubmitted: string | null;
  precedence: string | null;
  xAutoreply: string | null;
  xAutorespond: string | null;
  /** The top-level media type, lower-case, e.g. `multipart/report`. */
  contentType: string | null;
  /** The `report-type` parameter of a `multipart/report` (RFC 6522). */
  reportType: string | null;
  /** The SMTP envelope's MAIL FROM was `<>`, which RFC 5321 reserves for notifications. */
  nullSender: boolean;
}

/**
 * Why a message must not open a ticket or trigger a reply, or null when a person wrote it. An
 * auto-reply answered by Tend's own acknowledgement is the classic mail loop; RFC 3834 asks
 * responders to mark themselves with Auto-Submitted, the others set X-Autoreply, X-Autorespond or
 * Precedence, and bounces are delivery-status reports (RFC 3464).
 */
export function noiseReason(signals: NoiseSignals, supportAddresses: readonly string[]): string | null {
  const from = signals.from.toLowerCase();
  if (supportRecipient(from, supportAddresses)) return `sent from our own support address ${from}`;
  if (isMailSystemAddress(from)) return `sent by a mail system (${from})`;
  if (signals.nullSender) return "sent with the null sender <>, as bounces and notifications are";
  const autoSubmitted = signals.autoSubmitted?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted.split(";")[0]?.trim() !== "no")
    return `automatic message (Auto-Submitted: ${autoSubmitted})`;
  if (signals.xAutoreply) return "automatic reply (X-Autoreply)";
  if (signals.xAutorespond) return "automatic reply (X-Autorespond)";
  const precedence = signals.precedence?.trim().toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence))
    return `bulk or automatic mail (Precedence: ${precedence})`;
  if (signals.contentType === "multipart/report" && signals.reportType?.toLowerCase() === "delivery-status")
    return "delivery status notification (bounce)";
  return null;
}
