import type { IncidentImpact, IncidentKind, IncidentState } from "./incident-lifecycle.js";
import type { IncidentRow, IncidentUpdateRow } from "./incident-repository.js";
import type { ChecklistStepProgress } from "./security-checklist.js";

export interface PersonRef {
  id: string;
  name: string;
}

export interface IncidentView {
  id: string;
  title: string;
  kind: IncidentKind;
  state: IncidentState;
  impact: IncidentImpact;
  published: boolean;
  /** The incident rule that opened it and its figures; null when a person did. */
  firedRule: string | null;
  firedFigures: Record<string, unknown> | null;
  openedBy: PersonRef | null;
  componentIds: string[];
  startedAt: string;
  resolvedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface IncidentLogEntryView {
  id: string;
  visibility: "public" | "internal";
  kind: "update" | "opened" | "recovery_suggestion";
  state: IncidentState;
  body: string;
  author: PersonRef | null;
  at: string;
}

export interface ChecklistStepView {
  position: number;
  title: string;
  deadlineHours: number | null;
  dueAt: string | null;
  done: boolean;
  doneAt: string | null;
  doneBy: PersonRef | null;
  overdue: boolean;
  doneLate: boolean;
}

export interface IncidentDetailView extends IncidentView {
  /** Public updates and internal notes, oldest first (staff only). */
  log: IncidentLogEntryView[];
  /** A security incident's checklist; null for other kinds. */
  checklist: ChecklistStepView[] | null;
}

/** What the public may read of an incident: its public updates only, and nothing while unpublished. */
export interface PublicIncidentView {
  id: string;
  title: string;
  state: IncidentState;
  impact: IncidentImpact;
  componentIds: string[];
  startedAt: string;
  resolvedAt: string | null;
  updates: Array<{ id: string; state: IncidentState; body: string; at: string }>;
}

function personRef(id: string | null, names: ReadonlyMap<string, string>): PersonRef | null {
  return id === null ? null : { id, name: names.get(id) ?? "" };
}

export function presentIncident(
  row: IncidentRow,
  componentIds: string[],
  names: ReadonlyMap<string, string>,
): IncidentView {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind as IncidentKind,
    state: row.state as IncidentState,
    impact: row.impact as IncidentImpact,
    published: row.published === 1,
    firedRule: row.fired_rule,
    firedFigures:
      row.fired_figures === null ? null : (JSON.parse(row.fired_figures) as Record<string, unknown>),
    openedBy: personRef(row.opened_by, names),
    componentIds,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentLogEntry(
  row: IncidentUpdateRow,
  names: ReadonlyMap<string, string>,
): IncidentLogEntryView {
  return {
    id: row.id,
    visibility: row.visibility as IncidentLogEntryView["visibility"],
    kind: row.kind as IncidentLogEntryView["kind"],
    state: row.state as IncidentState,
    body: row.body,
    author: personRef(row.author_id, names),
    at: row.at,
  };
}

export function presentChecklistStep(
  step: ChecklistStepProgress,
  names: ReadonlyMap<string, string>,
): ChecklistStepView {
  return {
    position: step.position,
    title: step.title,
    deadlineHours: step.deadlineHours,
    dueAt: step.dueAt,
    done: step.doneAt !== null,
    doneAt: step.doneAt,
    doneBy: personRef(step.doneBy, names),
    overdue: step.overdue,
    doneLate: step.doneLate,
  };
}

/**
 * The public shape, for the status page and its feeds: an unpublished incident is nothing, and the log is
 * filtered here as well as in the query, so an internal note handed in by mistake still stays inside.
 */
export function presentPublicIncident(
  row: IncidentRow,
  componentIds: string[],
  log: readonly IncidentUpdateRow[],
): PublicIncidentView | null {
  if (row.published !== 1) return null;
  return {
    id: row.id,
    title: row.title,
    state: row.state as IncidentState,
    impact: row.impact as IncidentImpact,
    componentIds,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    updates: log
      .filter((entry) => entry.visibility === "public")
      .map((entry) => ({
        id: entry.id,
        state: entry.state as IncidentState,
        body: entry.body,
        at: entry.at,
      })),
  };
}

export interface IncidentPresenterInput {
  row: IncidentRow;
  componentIds: string[];
  log: readonly IncidentUpdateRow[];
  checklist: readonly ChecklistStepProgress[] | null;
  names: ReadonlyMap<string, string>;
}

export function presentIncidentDetail(input: IncidentPresenterInput): IncidentDetailView {
  return {
    ...presentIncident(input.row, input.componentIds, input.names),
    log: input.log.map((entry) => presentLogEntry(entry, input.names)),
    checklist: input.checklist?.map((step) => presentChecklistStep(step, input.names)) ?? null,
  };
}
