import { NotFoundError } from "../../errors.js";
import { HOUR } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { loadHealthRules } from "../health/health-rules-in-force.js";
import { requireStaff } from "../identity/identity-policy.js";
import { systemScope, type TenantScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { clockPolicyNames, clocksOfTicket } from "../sla/sla-clock-repository.js";
import { type CommentRow, listCommentRows, listTicketRows } from "../tickets/ticket-repository.js";
import {
  type DebriefTicketSnapshot,
  type DebriefUpdateSnapshot,
  type DebriefView,
  debriefPeopleIds,
  presentDebrief,
} from "./handoff-presenter.js";
import {
  claimLeadNotification,
  type DebriefItemRow,
  type DebriefRow,
  findDebriefByHandoff,
  insertDebriefOnce,
  listDebriefItemRows,
  listUnacknowledgedDebriefs,
} from "./handoff-repository.js";
import { queueSupportLeadMail } from "./mail-support-lead.js";
import { listScheduleRows } from "./oncall-repository.js";
import {
  gapHorizon,
  type LoadedSchedule,
  loadSchedule,
  loadScheduleById,
  peopleByIds,
} from "./read-schedules.js";
import { finalShifts } from "./rotation.js";

export const prepareDebriefsJob = "oncall.prepare-debriefs";

/** A debrief is prepared this long before its handoff (the outgoing person's last day), or after it. */
const debriefLeadTime = 24 * HOUR;
/** The incoming person acknowledges within this much business time, or the support lead hears of it. */
const acknowledgementAllowance = 2 * HOUR;
/** The statuses of a matter someone still owns: solved and closed tickets need nobody on duty. */
export const openStatuses = ["new", "open", "pending"] as const;
/** Enough for any one person's queue; a desk past it has a staffing problem no debrief solves. */
const maxTicketsPerDebrief = 1000;
const excerptLength = 280;

export interface Handoff {
  at: number;
  outgoingPersonId: string;
  incomingPersonId: string;
}

/**
 * The instants in (from, to] where the person on call changes from one person to another. A gap
 * is not a handoff: nobody receives the matters, so the boundaries around a gap are skipped.
 */
export function handoffsBetween(loaded: LoadedSchedule, from: number, to: number): Handoff[] {
  const shifts = finalShifts(loaded.compiled, from, to);
  const handoffs: Handoff[] = [];
  for (let i = 0; i + 1 < shifts.length; i += 1) {
    const outgoing = shifts[i]?.onCall;
    const next = shifts[i + 1];
    if (!outgoing || !next?.onCall || next.start <= from || outgoing.personId === next.onCall.personId)
      continue;
    handoffs.push({
      at: next.start,
      outgoingPersonId: outgoing.personId,
      incomingPersonId: next.onCall.personId,
    });
  }
  return handoffs;
}

function updateSnapshot(comment: (CommentRow & { author_name: string }) | undefined) {
  if (!comment) return null;
  const text = comment.body_text.replace(/\s+/g, " ").trim();
  const excerpt = text.length > excerptLength ? `${text.slice(0, excerptLength - 1)}…` : text;
  return {
    commentId: comment.id,
    excerpt,
    author: comment.author_name,
    at: comment.created_at,
  } satisfies DebriefUpdateSnapshot;
}

/** Every open ticket the outgoing person owns, as it stands now, oldest first. */
async function openMattersOf(
  ctx: Context,
  scope: TenantScope,
  personId: string,
): Promise<{ ticketId: string; snapshot: DebriefTicketSnapshot }[]> {
  const now = ctx.clock.now().getTime();
  const tickets = await listTicketRows(ctx.db, ctx.dialect, scope, {
    statuses: [...openStatuses],
    assigneeId: personId,
    sort: "createdAt",
    descending: false,
    limit: maxTicketsPerDebrief,
  });
  const matters = [];
  for (const ticket of tickets) {
    const clocks = await clocksOfTicket(ctx.db, scope, ticket.id);
    // Several policies can each run a clock on one metric (a contract promise, an internal goal):
    // the policy's name tells the incoming person which promise each one is.
    const policyNames = await clockPolicyNames(
      ctx.db,
      scope,
      clocks.map((clock) => clock.policy_id),
    );
    const comments = await listCommentRows(ctx.db, scope, ticket.id, ["public", "internal"]);
    const last = (visibility: string) => comments.filter((c) => c.visibility === visibility).at(-1);
    matters.push({
      ticketId: ticket.id,
      snapshot: {
        number: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        severity: ticket.severity,
        slaClocks: clocks
          // An achieved promise is kept: the incoming person owes only the others.
          .filter((clock) => clock.state !== "achieved")
          .map((clock) => ({
            metric: clock.metric,
            policyName: policyNames.get(clock.policy_id) ?? null,
            state: clock.state,
            dueAt: clock.due_at,
            timeLeftMs: clock.due_at === null ? null : Date.parse(clock.due_at) - now,
          })),
        lastPublicUpdate: updateSnapshot(last("public")),
        lastInternalUpdate: updateSnapshot(last("internal")),
      },
    });
  }
  return matters;
}

/** Creates the handoff's debrief unless it exists; either way returns it. */
async function prepareDebrief(
  ctx: Context,
  scheduleId: string,
  handoff: Handoff,
  scope: TenantScope,
): Promise<{ created: boolean; row: DebriefRow }> {
  const handoffAt = new Date(handoff.at).toISOString();
  return inTransaction(ctx, async (tx) => {
    const existing = await findDebriefByHandoff(tx.db, scheduleId, handoffAt);
    if (existing) return { created: false, row: existing };
    const row: DebriefRow = {
      id: newId(),
      schedule_id: scheduleId,
      outgoing_person_id: handoff.outgoingPersonId,
      incoming_person_id: handoff.incomingPersonId,
      handoff_at: handoffAt,
      overall_notes: "",
      status: "prepared",
      reassign_mode: "reassign",
      completed_at: null,
      acknowledged_at: null,
      acknowledged_by: null,
      lead_notified_at: null,
      lead_mailed_at: null,
      created_at: tx.clock.now().toISOString(),
      version: 1,
    };
    const matters = await openMattersOf(tx, scope, handoff.outgoingPersonId);
    const items: DebriefItemRow[] = matters.map((matter, position) => ({
      debrief_id: row.id,
      ticket_id: matter.ticketId,
      position,
      ticket_subject: matter.snapshot.subject,
      notes: "",
      snapshot: JSON.stringify(matter.snapshot),
      outcome: null,
    }));
    if (!(await insertDebriefOnce(tx.db, row, items))) {
      const winner = await findDebriefByHandoff(tx.db, scheduleId, handoffAt);
      if (!winner) throw new Error(`debrief of ${scheduleId} at ${handoffAt} vanished after its conflict`);
      return { created: false, row: winner };
    }
    await recordAudit(tx, {
      action: "handoff_debrief.prepared",
      targetType: "handoff_debrief",
      targetId: row.id,
      after: {
        scheduleId,
        outgoingPersonId: row.outgoing_person_id,
        incomingPersonId: row.incoming_person_id,
        handoffAt,
        ticketIds: items.map((item) => item.ticket_id),
      },
    });
    return { created: true, row };
  });
}

/**
 * Staff prepare a debrief by hand: of the handoff that just happened (within a day) if it has none
 * yet, otherwise of the next one within the gap horizon (an engineer leaving early). The existing
 * debrief when the job was first.
 */
export async function prepareDebriefByHand(
  ctx: Context,
  scheduleId: string,
): Promise<{ created: boolean; debrief: DebriefView }> {
  requireStaff(ctx.actor);
  const loaded = await loadScheduleById(ctx.db, scheduleId);
  const now = ctx.clock.now().getTime();
  // A handoff at this very millisecond has just happened: the window ends just past now.
  const current = handoffsBetween(loaded, now - debriefLeadTime, now + 1).at(-1);
  const currentUnprepared =
    current && !(await findDebriefByHandoff(ctx.db, scheduleId, new Date(current.at).toISOString()));
  const handoff = currentUnprepared ? current : handoffsBetween(loaded, now, now + gapHorizon)[0];
  if (!handoff) throw new NotFoundError(`Schedule ${scheduleId} has no handoff in the next 8 weeks.`);
  const scope = tenantScopeOf(ctx.actor);
  const { created, row } = await prepareDebrief(ctx, scheduleId, handoff, scope);
  const items = await listDebriefItemRows(ctx.db, [row.id]);
  const people = await peopleByIds(ctx.db, scope, debriefPeopleIds([row]));
  return { created, debrief: presentDebrief(row, items, people) };
}

/**
 * The `oncall.prepare-debriefs` job: prepares each schedule's handoffs within a day either side of
 * now (looking back too, so a handoff the scheduler was down for still gets its debrief), and tells
 * the support lead of every debrief still unacknowledged 2 business hours after its handoff.
 */
export async function prepareDebriefs(ctx: Context): Promise<{ prepared: number; leadNotified: number }> {
  const scope = systemScope("handoff debriefs list every open ticket the outgoing engineer owns");
  const now = ctx.clock.now().getTime();
  let prepared = 0;
  for (const row of await listScheduleRows(ctx.db)) {
    const loaded = await loadSchedule(ctx.db, row);
    for (const handoff of handoffsBetween(loaded, now - debriefLeadTime, now + debriefLeadTime)) {
      if ((await prepareDebrief(ctx, row.id, handoff, scope)).created) prepared += 1;
    }
  }
  return { prepared, leadNotified: await notifyUnacknowledged(ctx) };
}

/**
 * Counted on the support calendar the health rules use, so a Friday-evening handoff is due Monday
 * morning; a desk without one counts wall-clock hours rather than never telling anyone.
 */
async function notifyUnacknowledged(ctx: Context): Promise<number> {
  const now = ctx.clock.now();
  const { calendar } = await loadHealthRules(ctx.db);
  const dueBy = (handoffAt: string) =>
    calendar
      ? calendar.add(new Date(handoffAt), acknowledgementAllowance)
      : new Date(Date.parse(handoffAt) + acknowledgementAllowance);
  let notified = 0;
  for (const row of await listUnacknowledgedDebriefs(ctx.db, now.toISOString())) {
    const deadline = dueBy(row.handoff_at);
    if (deadline > now) continue;
    const claimed = await inTransaction(ctx, async (tx) => {
      if (!(await claimLeadNotification(tx.db, row.id, now.toISOString()))) return false;
      await recordAudit(tx, {
        action: "handoff_debrief.lead_notified",
        targetType: "handoff_debrief",
        targetId: row.id,
        before: { leadNotifiedAt: null },
        after: { leadNotifiedAt: now.toISOString() },
      });
      await publishDomainEvent(tx, "oncall.debrief_unacknowledged", null, {
        debriefId: row.id,
        scheduleId: row.schedule_id,
        outgoingPersonId: row.outgoing_person_id,
        incomingPersonId: row.incoming_person_id,
        handoffAt: row.handoff_at,
        acknowledgementDueAt: deadline.toISOString(),
      });
      await queueSupportLeadMail(tx, row, deadline);
      return true;
    });
    if (claimed) notified += 1;
  }
  return notified;
}
