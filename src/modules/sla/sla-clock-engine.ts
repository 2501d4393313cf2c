import { ValidationError } from "../../errors.js";
import type { BusinessCalendar } from "../calendar/index.js";
import { formatDuration, formatUsedOf } from "./format-duration.js";
import type { ClockState, ClockStep, ComputedClock, ResolvedTarget, TicketFact } from "./sla-types.js";

/**
 * The SLA clock engine: a ticket's facts and its resolved targets in, every clock's state out. Pure and
 * total: nothing is stored between runs, so a clock is recomputed from the facts on every change and
 * cannot drift. `now` is a parameter; facts after it have not happened yet and are ignored.
 *
 * The rules the product issue left open, as decided here:
 * - Only Pending pauses (per target). Every status other than Pending, Solved and Closed (New, Open, or a
 *   custom one such as "hold") counts as waiting on us, because the customer is not the one holding it up.
 * - Solving or closing stops every running response and update clock. One stopped before its due time
 *   reads `achieved` with a "stopped" step (solving is an answer that expects no reply, as Zendesk counts
 *   it); one already past due stays `breached`. achievedAt is the solve instant either way.
 * - A reply at exactly the due instant is on time: the promise is "within 1 h", and the hour is included.
 * - pauseWhilePending is obeyed for every metric, periodic_update included: an admin who turns it off for
 *   updates wants them owed through Pending (incident-style updates); the defaults turn it on.
 * - A reopen never restarts first_response; the customer's reply that reopens starts a next_response
 *   cycle instead, counted from the reopen, since no clock runs while a ticket is Solved.
 */
export function computeClocks(facts: TicketFact[], targets: ResolvedTarget[], now: Date): ComputedClock[] {
  const nowMs = instantOf(now, "now");
  const ticket = new TicketClocks(targets);
  for (const fact of inTimeOrder(facts)) {
    const at = fact.at.getTime();
    if (at > nowMs) break;
    ticket.apply(fact, at);
  }
  return ticket.results(nowMs);
}

type Metric = ResolvedTarget["metric"];

/** One target's clocks on this ticket: every cycle so far, and the one still open, if any. */
interface TargetClocks {
  readonly target: ResolvedTarget;
  readonly clocks: ClockRun[];
  current: ClockRun | null;
}

const isDone = (status: string) => status === "solved" || status === "closed";

class TicketClocks {
  private readonly perTarget: TargetClocks[];
  private created = false;
  private status = "new";
  /** A qualifying reply has been given, or the ticket was solved: later customer messages are follow-ups. */
  private answered = false;
  /** The customer wrote while the ticket was Solved; the reopen that follows owes them a next response. */
  private customerWaitingOnReopen = false;

  constructor(targets: readonly ResolvedTarget[]) {
    this.perTarget = targets.map((target) => ({ target, clocks: [], current: null }));
  }

  apply(fact: TicketFact, at: number): void {
    if (!this.created) {
      // Every promise counts from creation, so nothing before the created fact has anything to measure.
      if (fact.kind === "created") this.create(at, fact.status);
      return;
    }
    for (const clocks of this.perTarget) {
      clocks.current?.checkDue(at, achieves(clocks.target.metric, fact));
    }
    switch (fact.kind) {
      case "created":
        break;
      case "status_changed":
        this.changeStatus(at, fact.to);
        break;
      case "customer_reply":
        this.customerReply(at);
        break;
      case "agent_public_reply":
        this.agentReply(at, fact.qualifying, fact.workaround);
        break;
    }
  }

  results(nowMs: number): ComputedClock[] {
    const results: ComputedClock[] = [];
    for (const { clocks } of this.perTarget) {
      for (const clock of clocks) results.push(clock.toComputed(nowMs));
    }
    return results;
  }

  private create(at: number, status: string): void {
    this.created = true;
    this.status = isDone(status) ? "new" : status;
    for (const clocks of this.perTarget) {
      if (clocks.target.metric !== "next_response") this.startCycle(clocks, at, "ticket created");
    }
    // A ticket logged as already solved (a phone call written up afterwards) starts and stops at once.
    if (isDone(status)) this.changeStatus(at, status);
  }

  private changeStatus(at: number, to: string): void {
    const from = this.status;
    if (from === to) return;
    this.status = to;
    if (!isDone(from) && isDone(to)) this.solve(at, to);
    else if (isDone(from) && !isDone(to)) this.reopen(at);
    if (isDone(from) || isDone(to)) return;
    const wasPending = from === "pending";
    const pending = to === "pending";
    for (const { target, current } of this.perTarget) {
      if (current === null || !target.pauseWhilePending) continue;
      if (!wasPending && pending) current.pause(at);
      else if (wasPending && !pending) current.resume(at);
    }
  }

