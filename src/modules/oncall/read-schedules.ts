import type { DbExecutor } from "../../db/database.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { DAY } from "../../shared/clock.js";
import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { type TenantScope, tenantScopeOf } from "../identity/tenant-scope.js";
import {
  type LayerShiftView,
  type OnCallView,
  type OverrideView,
  type PeopleById,
  presentLayerShift,
  presentOnCall,
  presentOverride,
  presentSchedule,
  presentShift,
  type ScheduleView,
  type ShiftView,
} from "./oncall-presenter.js";
import {
  findScheduleById,
  findScheduleByName,
  listOverrideRows,
  listScheduleRows,
  type OverrideRow,
  type ScheduleRow,
} from "./oncall-repository.js";
import {
  type CompiledSchedule,
  compileSchedule,
  coverageGaps,
  finalShifts,
  layerShifts,
  onCallAt,
  type RotationLayer,
} from "./rotation.js";

export const WEEK = 7 * DAY;
/** The longest shift list one request computes: half a year, as far as the calendar feed looks. */
export const maxShiftRange = 26 * WEEK;
/** Gaps in coverage are flagged this far ahead. */
export const gapHorizon = 8 * WEEK;

export interface LoadedSchedule {
  row: ScheduleRow;
  layers: RotationLayer[];
  overrides: OverrideRow[];
  compiled: CompiledSchedule;
}

export function storedLayers(row: ScheduleRow): RotationLayer[] {
  return JSON.parse(row.layers) as RotationLayer[];
}

/** A stored schedule with its overrides, ready for the rotation maths. */
export async function loadSchedule(db: DbExecutor, row: ScheduleRow): Promise<LoadedSchedule> {
  const layers = storedLayers(row);
  const overrides = await listOverrideRows(db, row.id);
  const compiled = compileSchedule({
    timeZone: row.time_zone,
    layers,
    overrides: overrides.map((o) => ({
      id: o.id,
      personId: o.person_id,
      start: Date.parse(o.start_at),
      end: Date.parse(o.end_at),
    })),
  });
  return { row, layers, overrides, compiled };
}

export async function loadScheduleById(db: DbExecutor, id: string): Promise<LoadedSchedule> {
  const row = await findScheduleById(db, id);
  if (!row) throw new NotFoundError(`No on-call schedule ${id}.`);
  return loadSchedule(db, row);
}

export async function peopleByIds(
  db: DbExecutor,
  scope: TenantScope,
  ids: Iterable<string>,
): Promise<PeopleById> {
  const rows = await findPeopleByIds(db, scope, [...new Set(ids)]);
  return new Map(rows.map((row) => [row.id, row]));
}

/** When the final shift holding `at` ends, looking as far as the shift list may; null beyond. */
export function currentShiftEnd(schedule: CompiledSchedule, at: number): number | null {
  const horizon = at + maxShiftRange;
  const first = finalShifts(schedule, at, horizon)[0];
  return first && first.end < horizon ? first.end : null;
}

export async function listSchedules(ctx: Context): Promise<ScheduleView[]> {
  requireStaff(ctx.actor);
  return (await listScheduleRows(ctx.db)).map((row) => presentSchedule(row, storedLayers(row)));
}

export async function getSchedule(ctx: Context, id: string): Promise<ScheduleView> {
  requireStaff(ctx.actor);
  const { row, layers } = await loadScheduleById(ctx.db, id);
  return presentSchedule(row, layers);
}

export async function whoIsOnCall(ctx: Context, id: string, at: string | undefined): Promise<OnCallView> {
  requireStaff(ctx.actor);
  return onCallIn(ctx, await loadScheduleById(ctx.db, id), at);
}

/** The operator's question (`tend oncall who <name>`): schedules are known by name there. */
export async function whoIsOnCallByName(
  ctx: Context,
  name: string,
  at: string | undefined,
): Promise<OnCallView & { schedule: { name: string; timeZone: string } }> {
  requireStaff(ctx.actor);
  const row = await findScheduleByName(ctx.db, name.trim());
  if (!row) throw new NotFoundError(`No on-call schedule named "${name}".`);
  const onCall = await onCallIn(ctx, await loadSchedule(ctx.db, row), at);
  return { ...onCall, schedule: { name: row.name, timeZone: row.time_zone } };
}

async function onCallIn(
  ctx: Context,
  { compiled }: LoadedSchedule,
  at: string | undefined,
): Promise<OnCallView> {
  const instant = at === undefined ? ctx.clock.now().getTime() : Date.parse(at);
  if (Number.isNaN(instant)) throw ValidationError.field("at", "an ISO 8601 instant");
  const onCall = onCallAt(compiled, instant);
  const people = await peopleByIds(ctx.db, tenantScopeOf(ctx.actor), onCall ? [onCall.personId] : []);
  return presentOnCall(instant, onCall, currentShiftEnd(compiled, instant), people);
}

/** A range from the query: by default two weeks from now, never longer than `maxShiftRange`. */
export function shiftRange(
  ctx: Context,
  query: { from?: string; to?: string },
): { from: number; to: number } {
  const from = query.from === undefined ? ctx.clock.now().getTime() : Date.parse(query.from);
  const to = query.to === undefined ? from + 2 * WEEK : Date.parse(query.to);
  if (!(to > from)) throw ValidationError.field("to", "the range ends after it starts");
  if (to - from > maxShiftRange) throw ValidationError.field("to", "a range spans at most 26 weeks");
  return { from, to };
}

export async function listShifts(
  ctx: Context,
  id: string,
  query: { from?: string; to?: string },
): Promise<ShiftView[]> {
  requireStaff(ctx.actor);
  const range = shiftRange(ctx, query);
  const { compiled } = await loadScheduleById(ctx.db, id);
  const shifts = finalShifts(compiled, range.from, range.to);
  const people = await peopleByIds(
    ctx.db,
    tenantScopeOf(ctx.actor),
    shifts.flatMap((s) => (s.onCall ? [s.onCall.personId] : [])),
  );
  return shifts.map((shift) => presentShift(shift, people));
}

/** A layer's own shifts with their indexes: what a swap names. */
export async function listLayerShifts(
  ctx: Context,
  id: string,
  query: { layerId?: string; from?: string; to?: string },
): Promise<LayerShiftView[]> {
  requireStaff(ctx.actor);
  const range = shiftRange(ctx, query);
  const { compiled, layers } = await loadScheduleById(ctx.db, id);
  const layerId = query.layerId ?? (layers.at(-1) as RotationLayer).id;
  const shifts = layerShifts(compiled, layerId, range.from, range.to);
  const people = await peopleByIds(
    ctx.db,
    tenantScopeOf(ctx.actor),
    shifts.map((s) => s.personId),
  );
  return shifts.map((shift) => presentLayerShift(shift, people));
}

export async function listGaps(ctx: Context, id: string): Promise<ShiftView[]> {
  requireStaff(ctx.actor);
  const { compiled } = await loadScheduleById(ctx.db, id);
  const now = ctx.clock.now().getTime();
  return coverageGaps(compiled, now, now + gapHorizon).map((gap) => presentShift(gap, new Map()));
}

export async function listOverrides(ctx: Context, id: string): Promise<OverrideView[]> {
  requireStaff(ctx.actor);
  const { overrides } = await loadScheduleById(ctx.db, id);
  const people = await peopleByIds(
    ctx.db,
    tenantScopeOf(ctx.actor),
    overrides.flatMap((o) => [o.person_id, ...(o.covers_person_id ? [o.covers_person_id] : [])]),
  );
  return overrides.map((o) => presentOverride(o, people));
}
