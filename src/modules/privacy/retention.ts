import { NotFoundError, ValidationError } from "../../errors.js";
import { DAY } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deleteAttachmentRows } from "../attachments/attachment-repository.js";
import { removeUnreferencedAttachmentFiles } from "../attachments/remove-attachment-files.js";
import { auditRowsConcerning, redactAuditRows } from "../audit/audit-repository.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import { purgeRemovedSearchTerms, removeSearchDocuments } from "../tickets/ticket-search.js";
import {
  closedTicketsDue,
  commentsOfTickets,
  compactAfterErasure,
  contentEventsOfTickets,
  deleteEmailMessagesOfTickets,
  deleteRawEmails,
  deleteRetentionPolicyRow,
  deleteTickets,
  handledRawEmailsDue,
  listRetentionPolicyRows,
  type RetentionPolicyRow,
  type TicketRef,
  upsertRetentionPolicyRow,
} from "./privacy-repository.js";
import {
  checkRawEmailDays,
  checkRetentionPolicy,
  closedBefore,
  type RetentionAction,
  type RetentionPolicy,
} from "./retention-policy.js";
import { replaceTicketContent } from "./ticket-content.js";

/** The desk's default also says how long raw inbound mail is kept once handled. */
export interface DeskRetentionPolicy extends RetentionPolicy {
  rawEmailDays: number | null;
}

export interface RetentionPolicies {
  desk: DeskRetentionPolicy;
  organizations: (RetentionPolicy & { organizationId: string })[];
}

const deskScope = "desk";

function presentPolicy(row: RetentionPolicyRow): RetentionPolicy {
  return {
    closedTicketMonths: row.closed_ticket_months,
    action: row.closed_ticket_action as RetentionAction,
  };
}

/** The desk's default and every organization's own policy (admins). */
export async function getRetentionPolicies(ctx: Context): Promise<RetentionPolicies> {
  requireAdmin(ctx.actor);
  const rows = await listRetentionPolicyRows(ctx.db);
  const desk = rows.find((row) => row.id === deskScope);
  return {
    desk: desk
      ? { ...presentPolicy(desk), rawEmailDays: desk.raw_email_days }
      : { closedTicketMonths: null, action: "anonymize", rawEmailDays: null },
    organizations: rows
      .filter((row) => row.organization_id !== null)
      .map((row) => ({ organizationId: row.organization_id as string, ...presentPolicy(row) })),
  };
}

/**
 * Sets the desk's default (`organizationId` null) or one organization's policy (admins). Raw mail's
 * days are the desk's alone; left out, they stay as they were.
 */
export async function setRetentionPolicy({
  ctx,
  organizationId,
  input,
}: {
  ctx: Context;
  organizationId: string | null;
  input: RetentionPolicy & { rawEmailDays?: number | null };
}): Promise<RetentionPolicies> {
  requireAdmin(ctx.actor);
  const { rawEmailDays, ...ticketPolicy } = input;
  const policy = checkRetentionPolicy(ticketPolicy);
  if (organizationId && rawEmailDays !== undefined) {
    throw ValidationError.field("rawEmailDays", "is the desk's setting: raw mail is kept by one rule");
  }
  if (rawEmailDays !== undefined) checkRawEmailDays(rawEmailDays);
  await inTransaction(ctx, async (tx) => {
    if (organizationId && !(await findOrganizationById(tx.db, organizationId))) {
      throw new NotFoundError(`No organization ${organizationId}.`);
    }
    const id = organizationId ?? deskScope;
    const before = (await listRetentionPolicyRows(tx.db)).find((row) => row.id === id);
    const rawDays = organizationId
      ? null
      : rawEmailDays === undefined
        ? (before?.raw_email_days ?? null)
        : rawEmailDays;
    await upsertRetentionPolicyRow(tx.db, {
      id,
      organization_id: organizationId,
      closed_ticket_months: policy.closedTicketMonths,
      closed_ticket_action: policy.action,
      raw_email_days: rawDays,
      updated_at: tx.clock.now().toISOString(),
    });
    const withRawDays = (ticketSide: RetentionPolicy, days: number | null) =>
      organizationId ? ticketSide : { ...ticketSide, rawEmailDays: days };
    await recordAudit(tx, {
      action: "retention_policy.updated",
      targetType: organizationId ? "organization" : "desk",
      targetId: organizationId,
      before: before ? withRawDays(presentPolicy(before), before.raw_email_days) : null,
      after: withRawDays(policy, rawDays),
    });
  });
  return getRetentionPolicies(ctx);
}

/** An organization's tickets fall back to the desk's default (admins). */
export async function removeRetentionPolicy({
  ctx,
  organizationId,
}: {
  ctx: Context;
  organizationId: string;
}): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    if (!(await deleteRetentionPolicyRow(tx.db, organizationId))) {
      throw new NotFoundError(`Organization ${organizationId} has no retention policy of its own.`);
    }
    await recordAudit(tx, {
      action: "retention_policy.removed",
      targetType: "organization",
      targetId: organizationId,
    });
  });
}