  private solve(at: number, to: string): void {
    const word = to === "closed" ? "closed" : "solved";
    for (const clocks of this.perTarget) {
      const clock = clocks.current;
      if (clock === null) continue;
      clocks.current = null;
      const metric = clocks.target.metric;
      if (metric === "resolution") {
        clock.stop(at, "achieved", `ticket ${word}`);
      } else if (metric !== "first_response" && clock.startedMs === at && !clock.isBreached) {
        // A cycle opened and closed in the same instant ("thanks, solved" from the customer) asked nothing of us.
        clocks.clocks.pop();
      } else if (metric === "periodic_update") {
        clock.stop(at, "stopped", `ticket ${word}: no longer waiting on us`);
      } else {
        clock.stop(at, "stopped", `ticket ${word} before a qualifying response`);
      }
    }
    this.answered = true;
  }

  private reopen(at: number): void {
    for (const clocks of this.perTarget) {
      const metric = clocks.target.metric;
      if (metric === "resolution") {
        // The customer is telling us the problem is back, whatever achieved it: the time counts again.
        const clock = clocks.clocks[0];
        if (clock !== undefined && !clock.isOpen) {
          clock.reopen(at, this.pausesNow(clocks.target));
          clocks.current = clock;
        }
      } else if (metric === "periodic_update") {
        if (clocks.current === null) this.startCycle(clocks, at, "ticket reopened");
      } else if (metric === "next_response") {
        if (this.customerWaitingOnReopen && this.answered && clocks.current === null) {
          this.startCycle(clocks, at, "customer replied to the solved ticket");
        }
      }
    }
    this.customerWaitingOnReopen = false;
  }

  private customerReply(at: number): void {
    if (this.status === "closed") return; // a reply to a Closed ticket starts a follow-up ticket
    if (this.status === "solved") {
      this.customerWaitingOnReopen = true;
      return;
    }
    // Before our first response the customer's follow-ups are already covered by first_response's clock;
    // starting next_response too would count the same wait twice.
    if (!this.answered) return;
    for (const clocks of this.perTarget) {
      if (clocks.target.metric === "next_response" && clocks.current === null) {
        this.startCycle(clocks, at, "customer replied");
      }
    }
  }

  private agentReply(at: number, qualifying: boolean, workaround: boolean): void {
    for (const clocks of this.perTarget) {
      const clock = clocks.current;
      switch (clocks.target.metric) {
        case "first_response":
        case "next_response":
          if (clock === null) break;
          if (qualifying) {
            clock.stop(at, "achieved", "qualifying public reply");
            clocks.current = null;
          } else {
            clock.note(at, "acknowledged_not_qualifying", "acknowledged — not a qualifying response");
          }
          break;
        case "periodic_update":
          // Any public word counts as an update, qualifying or not: the customer heard from us.
          if (clock !== null) clock.stop(at, "achieved", "public update");
          clocks.current = null;
          if (!isDone(this.status)) this.startCycle(clocks, at, "public update given");
          break;
        case "resolution":
          if (clock === null || !workaround) break;
          clock.stop(at, "achieved", "workaround provided");
          clocks.current = null;
          break;
      }
    }
    if (qualifying) {
      this.answered = true;
      this.customerWaitingOnReopen = false;
    }
  }

  private startCycle(clocks: TargetClocks, at: number, reason: string): void {
    const clock = new ClockRun(
      clocks.target,
      clocks.clocks.length + 1,
      at,
      this.pausesNow(clocks.target),
      reason,
    );
    clocks.clocks.push(clock);
    clocks.current = clock;
  }

  private pausesNow(target: ResolvedTarget): boolean {
    return target.pauseWhilePending && this.status === "pending";
  }
}

/** Whether a fact ends this metric's clock on time when it lands exactly on the due instant. */
function achieves(metric: Metric, fact: TicketFact): boolean {
  if (fact.kind === "status_changed") return isDone(fact.to);
  if (fact.kind !== "agent_public_reply") return false;
  if (metric === "periodic_update") return true;
  if (metric === "resolution") return fact.workaround;
  return fact.qualifying;
}

/** One clock (one cycle of one target) as it runs: open time in running intervals, wall time in pauses. */
class ClockRun {
  private readonly steps: ClockStep[] = [];
  private readonly calendar: BusinessCalendar | null;
  /** Open time consumed in running intervals that have ended. */
  private usedBefore = 0;
  private runningSince: number | null = null;
  private pausedSince: number | null = null;
  private pausedMs = 0;
  /** The due instant of the current running interval; once breached, the due instant that passed. */
  private dueMs: number | null = null;
  private breachedMs: number | null = null;
  private achievedMs: number | null = null;

  constructor(
    private readonly target: ResolvedTarget,
    private readonly cycle: number,
    readonly startedMs: number,
    paused: boolean,
    reason: string,
  ) {
    this.calendar = target.calendar;
    this.note(startedMs, "started", reason);
    if (paused) this.enterPause(startedMs);
    else this.runFrom(startedMs);
  }

  get isOpen(): boolean {
    return this.achievedMs === null;
  }

  get isBreached(): boolean {
    return this.breachedMs !== null;
  }

  note(at: number, kind: string, detail: string): void {
    this.steps.push({ at: new Date(at), kind, detail });
  }

