import type { AutomationAction } from "./automation-actions.js";
import type { AutomationCondition, AutomationEventKind, ConditionMatch } from "./automation-conditions.js";
import type { AutomationRow, RecentRunRow } from "./automation-repository.js";
import type { ActionResult } from "./run-automations.js";

export interface AutomationView {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  events: AutomationEventKind[];
  match: ConditionMatch;
  conditions: AutomationCondition[];
  actions: AutomationAction[];
  /** The admin who saved it last, in whose name its notes and replies are written. */
  authorId: string;
  createdAt: string;
  updatedAt: string;
}

export interface AutomationRunView {
  id: string;
  ticketNumber: number | null;
  outcome: "running" | "succeeded" | "failed";
  results: ActionResult[];
  ranAt: string;
}

export function presentAutomation(row: AutomationRow): AutomationView {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    position: row.position,
    events: JSON.parse(row.events) as AutomationEventKind[],
    match: row.match as ConditionMatch,
    conditions: JSON.parse(row.conditions) as AutomationCondition[],
    actions: JSON.parse(row.actions) as AutomationAction[],
    authorId: row.author_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentRun(row: RecentRunRow): AutomationRunView {
  return {
    id: row.id,
    ticketNumber: row.ticket_number,
    outcome: row.outcome as AutomationRunView["outcome"],
    results: JSON.parse(row.results) as ActionResult[],
    ranAt: row.ran_at,
  };
}