const batchSize = 100;

export interface RetentionRun {
  deleted: number;
  anonymized: number;
}

/**
 * The daily `privacy.retention` job: for each policy, closed tickets older than its months are
 * deleted or anonymized, a batch per transaction, each batch audited with its count. An anonymized
 * ticket keeps its structure (requester, organization, status, tags, times, clocks) for the
 * statistics; its subject and every message become a tombstone, and the audit records about it
 * lose their personal part.
 */
export async function applyRetentionPolicies(ctx: Context): Promise<RetentionRun> {
  requireAdmin(ctx.actor);
  const run: RetentionRun = { deleted: 0, anonymized: 0 };
  for (const row of await listRetentionPolicyRows(ctx.db)) {
    if (row.closed_ticket_months === null) continue;
    const action = row.closed_ticket_action as RetentionAction;
    const scope = {
      organizationId: row.organization_id,
      closedBefore: closedBefore(ctx.clock.now(), row.closed_ticket_months).toISOString(),
      skipErased: action === "anonymize",
    };
    for (;;) {
      let files: string[] = [];
      const done = await inTransaction(ctx, async (tx) => {
        const tickets = await closedTicketsDue(tx.db, scope, batchSize);
        if (tickets.length === 0) return 0;
        files = await forgetTickets(tx, tickets, action);
        await recordAudit(tx, {
          action: "retention.applied",
          targetType: row.organization_id ? "organization" : "desk",
          targetId: row.organization_id,
          after: { action, closedBefore: scope.closedBefore, tickets: tickets.length },
        });
        return tickets.length;
      });
      await removeUnreferencedAttachmentFiles(ctx, files);
      run[action === "delete" ? "deleted" : "anonymized"] += done;
      if (done < batchSize) break;
    }
  }
  if (run.deleted + run.anonymized > 0) {
    // Once per run, not per batch: merging the FTS5 index rewrites all of it.
    await purgeRemovedSearchTerms(ctx.db, ctx.dialect);
    if (!ctx.db.isTransaction) await compactAfterErasure(ctx.db, ctx.dialect, ctx.logger);
  }
  return run;
}

/**
 * The daily `privacy.retention` job's second part: the raw bytes of inbound mail handled more than
 * the desk's `rawEmailDays` ago are deleted, a batch per transaction, each audited with its count.
 * The parsed copy on the ticket (its comment, the thread's `email_messages` row) stays; a message
 * that failed or waits keeps its bytes until it is processed, as they are all there is of it.
 */
export async function applyRawEmailRetention(ctx: Context): Promise<number> {
  requireAdmin(ctx.actor);
  const days = (await listRetentionPolicyRows(ctx.db)).find((row) => row.id === deskScope)?.raw_email_days;
  if (days === null || days === undefined) return 0;
  const handledBefore = new Date(ctx.clock.now().getTime() - days * DAY).toISOString();
  let deleted = 0;
  for (;;) {
    const done = await inTransaction(ctx, async (tx) => {
      const ids = await handledRawEmailsDue(tx.db, handledBefore, batchSize);
      if (ids.length === 0) return 0;
      await deleteRawEmails(tx.db, ids);
      await recordAudit(tx, {
        action: "retention.applied",
        targetType: "desk",
        targetId: null,
        after: { rawEmails: ids.length, handledBefore },
      });
      return ids.length;
    });
    deleted += done;
    if (done < batchSize) break;
  }
  if (deleted > 0 && !ctx.db.isTransaction) await compactAfterErasure(ctx.db, ctx.dialect, ctx.logger);
  return deleted;
}

/** Returns the attachment files whose rows went, to be removed once the batch has committed. */
async function forgetTickets(ctx: Context, tickets: TicketRef[], action: RetentionAction): Promise<string[]> {
  const ticketIds = tickets.map((ticket) => ticket.id);
  // Attachments are the customer's files: an anonymized ticket keeps its structure, not its files.
  const files = await deleteAttachmentRows(ctx.db, { ticketIds });
  // The records of a ticket's creation and changes carry its subject: they go either way.
  await redactAuditRows(ctx.db, await auditRowsConcerning(ctx.db, { targetIds: ticketIds }));
  if (action === "delete") {
    await removeSearchDocuments(ctx.db, ticketIds);
    await deleteTickets(ctx.db, ticketIds);
  } else {
    await replaceTicketContent(
      ctx,
      {
        ticketIds,
        commentIds: await commentsOfTickets(ctx.db, ticketIds),
        eventIds: await contentEventsOfTickets(ctx.db, ticketIds),
        touchedTicketIds: ticketIds,
      },
      "retention",
    );
    await deleteEmailMessagesOfTickets(ctx.db, ticketIds);
  }
  return files;
}