  /** Records a breach when the due instant has passed by `at`; a fact landing exactly on it may still achieve. */
  checkDue(at: number, achievesAtDue: boolean): void {
    if (this.breachedMs !== null || this.runningSince === null || this.dueMs === null) return;
    if (this.dueMs < at || (this.dueMs === at && !achievesAtDue)) {
      this.breachedMs = this.dueMs;
      this.note(this.dueMs, "breached", `all ${formatDuration(this.target.durationMs)} used`);
    }
  }

  pause(at: number): void {
    if (this.runningSince === null) return;
    this.usedBefore += openBetween(this.calendar, this.runningSince, at);
    this.runningSince = null;
    this.enterPause(at);
  }

  resume(at: number): void {
    if (this.pausedSince === null) return;
    this.pausedMs += at - this.pausedSince;
    this.pausedSince = null;
    this.runFrom(at);
    // In and out of Pending within one instant (a reply that reopens) is no pause worth a line.
    const last = this.steps[this.steps.length - 1];
    if (last !== undefined && last.kind === "paused" && last.at.getTime() === at) this.steps.pop();
    else this.note(at, "resumed", "left Pending");
  }

  stop(at: number, kind: "achieved" | "stopped", detail: string): void {
    if (this.runningSince !== null) {
      this.usedBefore += openBetween(this.calendar, this.runningSince, at);
      this.runningSince = null;
    }
    if (this.pausedSince !== null) {
      this.pausedMs += at - this.pausedSince;
      this.pausedSince = null;
    }
    this.achievedMs = at;
    this.note(at, kind, detail);
  }

  reopen(at: number, paused: boolean): void {
    this.achievedMs = null;
    this.note(
      at,
      "reopened",
      `counting resumes with ${formatUsedOf(this.usedBefore, this.target.durationMs)} used`,
    );
    if (paused) this.enterPause(at);
    else this.runFrom(at);
  }

  toComputed(nowMs: number): ComputedClock {
    this.checkDue(nowMs, false);
    const running = this.runningSince;
    const usedMs = this.usedBefore + (running === null ? 0 : openBetween(this.calendar, running, nowMs));
    const pausedMs = this.pausedMs + (this.pausedSince === null ? 0 : nowMs - this.pausedSince);
    let state: ClockState = "running";
    if (this.breachedMs !== null) state = "breached";
    else if (this.achievedMs !== null) state = "achieved";
    else if (this.pausedSince !== null) state = "paused";

    let warnAt: Date | null = null;
    if (state === "running" && running !== null) {
      const warnMs = Math.min(
        this.target.durationMs,
        Math.max(0, Math.round(this.target.warnAtShare * this.target.durationMs)),
      );
      if (usedMs < warnMs) warnAt = new Date(addOpen(this.calendar, running, warnMs - this.usedBefore));
    }

    return {
      policyId: this.target.policyId,
      policyName: this.target.policyName,
      targetKey: this.target.targetKey,
      metric: this.target.metric,
      cycle: this.cycle,
      state,
      startedAt: new Date(this.startedMs),
      dueAt: this.dueMs === null ? null : new Date(this.dueMs),
      warnAt,
      achievedAt: this.achievedMs === null ? null : new Date(this.achievedMs),
      breachedAt: this.breachedMs === null ? null : new Date(this.breachedMs),
      usedMs,
      pausedMs,
      targetMs: this.target.durationMs,
      steps: this.steps,
    };
  }

  private enterPause(at: number): void {
    this.pausedSince = at;
    // A breached clock keeps the due instant it missed; an unbreached one has none until it resumes.
    if (this.breachedMs === null) this.dueMs = null;
    this.note(at, "paused", "Pending");
  }

  private runFrom(at: number): void {
    this.runningSince = at;
    if (this.breachedMs === null) {
      this.dueMs = addOpen(this.calendar, at, Math.max(0, this.target.durationMs - this.usedBefore));
    }
  }
}

/** The earliest instant with `ms` of open time after `from`; a null calendar is calendar time (24x7). */
function addOpen(calendar: BusinessCalendar | null, from: number, ms: number): number {
  return calendar === null ? from + ms : calendar.add(new Date(from), ms).getTime();
}

function openBetween(calendar: BusinessCalendar | null, from: number, until: number): number {
  if (until <= from) return 0;
  return calendar === null ? until - from : calendar.elapsed(new Date(from), new Date(until));
}

/** Facts by time; a stable sort keeps same-instant facts in the order they were recorded. */
function inTimeOrder(facts: readonly TicketFact[]): readonly TicketFact[] {
  let previous = Number.NEGATIVE_INFINITY;
  let sorted = true;
  for (let index = 0; index < facts.length; index++) {
    const at = instantOf(facts[index]!.at, `facts[${index}].at`);
    if (at < previous) sorted = false;
    previous = at;
  }
  return sorted ? facts : [...facts].sort((a, b) => a.at.getTime() - b.at.getTime());
}

function instantOf(value: Date, field: string): number {
  const at = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(at)) throw ValidationError.field(field, "must be a valid Date");
  return at;
}
