import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../calendar/index.js";
import { computeClocks } from "./sla-clock-engine.js";
import type { ComputedClock, ResolvedTarget, SlaMetric, TicketFact } from "./sla-types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Calendars print as their preset name, so a counterexample stays readable. */
function named(name: "us-pacific-business" | "utc-extended"): BusinessCalendar {
  return Object.defineProperty(BusinessCalendar.preset(name), fc.toStringMethod, { value: () => name });
}
const calendars: readonly (BusinessCalendar | null)[] = [
  null,
  named("us-pacific-business"),
  named("utc-extended"),
];
const open = (calendar: BusinessCalendar | null, from: number, until: number) =>
  calendar === null ? Math.max(0, until - from) : calendar.elapsed(new Date(from), new Date(until));

const metricArb = fc.constantFrom<SlaMetric>(
  "first_response",
  "next_response",
  "periodic_update",
  "resolution",
);

function targetArb(metric: fc.Arbitrary<SlaMetric> = metricArb): fc.Arbitrary<ResolvedTarget> {
  return fc
    .record({
      metric,
      minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
      calendar: fc.integer({ min: 0, max: calendars.length - 1 }),
      pauseWhilePending: fc.boolean(),
      warnAtShare: fc.constantFrom(0, 0.5, 0.75, 0.9, 1),
    })
    .map(({ metric, minutes, calendar, pauseWhilePending, warnAtShare }) => ({
      policyId: "policy",
      policyName: "Policy",
      targetKey: `${metric}:${minutes}`,
      metric,
      durationMs: minutes * MINUTE,
      calendar: calendars[calendar]!,
      calendarName: String(calendar),
      pauseWhilePending,
      warnAtShare,
    }));
}

type Happening =
  | { kind: "customer_reply" }
  | { kind: "agent_public_reply"; qualifying: boolean; workaround: boolean }
  | { kind: "status_changed"; to: string };

const happeningArb: fc.Arbitrary<Happening> = fc.oneof(
  fc.constant({ kind: "customer_reply" as const }),
  fc.record({
    kind: fc.constant("agent_public_reply" as const),
    qualifying: fc.boolean(),
    workaround: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("status_changed" as const),
    to: fc.constantFrom("open", "pending", "pending", "solved", "closed", "hold"),
  }),
);

interface Scenario {
  facts: TicketFact[];
  now: Date;
}

const yearStart = Date.parse("2026-01-01T00:00:00Z");

/**
 * A ticket's history on whole minutes (so a minute-by-minute reference is exact), created at any time of
 * 2026 and running for up to a few days. `minGapMinutes: 1` gives every fact its own instant.
 */
function scenarioArb(minGapMinutes = 0): fc.Arbitrary<Scenario> {
  return fc
    .record({
      createdMinute: fc.integer({ min: 0, max: 365 * 24 * 60 }),
      createdStatus: fc.constantFrom("new", "new", "open", "pending"),
      happenings: fc.array(fc.tuple(fc.integer({ min: minGapMinutes, max: 12 * 60 }), happeningArb), {
        maxLength: 12,
      }),
      nowAfterMinutes: fc.integer({ min: 0, max: 2 * 24 * 60 }),
    })
    .map(({ createdMinute, createdStatus, happenings, nowAfterMinutes }) => {
      let at = yearStart + createdMinute * MINUTE;
      let status: string = createdStatus;
      const facts: TicketFact[] = [{ kind: "created", at: new Date(at), status }];
      for (const [gap, happening] of happenings) {
        at += gap * MINUTE;
        if (happening.kind === "status_changed") {
          facts.push({ kind: "status_changed", at: new Date(at), from: status, to: happening.to });
          status = happening.to;
        } else {
          facts.push({ ...happening, at: new Date(at) });
        }
      }
      return { facts, now: new Date(at + nowAfterMinutes * MINUTE) };
    });
}

/** Up to six targets, each with its own key, as a resolved policy set has. */
const targetsArb = fc
  .array(targetArb(), { minLength: 1, maxLength: 6 })
  .map((targets) => targets.map((target, index) => ({ ...target, targetKey: `${target.metric}:${index}` })));
const keyOf = (clock: ComputedClock) => `${clock.targetKey}#${clock.cycle}`;

