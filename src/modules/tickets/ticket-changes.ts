import { ConflictError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { recordAudit } from "../audit/record-audit.js";
import { isStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { queueStaffNotice } from "../notifications/queue-staff-notice.js";
import { queueSatisfactionSurvey } from "../satisfaction/queue-survey.js";
import { eventRow } from "./ticket-events.js";
import { presentTicket } from "./ticket-presenter.js";
import {
  findTicketById,
  insertTicketEvents,
  latestTicketEventRow,
  replaceTicketTags,
  type TicketEventRow,
  type TicketListRow,
  type TicketRow,
  tagsByTicket,
  updateTicketIfVersion,
} from "./ticket-repository.js";
import type { TicketStatus } from "./ticket-status.js";

export interface FieldChanges {
  status?: TicketStatus;
  assignee_id?: string | null;
  group_id?: string | null;
  severity?: string;
  category?: string;
  tags?: string[];
}

const eventFieldNames: Record<keyof FieldChanges, string> = {
  status: "status",
  assignee_id: "assignee",
  group_id: "group",
  severity: "severity",
  category: "category",
  tags: "tags",
};

/**
 * Applies field changes to a ticket read at `current.version`: one event per changed field, the
 * lifecycle timestamps kept in step with the status, and a 409 carrying the current ticket when
 * someone else changed it first. `reasons` explains changes Tend made by rule.
 */
export async function applyTicketChanges(
  ctx: Context,
  current: TicketListRow,
  changes: FieldChanges,
  options: {
    currentTags?: string[];
    reasons?: Partial<Record<keyof FieldChanges, string>>;
    activity?: boolean;
  } = {},
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const columns: Partial<TicketRow> = { updated_at: now };
  if (options.activity !== false) columns.last_activity_at = now;
  const events: TicketEventRow[] = [];
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  const record = (field: keyof FieldChanges, from: string | null, to: string | null) => {
    before[field] = from;
    after[field] = to;
    events.push(
      eventRow(ctx, current.id, now, {
        kind: "field_changed",
        field: eventFieldNames[field],
        from,
        to,
        reason: options.reasons?.[field] ?? null,
      }),
    );
  };

  if (changes.status !== undefined && changes.status !== current.status) {
    columns.status = changes.status;
    if (changes.status === "solved") columns.solved_at = now;
    else if (changes.status === "closed") columns.closed_at = now;
    else columns.solved_at = null;
    record("status", current.status, changes.status);
  }
  for (const field of ["assignee_id", "group_id", "severity", "category"] as const) {
    const next = changes[field];
    if (next !== undefined && next !== current[field]) {
      Object.assign(columns, { [field]: next });
      record(field, current[field], next);
    }
  }
  let tagsChanged = false;
  if (changes.tags !== undefined) {
    const before =
      options.currentTags ??
      (await tagsByTicket(ctx.db, tenantScopeOf(ctx.actor), [current.id])).get(current.id) ??
      [];
    if (before.join(",") !== changes.tags.join(",")) {
      tagsChanged = true;
      record("tags", before.join(" "), changes.tags.join(" "));
    }
  }

  if (!(await updateTicketIfVersion(ctx.db, current.id, current.version, columns))) {
    throw await staleVersion(ctx, current.id, current.number);
  }
  if (tagsChanged && changes.tags) await replaceTicketTags(ctx.db, current.id, changes.tags);
  await insertTicketEvents(ctx.db, events);
  if (columns.status === "solved") await queueSatisfactionSurvey(ctx, current.id);
  if (columns.assignee_id) {
    await queueStaffNotice(ctx, current.id, {
      kind: "assigned",
      assigneeId: columns.assignee_id,
      byPersonId: ctx.actor.kind === "person" ? ctx.actor.personId : null,
    });
  }
  if (events.length > 0)
    await publishDomainEvent(ctx, "ticket.updated", current.id, {
      ticketNumber: current.number,
      before,
      after,
      reasons: options.reasons ?? {},
    });
  if (events.length > 0)
    await recordAudit(ctx, {
      action: "ticket.updated",
      targetType: "ticket",
      targetId: current.id,
      before,
      after,
    });
}

/**
 * The 409 for a stale version: the ticket as it is now (the caller compares it with what it read)
 * and who changed it last. A customer is not told which agent: only that it changed.
 */
export async function staleVersion(ctx: Context, ticketId: string, number: number): Promise<ConflictError> {
  const scope = tenantScopeOf(ctx.actor);
  const [latest, tags, lastEvent] = await Promise.all([
    findTicketById(ctx.db, scope, ticketId),
    tagsByTicket(ctx.db, scope, [ticketId]),
    latestTicketEventRow(ctx.db, scope, ticketId),
  ]);
  const by =
    isStaff(ctx.actor) && lastEvent?.actor_id && lastEvent.actor_name
      ? { id: lastEvent.actor_id, name: lastEvent.actor_name }
      : null;
  return new ConflictError(
    `Ticket #${number} was changed by someone else; review the current version and try again.`,
    latest ? presentTicket(latest, tags.get(ticketId) ?? [], ctx.actor) : undefined,
    lastEvent ? { by, at: lastEvent.created_at } : undefined,
  );
}
