import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import type { StaffNoticeKind, TicketChangeForNotice } from "./staff-notices.js";
import { staffNoticeFor } from "./staff-notices.js";

export const mailStaffNoticeJob = "notifications.mail-staff-notice";

export interface StaffNoticePayload {
  /** Names the mail on every attempt (its Message-ID), so a retry is one message to mail clients. */
  noticeId: string;
  kind: StaffNoticeKind;
  personId: string;
  ticketId: string;
  /** Who assigned (null: Tend by rule) or who replied. */
  actorPersonId: string | null;
  commentId: string | null;
}

/**
 * Queues the mail a ticket change owes an agent, in the change's transaction: a change that rolls
 * back tells nobody. Sent by the worker that has a relay; whether the agent still wants it, and still
 * holds the ticket, is asked when it is sent.
 */
export async function queueStaffNotice(
  tx: Context,
  ticketId: string,
  change: TicketChangeForNotice,
  commentId: string | null = null,
): Promise<void> {
  const notice = staffNoticeFor(change);
  if (!notice) return;
  const payload: StaffNoticePayload = {
    noticeId: newId(),
    kind: notice.kind,
    personId: notice.personId,
    ticketId,
    actorPersonId: change.kind === "assigned" ? change.byPersonId : change.authorId,
    commentId,
  };
  await enqueueJob(tx, mailStaffNoticeJob, payload);
}
