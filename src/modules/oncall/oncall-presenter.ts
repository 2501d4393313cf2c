import type { PersonRow } from "../identity/person-repository.js";
import type { OverrideRow, ScheduleRow } from "./oncall-repository.js";
import type { LayerShift, OnCall, RotationLayer, Shift } from "./rotation.js";

export interface OnCallPerson {
  id: string;
  name: string;
  email: string;
}

export type OnCallSourceView =
  | { kind: "layer"; layerId: string }
  | { kind: "override"; overrideId: string }
  | null;

export interface ScheduleView {
  id: string;
  name: string;
  timeZone: string;
  layers: RotationLayer[];
  /** The webhook URL is a secret (it posts to the channel): only whether one is set leaves Tend. */
  chatWebhookConfigured: boolean;
  /** Mailed when a handoff debrief goes unacknowledged. */
  supportLeadId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OnCallView {
  at: string;
  person: OnCallPerson | null;
  source: OnCallSourceView;
  until: string | null;
}

export interface ShiftView {
  start: string;
  end: string;
  person: OnCallPerson | null;
  source: OnCallSourceView;
}

export interface LayerShiftView {
  index: number;
  start: string;
  end: string;
  person: OnCallPerson | null;
}

export interface OverrideView {
  id: string;
  scheduleId: string;
  person: OnCallPerson | null;
  coversPerson: OnCallPerson | null;
  start: string;
  end: string;
  swapId: string | null;
  createdById: string | null;
  createdAt: string;
}

export type PeopleById = ReadonlyMap<string, PersonRow>;

const iso = (instant: number) => new Date(instant).toISOString();

export function presentPerson(people: PeopleById, id: string | null): OnCallPerson | null {
  const person = id === null ? undefined : people.get(id);
  return person ? { id: person.id, name: person.name, email: person.email } : null;
}

export function presentSchedule(row: ScheduleRow, layers: RotationLayer[]): ScheduleView {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    layers,
    chatWebhookConfigured: row.chat_webhook_url !== null,
    supportLeadId: row.support_lead_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function presentSource(onCall: OnCall | null): OnCallSourceView {
  return onCall ? { ...onCall.source } : null;
}

export function presentOnCall(
  at: number,
  onCall: OnCall | null,
  until: number | null,
  people: PeopleById,
): OnCallView {
  return {
    at: iso(at),
    person: presentPerson(people, onCall?.personId ?? null),
    source: presentSource(onCall),
    until: until === null ? null : iso(until),
  };
}

export function presentShift(shift: Shift, people: PeopleById): ShiftView {
  return {
    start: iso(shift.start),
    end: iso(shift.end),
    person: presentPerson(people, shift.onCall?.personId ?? null),
    source: presentSource(shift.onCall),
  };
}

export function presentLayerShift(shift: LayerShift, people: PeopleById): LayerShiftView {
  return {
    index: shift.index,
    start: iso(shift.start),
    end: iso(shift.end),
    person: presentPerson(people, shift.personId),
  };
}

export function presentOverride(row: OverrideRow, people: PeopleById): OverrideView {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    person: presentPerson(people, row.person_id),
    coversPerson: presentPerson(people, row.covers_person_id),
    start: row.start_at,
    end: row.end_at,
    swapId: row.swap_id,
    createdById: row.created_by,
    createdAt: row.created_at,
  };
}
