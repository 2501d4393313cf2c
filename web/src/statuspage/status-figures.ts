import type { ErrorBudget } from "../../../src/modules/status/availability.js";
import type { ComponentState } from "../../../src/modules/status/component-state.js";
import type { ComponentAvailabilityView } from "../../../src/modules/status/read-availability.js";
import type { StatusComponentView, StatusMonitorView } from "../../../src/modules/status/status-presenter.js";

export type { ComponentAvailabilityView, ComponentState, ErrorBudget, StatusMonitorView };

/**
 * A component as `GET /status/components` returns it. `state` is the derived state (monitors,
 * maintenance, incidents), read as optional so the pages also work against an API without it: then
 * the manual state stands.
 */
export type StatusComponent = Omit<StatusComponentView, "state"> & { state?: ComponentState };

export const stateNames: Record<ComponentState, string> = {
  operational: "Operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  under_maintenance: "Under maintenance",
};

/** What the component shows now: the derived state, else the admin's, else operational. */
export function shownState(component: StatusComponent): ComponentState {
  return component.state ?? component.manualState ?? "operational";
}

/** Components under their group's heading, groups in the order the API lists them (group, position). */
export function byGroup<Component extends { groupName: string }>(
  components: readonly Component[],
): { groupName: string; components: Component[] }[] {
  const groups = new Map<string, Component[]>();
  for (const component of components) {
    const group = groups.get(component.groupName) ?? [];
    group.push(component);
    groups.set(component.groupName, group);
  }
  return [...groups].map(([groupName, members]) => ({ groupName, components: members }));
}

/** 0.995 → "99.5": the uptime target as an admin reads and types it. */
export function percentOfFraction(fraction: number): string {
  return String(Number((fraction * 100).toFixed(5)));
}

/**
 * "99.5" → 0.995, rounded so 99.9 is not sent as 0.9990000000000001. Anything but a number is NaN;
 * the caller sends a value the API refuses by field, so its message lands beside the input.
 */
export function fractionOfPercent(typed: string): number {
  const text = typed.trim().replace(/%$/, "").trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Number((Number(text) / 100).toFixed(8));
}

/**
 * An availability with three decimals, rounded down: 99.9996% is not 100%, and a page that says
 * "100%" while a check failed would be lying. Null means nothing was measured.
 */
export function availabilityText(availability: number | null): string {
  if (availability === null) return "No data";
  if (availability >= 1) return "100%";
  return `${(Math.floor(availability * 100_000) / 1000).toFixed(3)}%`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span in the two largest units that matter: "45 s", "12 min", "3 h 36 min", "2 d 4 h". */
export function durationText(ms: number): string {
  const total = Math.round(Math.abs(ms) / SECOND) * SECOND;
  if (total < MINUTE) return `${total / SECOND} s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)} min`;
  const parts =
    total < DAY
      ? [`${Math.floor(total / HOUR)} h`, `${Math.floor((total % HOUR) / MINUTE)} min`]
      : [`${Math.floor(total / DAY)} d`, `${Math.floor((total % DAY) / HOUR)} h`];
  return parts[1]?.startsWith("0 ") ? (parts[0] ?? "") : parts.join(" ");
}

export interface BudgetWording {
  /** Share of the month's allowed downtime still left, 0 to 1, for the bar. */
  leftShare: number;
  /** "2 h 10 min of 3 h 36 min left" or "Overspent by 12 min (3 h 36 min allowed)". */
  summary: string;
  used: string;
  /** How fast the budget burns against the rate that would spend it exactly by the month's end. */
  burn: string;
  overspent: boolean;
}

export function budgetWording(budget: ErrorBudget): BudgetWording {
  const allowed = durationText(budget.allowedDowntimeMs);
  const overspent = budget.leftMs < 0;
  const leftShare =
    budget.allowedDowntimeMs > 0 ? Math.min(1, Math.max(0, budget.leftMs / budget.allowedDowntimeMs)) : 0;
  return {
    leftShare,
    overspent,
    summary: overspent
      ? `Overspent by ${durationText(budget.leftMs)} (${allowed} allowed)`
      : `${durationText(budget.leftMs)} of ${allowed} left`,
    used: `${durationText(budget.usedMs)} used`,
    burn:
      budget.burnRate === null
        ? "Nothing measured yet"
        : budget.burnRate <= 1
          ? `Burning at ${budget.burnRate.toFixed(1)}× the sustainable rate`
          : `Burning at ${budget.burnRate.toFixed(1)}× the sustainable rate: spent before the month ends`,
  };
}

/** A monitor's last result in words, with how long ago it came. */
export function lastResultText(lastResult: StatusMonitorView["lastResult"], now: number): string {
  if (!lastResult) return "No result yet";
  const ago = now - Date.parse(lastResult.at);
  return `${lastResult.up ? "Up" : "Down"}, ${ago < MINUTE ? "just now" : `${durationText(ago)} ago`}`;
}
