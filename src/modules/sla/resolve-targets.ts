import { ValidationError } from "../../errors.js";
import { type Context, readOncePerBatch } from "../../shared/context.js";
import { BusinessCalendar } from "../calendar/index.js";
import { requireStaff } from "../identity/identity-policy.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import { type CalendarRow, findCalendarsByIds } from "./calendar-repository.js";
import {
  type MatchableException,
  type MatchablePolicy,
  policiesFor,
  type TicketAttributes,
} from "./policy-matching.js";
import {
  type ExceptionRow,
  listExceptionsInForce,
  listPolicyRows,
  type PolicyRow,
} from "./policy-repository.js";
import type { ResolvedTarget, SlaMetric } from "./sla-types.js";

export const CALENDAR_TIME_NAME = "Calendar time";

/**
 * Built calendars by id, kept while their updated_at stays the same (every edit moves it). Building one
 * parses its definition and, as it is used, memoises blocks of open time and holiday years; keeping the
 * object keeps that work. One entry per calendar, so the cache is as small as the calendar table.
 */
const calendarCache = new Map<string, { updatedAt: string; calendar: BusinessCalendar }>();

export function builtCalendar(row: CalendarRow): BusinessCalendar {
  const cached = calendarCache.get(row.id);
  if (cached?.updatedAt === row.updated_at) return cached.calendar;
  const calendar = new BusinessCalendar(row.definition);
  calendarCache.set(row.id, { updatedAt: row.updated_at, calendar });
  return calendar;
}

export function toMatchablePolicy(row: PolicyRow): MatchablePolicy {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    active: row.active,
    conditions: row.conditions,
    targets: row.targets,
  };
}

export function toMatchableException(row: ExceptionRow): MatchableException {
  return {
    id: row.id,
    organizationId: row.organization_id,
    policyId: row.policy_id,
    reason: row.reason,
    expiresAt: new Date(row.expires_at),
    createdAt: new Date(row.created_at),
    targets: row.targets,
  };
}

/**
 * The targets that hold for a ticket with these attributes at `now`: active policies, the organization's
 * exceptions in force, each target's calendar built (null for calendar time). For the clock engine.
 */
export async function resolveTargets(
  ctx: Pick<Context, "db" | "clock" | "logger" | "batchReads">,
  ticket: TicketAttributes,
  now: Date = ctx.clock.now(),
): Promise<ResolvedTarget[]> {
  const [policies, exceptions] = await Promise.all([
    readOncePerBatch(ctx, "active SLA policies", () => listPolicyRows(ctx.db, { onlyActive: true })),
    ticket.organizationId === null
      ? Promise.resolve([])
      : listExceptionsInForce(ctx.db, ticket.organizationId, now.toISOString()),
  ]);
  const applicable = policiesFor(
    ticket,
    policies.map(toMatchablePolicy),
    exceptions.map(toMatchableException),
    now,
  );

  const calendarIds = new Set<string>();
  for (const set of applicable) {
    for (const target of set.targets) if (target.calendarId !== null) calendarIds.add(target.calendarId);
  }
  const ids = [...calendarIds].sort();
  const calendarRows = await readOncePerBatch(ctx, `calendars ${ids.join(" ")}`, () =>
    findCalendarsByIds(ctx.db, ids),
  );
  const calendars = new Map(calendarRows.map((row) => [row.id, row]));

  const resolved: ResolvedTarget[] = [];
  for (const set of applicable) {
    for (const target of set.targets) {
      const row = target.calendarId === null ? undefined : calendars.get(target.calendarId);
      if (target.calendarId !== null && row === undefined) {
        // Deleting a calendar in use is refused; only a race with that check gets here.
        ctx.logger.error(
          { policyId: set.policyId, targetKey: target.targetKey, calendarId: target.calendarId },
          "SLA target skipped: its calendar is gone",
        );
        continue;
      }
      resolved.push({
        policyId: set.policyId,
        policyName: set.policyName,
        targetKey: target.targetKey,
        metric: target.metric,
        durationMs: target.durationMs,
        calendar: row ? builtCalendar(row) : null,
        calendarName: row ? row.name : CALENDAR_TIME_NAME,
        pauseWhilePending: target.pauseWhilePending,
        warnAtShare: target.warnAtShare,
      });
    }
  }
  return resolved;
}

/** When a promise falls due, counting `ms` of open time from `start` (plain elapsed time without a calendar). */
export function dueAfter(calendar: BusinessCalendar | null, start: Date, ms: number): Date {
  return calendar ? calendar.add(start, ms) : new Date(start.getTime() + ms);
}

export interface PreviewInput {
  ticket: {
    severity: string;
    category: string;
    channel: string;
    organizationId?: string | null;
    plan?: string | null;
    stage?: string | null;
    tags?: string[];
  };
  /** ISO-8601 instant the ticket opens; default now. */
  start?: string;
}

export interface PreviewView {
  start: string;
  targets: {
    policyId: string;
    policyName: string;
    targetKey: string;
    metric: SlaMetric;
    durationMs: number;
    calendarName: string;
    pauseWhilePending: boolean;
    warnAtShare: number;
    warnAt: string;
    dueAt: string;
  }[];
}

/**
 * What a ticket like this would be promised if it opened at `start` and nobody paused its clocks: each
 * applicable target with its warning and due times. Plan and stage default to the organization's.
 */
export async function previewDueTimes({
  ctx,
  input,
}: {
  ctx: Context;
  input: PreviewInput;
}): Promise<PreviewView> {
  requireStaff(ctx.actor);
  const start = input.start === undefined ? ctx.clock.now() : new Date(input.start);
  if (Number.isNaN(start.getTime())) throw ValidationError.field("/start", "must be an ISO-8601 instant");
  const organizationId = input.ticket.organizationId ?? null;
  const organization =
    organizationId === null ? undefined : await findOrganizationById(ctx.db, organizationId);
  if (organizationId !== null && !organization) {
    throw ValidationError.field("/ticket/organizationId", `no organization ${organizationId}`);
  }
  const ticket: TicketAttributes = {
    plan: input.ticket.plan !== undefined ? input.ticket.plan : (organization?.plan ?? null),
    stage: input.ticket.stage !== undefined ? input.ticket.stage : (organization?.stage ?? null),
    severity: input.ticket.severity,
    category: input.ticket.category,
    channel: input.ticket.channel,
    organizationId,
    tags: (input.ticket.tags ?? []).map((tag) => tag.trim().toLowerCase()),
  };
  const targets = await resolveTargets(ctx, ticket, start);
  return {
    start: start.toISOString(),
    targets: targets.map((target) => ({
      policyId: target.policyId,
      policyName: target.policyName,
      targetKey: target.targetKey,
      metric: target.metric,
      durationMs: target.durationMs,
      calendarName: target.calendarName,
      pauseWhilePending: target.pauseWhilePending,
      warnAtShare: target.warnAtShare,
      warnAt: dueAfter(
        target.calendar,
        start,
        Math.round(target.durationMs * target.warnAtShare),
      ).toISOString(),
      dueAt: dueAfter(target.calendar, start, target.durationMs).toISOString(),
    })),
  };
}
