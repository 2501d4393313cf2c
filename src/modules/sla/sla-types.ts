import type { BusinessCalendar } from "../calendar/index.js";

/**
 * The vocabulary of service-level promises, shared by the pure clock engine, policy storage and
 * the routes. Plain values only.
 */

export const slaMetrics = ["first_response", "next_response", "periodic_update", "resolution"] as const;
export type SlaMetric = (typeof slaMetrics)[number];

export const clockStates = ["running", "paused", "achieved", "breached"] as const;
export type ClockState = (typeof clockStates)[number];

/** Which tickets a policy applies to; every listed condition must hold (an empty list means any). */
export interface PolicyConditions {
  plans?: string[];
  stages?: string[];
  severities?: string[];
  categories?: string[];
  channels?: string[];
  organizationIds?: string[];
  /** The ticket carries at least one of these tags. */
  tags?: string[];
}

/** One promise inside a policy, as stored. */
export interface StoredTarget {
  metric: SlaMetric;
  /** How much time the promise allows, counted on `calendarId`'s open hours. */
  durationMs: number;
  /** A business calendar id, or null for calendar time (24x7). */
  calendarId: string | null;
  /** Whether the clock stops counting while the ticket is Pending (waiting on the customer). */
  pauseWhilePending: boolean;
  /** Share of the target after which a warning fires (0–1). */
  warnAtShare: number;
  /** Which tickets this target covers within the policy (e.g. only sev1); empty means all. */
  conditions?: PolicyConditions;
}

/** A target resolved for one ticket: its calendar loaded, ready for the clock engine. */
export interface ResolvedTarget {
  policyId: string;
  policyName: string;
  /** Stable within a policy: `${metric}:${index}`. */
  targetKey: string;
  metric: SlaMetric;
  durationMs: number;
  calendar: BusinessCalendar | null;
  calendarName: string;
  pauseWhilePending: boolean;
  warnAtShare: number;
}

/** What happened on a ticket, in the terms the clocks care about. */
export type TicketFact =
  | { kind: "created"; at: Date; status: string }
  | { kind: "status_changed"; at: Date; from: string; to: string }
  | { kind: "agent_public_reply"; at: Date; qualifying: boolean; workaround: boolean }
  | { kind: "customer_reply"; at: Date };

export interface ClockStep {
  at: Date;
  /** e.g. started, paused, resumed, acknowledged_not_qualifying, achieved, breached, stopped */
  kind: string;
  detail: string;
}

export interface ComputedClock {
  policyId: string;
  policyName: string;
  targetKey: string;
  metric: SlaMetric;
  /** next_response and periodic_update run in cycles: 1, 2, … */
  cycle: number;
  state: ClockState;
  startedAt: Date;
  /** When the promise is due; null while paused (it moves when the clock resumes). */
  dueAt: Date | null;
  warnAt: Date | null;
  achievedAt: Date | null;
  breachedAt: Date | null;
  /** Open (calendar) time consumed so far, ms. */
  usedMs: number;
  /** Wall time spent paused, ms. */
  pausedMs: number;
  targetMs: number;
  steps: ClockStep[];
}
