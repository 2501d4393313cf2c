import type { DebriefItemRow, DebriefRow } from "./handoff-repository.js";
import type { PeopleById } from "./oncall-presenter.js";

/** The last public or internal update of a ticket as the debrief was prepared. */
export interface DebriefUpdateSnapshot {
  /** The comment quoted, so erasing it finds its excerpt here too. */
  commentId: string;
  excerpt: string;
  author: string;
  at: string;
}

export interface DebriefClockSnapshot {
  metric: string;
  /** Whose promise the clock is; absent from snapshots taken before it was recorded. */
  policyName?: string | null;
  state: string;
  dueAt: string | null;
  /** Until the due time, from the moment the debrief was prepared; negative once breached. */
  timeLeftMs: number | null;
}

/** A ticket as the outgoing person handed it over: frozen at preparation. */
export interface DebriefTicketSnapshot {
  number: number;
  subject: string;
  status: string;
  severity: string;
  slaClocks: DebriefClockSnapshot[];
  lastPublicUpdate: DebriefUpdateSnapshot | null;
  lastInternalUpdate: DebriefUpdateSnapshot | null;
}

export type DebriefItemOutcome =
  | "reassigned"
  | "followed"
  | "stale"
  | "no_longer_open"
  | "reassigned_elsewhere";

export interface DebriefItemView {
  ticketId: string;
  ticket: DebriefTicketSnapshot;
  notes: string;
  outcome: DebriefItemOutcome | null;
}

interface PersonRef {
  id: string;
  name: string | null;
}

export interface DebriefView {
  id: string;
  scheduleId: string;
  outgoing: PersonRef;
  incoming: PersonRef;
  handoffAt: string;
  overallNotes: string;
  status: "prepared" | "completed" | "acknowledged";
  reassignMode: "reassign" | "follow";
  completedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: PersonRef | null;
  leadNotifiedAt: string | null;
  createdAt: string;
  version: number;
  items: DebriefItemView[];
}

const personRef = (id: string, people: PeopleById): PersonRef => ({ id, name: people.get(id)?.name ?? null });

export function debriefPeopleIds(rows: DebriefRow[]): string[] {
  return rows.flatMap((row) => [
    row.outgoing_person_id,
    row.incoming_person_id,
    ...(row.acknowledged_by ? [row.acknowledged_by] : []),
  ]);
}

export function presentDebrief(row: DebriefRow, items: DebriefItemRow[], people: PeopleById): DebriefView {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    outgoing: personRef(row.outgoing_person_id, people),
    incoming: personRef(row.incoming_person_id, people),
    handoffAt: row.handoff_at,
    overallNotes: row.overall_notes,
    status: row.status as DebriefView["status"],
    reassignMode: row.reassign_mode as DebriefView["reassignMode"],
    completedAt: row.completed_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by ? personRef(row.acknowledged_by, people) : null,
    leadNotifiedAt: row.lead_notified_at,
    createdAt: row.created_at,
    version: row.version,
    items: items.map((item) => ({
      ticketId: item.ticket_id,
      ticket: JSON.parse(item.snapshot) as DebriefTicketSnapshot,
      notes: item.notes,
      outcome: item.outcome as DebriefItemOutcome | null,
    })),
  };
}
