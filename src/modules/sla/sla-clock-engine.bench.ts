import { callsPerSecond } from "../../../bench/stats.js";
import { BusinessCalendar } from "../calendar/index.js";
import { seededRandom } from "../demo/random.js";
import { computeClocks } from "./sla-clock-engine.js";
import type { ResolvedTarget, SlaMetric, TicketFact } from "./sla-types.js";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICKETS = 1024;
const FACTS_PER_TICKET = 50;

/**
 * Tickets per second through `computeClocks`: 50-fact tickets (replies both ways, Pending spells, solves
 * and reopens) against six targets like the default policies, on calendar time and two business calendars.
 * The calendars' blocks for the year are built in the warm-up, as a long-lived worker pays that once.
 */
export async function benchClockEngine(): Promise<BenchFigure[]> {
  const losAngeles = BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] });
  const extendedUtc = BusinessCalendar.preset("utc-extended");
  const targets = [
    target("first_response", 24 * HOUR, null),
    target("first_response", 5 * 8 * HOUR, losAngeles), // five business days of 8 hours
    target("first_response", HOUR, extendedUtc),
    target("resolution", 72 * HOUR, null),
    target("next_response", 24 * HOUR, null),
    target("periodic_update", 8 * HOUR, extendedUtc),
  ];
  const random = seededRandom(20_261_123).next;
  const tickets = Array.from({ length: TICKETS }, () => ticketHistory(random));
  const mask = TICKETS - 1;

  let checksum = 0;
  const ticketsPerSecond = callsPerSecond(2_000, (i) => {
    const { facts, now } = tickets[i & mask]!;
    checksum += computeClocks(facts, targets, now).length;
  });
  // Keeps the optimiser from discarding the calls it is timing.
  if (checksum < 0) throw new Error("unreachable");

  return [
    {
      name: `sla clocks, ${FACTS_PER_TICKET}-fact ticket, ${targets.length} targets`,
      value: Math.round(ticketsPerSecond),
      unit: "tickets/s",
    },
  ];
}

function target(metric: SlaMetric, durationMs: number, calendar: BusinessCalendar | null): ResolvedTarget {
  return {
    policyId: "bench",
    policyName: "Bench",
    targetKey: `${metric}:${durationMs}`,
    metric,
    durationMs,
    calendar,
    calendarName: calendar === null ? "24x7" : calendar.timeZone,
    pauseWhilePending: true,
    warnAtShare: 0.75,
  };
}

/** A plausible conversation: customer and agent take turns, agents sometimes set Pending or solve. */
function ticketHistory(random: () => number): { facts: TicketFact[]; now: Date } {
  let at = Date.parse("2026-01-01T00:00:00Z") + Math.floor(random() * 330 * DAY);
  let status = "new";
  const facts: TicketFact[] = [{ kind: "created", at: new Date(at), status }];
  const move = (to: string) => {
    facts.push({ kind: "status_changed", at: new Date(at), from: status, to });
    status = to;
  };
  while (facts.length < FACTS_PER_TICKET) {
    at += Math.floor(random() * 6 * HOUR);
    if (status === "new" || status === "open") {
      const qualifying = random() < 0.8;
      facts.push({ kind: "agent_public_reply", at: new Date(at), qualifying, workaround: random() < 0.05 });
      const next = random();
      if (next < 0.4) move("pending");
      else if (next < 0.55) move("solved");
      else if (status === "new") move("open");
    } else {
      facts.push({ kind: "customer_reply", at: new Date(at) });
      move("open");
    }
  }
  return { facts: facts.slice(0, FACTS_PER_TICKET), now: new Date(at + Math.floor(random() * DAY)) };
}
