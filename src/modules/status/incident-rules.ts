import { DAY, HOUR } from "../../shared/clock.js";

/**
 * When an incident opens by itself. The service objectives we model declare one when availability
 * falls under 90% over the last hour or under 97% over the last 24 hours, and call the site
 * unavailable when more than 10% of users experience issues. Rules are per component and
 * configurable; these are the defaults.
 */
export type IncidentRule =
  | { kind: "availability_below"; windowMs: number; threshold: number }
  | { kind: "users_affected_above"; share: number };

export const defaultIncidentRules: readonly IncidentRule[] = [
  { kind: "availability_below", windowMs: HOUR, threshold: 0.9 },
  { kind: "availability_below", windowMs: DAY, threshold: 0.97 },
  { kind: "users_affected_above", share: 0.1 },
];

/** The latest "N of M users saw errors" push for a component. */
export interface UserImpactSample {
  at: number;
  affectedUsers: number;
  totalUsers: number;
}

/** What the rules read: availability over a window ending now, and the latest user-impact sample. */
export interface IncidentFacts {
  availabilityOver(windowMs: number): number | null;
  latestUserImpact: UserImpactSample | null;
}

export interface FiredRule {
  rule: IncidentRule;
  /** The measured figure that broke the rule (availability, or share of users affected). */
  measured: number;
  /** A sentence for the incident's first update: the rule and the figures. */
  explanation: string;
}

function percent(share: number): string {
  const figure = share * 100;
  return `${Number.isInteger(figure) ? figure : figure.toFixed(2)}%`;
}

function describeWindow(ms: number): string {
  if (ms % DAY === 0) return ms === DAY ? "24 hours" : `${ms / DAY} days`;
  if (ms % HOUR === 0) return ms === HOUR ? "hour" : `${ms / HOUR} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}

/**
 * The rules broken now. "Under 90%" is strict: exactly 90.00% over the hour keeps the promise. A
 * window with nothing observed breaks no availability rule (a probe that stopped reporting is a
 * monitoring problem, not evidence of an outage), and a sample from nobody breaks no user rule.
 */
export function brokenIncidentRules(rules: readonly IncidentRule[], facts: IncidentFacts): FiredRule[] {
  const fired: FiredRule[] = [];
  for (const rule of rules) {
    if (rule.kind === "availability_below") {
      const availability = facts.availabilityOver(rule.windowMs);
      if (availability === null || !(availability < rule.threshold)) continue;
      fired.push({
        rule,
        measured: availability,
        explanation: `Availability over the last ${describeWindow(rule.windowMs)} is ${percent(availability)}, under the ${percent(rule.threshold)} objective.`,
      });
    } else {
      const sample = facts.latestUserImpact;
      if (!sample || sample.totalUsers <= 0) continue;
      const share = sample.affectedUsers / sample.totalUsers;
      if (!(share > rule.share)) continue;
      fired.push({
        rule,
        measured: share,
        explanation: `${sample.affectedUsers} of ${sample.totalUsers} users (${percent(share)}) saw errors, more than the ${percent(rule.share)} that makes the service unavailable.`,
      });
    }
  }
  return fired;
}

/** What a rule says, as an incident title ends: "availability under 90% over the last hour". */
export function ruleSummary(rule: IncidentRule): string {
  return rule.kind === "availability_below"
    ? `availability under ${percent(rule.threshold)} over the last ${describeWindow(rule.windowMs)}`
    : `more than ${percent(rule.share)} of users affected`;
}
