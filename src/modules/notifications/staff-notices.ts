import { escapeHtml } from "../email/notification-templates.js";

/**
 * What Tend mails an agent of, unasked: a ticket assigned to them, and their ticket's requester (or a
 * colleague of the requester's) answering. Agents act on those; everything else they see in the
 * workspace or configure as an automation. Pure: the rules and the mail, no database.
 */
export type StaffNoticeKind = "assigned" | "customer_replied";

export type TicketChangeForNotice =
  | {
      kind: "assigned";
      assigneeId: string;
      /** The person who assigned it; null when Tend did (an automation, round-robin). */
      byPersonId: string | null;
    }
  | {
      kind: "commented";
      assigneeId: string | null;
      authorId: string;
      authorIsStaff: boolean;
      visibility: "public" | "internal";
    };

/** Whom to tell of a change, and of what; null when nobody needs telling. Nobody is told of their own act. */
export function staffNoticeFor(
  change: TicketChangeForNotice,
): { personId: string; kind: StaffNoticeKind } | null {
  if (change.kind === "assigned") {
    return change.byPersonId === change.assigneeId ? null : { personId: change.assigneeId, kind: "assigned" };
  }
  if (change.assigneeId === null || change.authorIsStaff || change.visibility !== "public") return null;
  if (change.authorId === change.assigneeId) return null;
  return { personId: change.assigneeId, kind: "customer_replied" };
}

export interface StaffNoticeMailInput {
  kind: StaffNoticeKind;
  ticket: { number: number; subject: string };
  /** Who assigned it (a name, or "Tend" for a rule), or who replied. */
  actorName: string;
  /** The reply, for `customer_replied`. */
  replyText?: string;
  ticketLink: string;
}

// An agent reads the reply in the workspace; the mail carries enough to judge the urgency.
const maxQuotedReply = 2000;

export function staffNoticeMail(input: StaffNoticeMailInput): {
  subject: string;
  text: string;
  html: string;
} {
  const { ticket, actorName, ticketLink } = input;
  const tag = `[#${ticket.number}]`;
  const settings =
    "You get these mails for tickets assigned to you; turn them off under your name in Tend's header.";
  if (input.kind === "assigned") {
    const line = `${actorName} assigned ticket #${ticket.number} to you: ${ticket.subject}`;
    return {
      subject: `${tag} Assigned to you: ${ticket.subject}`,
      text: `${line}\n\n${ticketLink}\n\n-- \n${settings}\n`,
      html: `<p>${escapeHtml(line)}</p><p><a href="${escapeHtml(ticketLink)}">${escapeHtml(ticketLink)}</a></p><p style="color:#555">${escapeHtml(settings)}</p>`,
    };
  }
  const reply = (input.replyText ?? "").trim();
  const quoted = reply.length > maxQuotedReply ? `${reply.slice(0, maxQuotedReply)}…` : reply;
  const line = `${actorName} replied on ticket #${ticket.number}, assigned to you: ${ticket.subject}`;
  return {
    subject: `${tag} ${actorName} replied: ${ticket.subject}`,
    text: `${line}\n\n${quoted}\n\n${ticketLink}\n\n-- \n${settings}\n`,
    html: `<p>${escapeHtml(line)}</p><blockquote>${escapeHtml(quoted).replaceAll("\n", "<br>")}</blockquote><p><a href="${escapeHtml(ticketLink)}">${escapeHtml(ticketLink)}</a></p><p style="color:#555">${escapeHtml(settings)}</p>`,
  };
}
