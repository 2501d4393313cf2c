/**
 * A component's current state, derived (pure). What an admin sets by hand wins; otherwise a maintenance
 * window in progress says "under maintenance"; otherwise the worse of what the monitors and the open,
 * published incidents say. A monitor with no result yet says nothing, so a new component is operational
 * rather than down.
 */

export const componentStates = [
  "operational",
  "degraded",
  "partial_outage",
  "major_outage",
  "under_maintenance",
] as const;
export type ComponentState = (typeof componentStates)[number];

/** Statuspage's impact words, worst last. */
export const incidentImpacts = ["none", "minor", "major", "critical"] as const;
export type IncidentImpact = (typeof incidentImpacts)[number];

export interface ComponentStateFacts {
  manualState: ComponentState | null;
  underMaintenance: boolean;
  /** The latest result of each enabled monitor (null: none yet). */
  monitorsUp: readonly (boolean | null)[];
  /** Impacts of the open, published incidents naming the component. */
  openIncidentImpacts: readonly IncidentImpact[];
}

const severityOrder: readonly ComponentState[] = [
  "operational",
  "degraded",
  "partial_outage",
  "major_outage",
];

const stateOfImpact: Record<IncidentImpact, ComponentState> = {
  none: "operational",
  minor: "degraded",
  major: "partial_outage",
  critical: "major_outage",
};

function worse(a: ComponentState, b: ComponentState): ComponentState {
  return severityOrder.indexOf(b) > severityOrder.indexOf(a) ? b : a;
}

function stateOfMonitors(monitorsUp: readonly (boolean | null)[]): ComponentState {
  const known = monitorsUp.filter((up): up is boolean => up !== null);
  const down = known.filter((up) => !up).length;
  if (down === 0) return "operational";
  return down === known.length ? "major_outage" : "partial_outage";
}

export function deriveComponentState(facts: ComponentStateFacts): ComponentState {
  if (facts.manualState !== null) return facts.manualState;
  if (facts.underMaintenance) return "under_maintenance";
  return facts.openIncidentImpacts.reduce(
    (state, impact) => worse(state, stateOfImpact[impact]),
    stateOfMonitors(facts.monitorsUp),
  );
}

/** The page's one sentence, in Statuspage's indicator words: the worst component decides. */
export type OverallIndicator = "none" | "minor" | "major" | "critical" | "maintenance";

export function overallIndicator(states: readonly ComponentState[]): OverallIndicator {
  if (states.includes("major_outage")) return "critical";
  if (states.includes("partial_outage")) return "major";
  if (states.includes("degraded")) return "minor";
  if (states.includes("under_maintenance")) return "maintenance";
  return "none";
}
