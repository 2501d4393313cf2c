import { DAY } from "../../shared/clock.js";

export const incidentStates = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentState = (typeof incidentStates)[number];

export const incidentKinds = ["incident", "security"] as const;
export type IncidentKind = (typeof incidentKinds)[number];

export const incidentImpacts = ["none", "minor", "major", "critical"] as const;
export type IncidentImpact = (typeof incidentImpacts)[number];

/**
 * A resolved incident may be reopened for a week: the same fault coming back that soon belongs in the same
 * history (and the same retrospective); later, it is a new incident that links to the old one.
 */
export const reopenWindowMs = 7 * DAY;

export type StateMoveRefusal =
  | { rule: "already-resolved"; message: string }
  | { rule: "reopen-starts-investigating"; message: string }
  | { rule: "reopen-window-closed"; message: string };

/**
 * Which state moves are allowed. While open, any state may follow any other: the order investigating →
 * identified → monitoring is the usual one, but a fix that fails sends monitoring back to investigating, and
 * a quick fix goes straight to resolved. A resolved incident reopens only to investigating (nobody knows yet
 * whether it is the same cause) and only within `reopenWindowMs` of its resolution.
 */
export function checkStateMove(input: {
  from: IncidentState;
  to: IncidentState;
  resolvedAt: Date | null;
  now: Date;
}): StateMoveRefusal | null {
  if (input.from !== "resolved") return null;
  if (input.to === "resolved")
    return { rule: "already-resolved", message: "the incident is already resolved" };
  if (input.to !== "investigating")
    return {
      rule: "reopen-starts-investigating",
      message: `a resolved incident reopens to investigating, not to ${input.to}`,
    };
  if (input.resolvedAt && input.now.getTime() - input.resolvedAt.getTime() > reopenWindowMs)
    return {
      rule: "reopen-window-closed",
      message: "a resolved incident may be reopened for 7 days after its resolution; open a new incident",
    };
  return null;
}

/** `resolved_at` after a move: set on resolution, cleared on reopening, kept otherwise. */
export function resolvedAtAfter(from: IncidentState, to: IncidentState, current: string | null, now: Date) {
  if (to === "resolved" && from !== "resolved") return now.toISOString();
  if (to !== "resolved") return null;
  return current;
}

/** Only security incidents start private; every other kind is public from its first update. */
export function publishedOnOpening(kind: IncidentKind): boolean {
  return kind !== "security";
}