describe("clock engine properties", () => {
  it("gives the same clocks for the same facts, in whatever order they arrive", () => {
    fc.assert(
      fc.property(scenarioArb(1), targetsArb, fc.integer(), ({ facts, now }, targets, seed) => {
        const shuffled = [...facts];
        let state = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
          const j = state % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const first = computeClocks(facts, targets, now);
        expect(computeClocks(shuffled, targets, now)).toEqual(first);
        expect(computeClocks(facts, targets, now)).toEqual(first);
      }),
    );
  });

  it("never uses more than the target unless breached, and a breached clock used all of it", () => {
    fc.assert(
      fc.property(scenarioArb(), targetsArb, ({ facts, now }, targets) => {
        for (const clock of computeClocks(facts, targets, now)) {
          if (clock.state === "breached") {
            expect(clock.usedMs).toBeGreaterThanOrEqual(clock.targetMs);
            expect(clock.breachedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
            expect(clock.breachedAt).toEqual(clock.dueAt);
          } else {
            expect(clock.usedMs).toBeLessThanOrEqual(clock.targetMs);
            expect(clock.breachedAt).toBeNull();
          }
        }
      }),
    );
  });

  it("splits a running clock's target exactly into time used and time left before the due instant", () => {
    fc.assert(
      fc.property(scenarioArb(), targetsArb, ({ facts, now }, targets) => {
        for (const clock of computeClocks(facts, targets, now)) {
          const target = targets.find((candidate) => candidate.targetKey === clock.targetKey)!;
          if (clock.state === "running") {
            expect(clock.dueAt!.getTime()).toBeGreaterThan(now.getTime());
            expect(clock.usedMs + open(target.calendar, now.getTime(), clock.dueAt!.getTime())).toBe(
              clock.targetMs,
            );
            if (clock.warnAt !== null) {
              expect(clock.warnAt.getTime()).toBeGreaterThan(now.getTime());
              expect(clock.warnAt.getTime()).toBeLessThanOrEqual(clock.dueAt!.getTime());
            }
          }
          if (clock.state === "paused") {
            expect(clock.dueAt).toBeNull();
            expect(clock.warnAt).toBeNull();
          }
          if (clock.state !== "running") expect(clock.warnAt).toBeNull();
        }
      }),
    );
  });

  it("matches a minute-by-minute count of the open, unpaused time for resolution and first response", () => {
    const oracleTargets = fc.array(targetArb(fc.constantFrom("first_response", "resolution")), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(scenarioArb(), oracleTargets, ({ facts, now }, targets) => {
        const clocks = computeClocks(facts, targets, now);
        expect(clocks).toHaveLength(targets.length);
        for (const [index, target] of targets.entries()) {
          expect(clocks[index]!.usedMs).toBe(minuteSteppingUsed(facts, target, now.getTime()));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("never makes a clock due earlier by pausing it, and moves it by exactly the open time paused", () => {
    const pauseArb = fc.record({
      pendingAfterMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      pendingForMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
    });
    const pausingTarget = targetArb(fc.constantFrom("first_response", "resolution")).map((target) => ({
      ...target,
      pauseWhilePending: true,
    }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 24 * 60 }),
        pauseArb,
        pausingTarget,
        (createdMinute, { pendingAfterMinutes, pendingForMinutes }, target) => {
          const createdAt = yearStart + createdMinute * MINUTE;
          const pendingFrom = createdAt + pendingAfterMinutes * MINUTE;
          const pendingUntil = pendingFrom + pendingForMinutes * MINUTE;
          const now = new Date(pendingUntil);
          const created: TicketFact = { kind: "created", at: new Date(createdAt), status: "new" };
          const withPause: TicketFact[] = [
            created,
            { kind: "status_changed", at: new Date(pendingFrom), from: "new", to: "pending" },
            { kind: "status_changed", at: new Date(pendingUntil), from: "pending", to: "open" },
          ];
          const [unpaused] = computeClocks([created], [target], now);
          const [paused] = computeClocks(withPause, [target], now);
          expect(paused!.dueAt!.getTime()).toBeGreaterThanOrEqual(unpaused!.dueAt!.getTime());
          if (paused!.state === "running") {
            // Used open time plus the open time spent Pending is what the due instant sits after.
            const sinceCreation = open(target.calendar, createdAt, paused!.dueAt!.getTime());
            expect(sinceCreation - open(target.calendar, pendingFrom, pendingUntil)).toBe(target.durationMs);
          } else {
            expect(paused!.breachedAt).toEqual(unpaused!.breachedAt);
          }
        },
      ),
    );
  });

  it("never changes first response's due time or outcome by adding a non-qualifying reply", () => {
    fc.assert(
      fc.property(
        scenarioArb(),
        targetArb(fc.constant("first_response")),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        ({ facts, now }, target, minutes) => {
          const acknowledgement: TicketFact = {
            kind: "agent_public_reply",
            at: new Date(facts[0]!.at.getTime() + minutes * MINUTE),
            qualifying: false,
            workaround: false,
          };
          const [plain] = computeClocks(facts, [target], now);
          const [acknowledged] = computeClocks([...facts, acknowledgement], [target], now);
          const { steps: plainSteps, ...plainOutcome } = plain!;
          const { steps: acknowledgedSteps, ...acknowledgedOutcome } = acknowledged!;
          expect(acknowledgedOutcome).toEqual(plainOutcome);
          // It shows on the timeline only if it came while the clock was still waiting for an answer.
          const ackAt = acknowledgement.at.getTime();
          const whileWaiting =
            ackAt <= now.getTime() && (plain!.achievedAt === null || ackAt < plain!.achievedAt.getTime());
          const acknowledgements = (steps: typeof plainSteps) =>
            steps.filter((step) => step.kind === "acknowledged_not_qualifying").length;
          expect(acknowledgements(acknowledgedSteps)).toBe(
            acknowledgements(plainSteps) + (whileWaiting ? 1 : 0),
          );
        },
      ),
    );
  });

  it("only moves forward as now advances: more time used, breaches kept, finished clocks unchanged", () => {
    fc.assert(
      fc.property(
        scenarioArb(),
        targetsArb,
        fc.integer({ min: 0, max: 3 * DAY }),
        ({ facts, now }, targets, later) => {
          const before = computeClocks(facts, targets, now);
          const after = new Map(
            computeClocks(facts, targets, new Date(now.getTime() + later)).map((clock) => [
              keyOf(clock),
              clock,
            ]),
          );
          for (const clock of before) {
            const next = after.get(keyOf(clock));
            expect(next).toBeDefined();
            expect(next!.usedMs).toBeGreaterThanOrEqual(clock.usedMs);
            if (clock.breachedAt !== null) expect(next!.breachedAt).toEqual(clock.breachedAt);
            // Facts after `now` may reopen a finished clock; without them a finished clock is final.
            const lastFact = facts[facts.length - 1]!.at.getTime();
            if (clock.achievedAt !== null && lastFact <= now.getTime()) expect(next).toEqual(clock);
          }
        },
      ),
    );
  });
});

/**
 * The reference: steps through the ticket's life a minute at a time and counts the minutes a resolution or
 * first-response clock should count, straight from the rules, without the engine's intervals or due times.
 */
function minuteSteppingUsed(facts: readonly TicketFact[], target: ResolvedTarget, nowMs: number): number {
  const createdAt = facts[0]!.at.getTime();
  let status = facts[0]!.kind === "created" ? facts[0]!.status : "new";
  let stopped = false;
  let factIndex = 1;
  let used = 0;
  const apply = (fact: TicketFact) => {
    const wasDone = status === "solved" || status === "closed";
    if (fact.kind === "status_changed") status = fact.to;
    const done = status === "solved" || status === "closed";
    if (done && !wasDone) stopped = true;
    if (!done && wasDone && target.metric === "resolution") stopped = false;
    if (fact.kind === "agent_public_reply") {
      if (target.metric === "resolution" && fact.workaround) stopped = true;
      if (target.metric === "first_response" && fact.qualifying) stopped = true;
    }
  };
  if (status === "solved" || status === "closed") stopped = true;
  for (let minute = createdAt; minute < nowMs; minute += MINUTE) {
    while (factIndex < facts.length && facts[factIndex]!.at.getTime() <= minute) apply(facts[factIndex++]!);
    const paused = target.pauseWhilePending && status === "pending";
    const isOpen = target.calendar === null || target.calendar.isOpen(new Date(minute));
    if (!stopped && !paused && isOpen) used += MINUTE;
  }
  return used;
}
