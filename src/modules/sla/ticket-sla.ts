import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { explainClock } from "./explain-clock.js";
import { computeTicketClocks } from "./recompute-ticket-sla.js";
import type { ClockState, SlaMetric } from "./sla-types.js";

export interface SlaClockView {
  policyId: string;
  policyName: string;
  metric: SlaMetric;
  cycle: number;
  state: ClockState;
  calendar: string;
  startedAt: string;
  dueAt: string | null;
  warnAt: string | null;
  achievedAt: string | null;
  breachedAt: string | null;
  usedMs: number;
  pausedMs: number;
  targetMs: number;
  /** The clock's timeline in words, one line per step. */
  explanation: string[];
}

export interface TicketSlaView {
  ticketNumber: number;
  computedAt: string;
  clocks: SlaClockView[];
}

/**
 * Every clock of a ticket, computed afresh as of now, each with its timeline in words: the answer to
 * "why is this ticket red?". Staff only: internal targets are the team's own business.
 */
export async function getTicketSla({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<TicketSlaView> {
  requireStaff(ctx.actor);
  const ticket = await ctx.db
    .selectFrom("tickets")
    .select("id")
    .where("number", "=", number)
    .executeTakeFirst();
  if (!ticket) throw new NotFoundError(`No ticket #${number}.`);
  const now = ctx.clock.now();
  const computed = await computeTicketClocks(ctx, ticket.id, now);
  if (!computed) throw new NotFoundError(`No ticket #${number}.`);
  const calendarOf = new Map(
    computed.targets.map((target) => [`${target.policyId}|${target.targetKey}`, target.calendarName]),
  );
  return {
    ticketNumber: computed.number,
    computedAt: now.toISOString(),
    clocks: computed.clocks.map((clock) => ({
      policyId: clock.policyId,
      policyName: clock.policyName,
      metric: clock.metric,
      cycle: clock.cycle,
      state: clock.state,
      calendar: calendarOf.get(`${clock.policyId}|${clock.targetKey}`) ?? "",
      startedAt: clock.startedAt.toISOString(),
      dueAt: clock.dueAt?.toISOString() ?? null,
      warnAt: clock.warnAt?.toISOString() ?? null,
      achievedAt: clock.achievedAt?.toISOString() ?? null,
      breachedAt: clock.breachedAt?.toISOString() ?? null,
      usedMs: clock.usedMs,
      pausedMs: clock.pausedMs,
      targetMs: clock.targetMs,
      explanation: explainClock(clock),
    })),
  };
}
