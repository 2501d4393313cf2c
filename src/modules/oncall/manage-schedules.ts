import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { weekdays } from "../calendar/calendar-definition.js";
import { parseIsoDate, weekdayOfDay } from "../calendar/zoned-time.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { systemScope } from "../identity/tenant-scope.js";
import { presentSchedule, type ScheduleView } from "./oncall-presenter.js";
import {
  deleteScheduleRow,
  findScheduleById,
  findScheduleByName,
  insertSchedule,
  type ScheduleRow,
  updateScheduleRow,
} from "./oncall-repository.js";
import { peopleByIds, storedLayers } from "./read-schedules.js";
import { compileSchedule, type RotationLayer, type RotationUnit } from "./rotation.js";

/** A layer as the API takes it: the id, rotation and weekly handoff day may be left to defaults. */
export type LayerInput = Omit<RotationLayer, "id" | "rotation"> & {
  id?: string;
  rotation?: { every: number; unit: RotationUnit };
};

export interface ScheduleInput {
  name: string;
  timeZone: string;
  layers: LayerInput[];
  chatWebhookUrl?: string | null;
  /**
   * The support lead: one named person, mailed when a handoff debrief goes unacknowledged. A
   * person, not a group or a policy, because that is what a support manager means by "tell the
   * lead": someone who owns the follow-up (a group's mail is everyone's and so nobody's), and a
   * debrief left unread is a business-hours lapse to chase, not an outage to page anyone for.
   * null removes it.
   */
  supportLeadId?: string | null;
}

/** The teams we model hand off every two weeks. */
const defaultRotation = { every: 2, unit: "weeks" } as const;

function withDefaults(layer: LayerInput, index: number, seen: Set<string>): RotationLayer {
  const id = layer.id ?? newId();
  if (seen.has(id)) throw ValidationError.field(`layers/${index}/id`, "two layers share this id");
  seen.add(id);
  const rotation = layer.rotation ?? defaultRotation;
  const startDay = parseIsoDate(layer.startDate);
  // A weekly rotation without a handoff day hands off on the weekday it starts.
  const handoffWeekday =
    layer.handoffWeekday ??
    (rotation.unit === "weeks" && startDay !== undefined ? weekdays[weekdayOfDay(startDay)] : undefined);
  return { ...layer, id, rotation, ...(handoffWeekday ? { handoffWeekday } : {}) };
}

/** Layers as stored: the rotation maths checks their shape, then every participant must be active staff. */
async function checkedLayers(ctx: Context, timeZone: string, input: LayerInput[]): Promise<RotationLayer[]> {
  const seen = new Set<string>();
  const layers = input.map((layer, index) => withDefaults(layer, index, seen));
  compileSchedule({ timeZone, layers, overrides: [] });
  const people = await peopleByIds(
    ctx.db,
    systemScope("participants are staff; any caller here is an admin"),
    layers.flatMap((layer) => layer.participants),
  );
  layers.forEach((layer, index) => {
    layer.participants.forEach((personId, position) => {
      const person = people.get(personId);
      if (!person || person.role === "customer" || person.deactivated_at !== null) {
        throw UnprocessableContentError.field(
          `layers/${index}/participants/${position}`,
          `no active agent or admin ${personId}`,
        );
      }
    });
  });
  return layers;
}

/** The support lead is staff who can act on it: an active agent or admin. */
async function checkedSupportLead(ctx: Context, personId: string | null): Promise<string | null> {
  if (personId === null) return null;
  const person = (
    await peopleByIds(ctx.db, systemScope("the support lead is staff; any caller here is an admin"), [
      personId,
    ])
  ).get(personId);
  if (!person || person.role === "customer" || person.deactivated_at !== null)
    throw UnprocessableContentError.field("supportLeadId", `no active agent or admin ${personId}`);
  return personId;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Announcements carry who is on duty: over https, or plain http only to this machine (a local relay, tests). */
export function checkedWebhookUrl(url: string | null): string | null {
  if (url === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ValidationError.field("chatWebhookUrl", "an absolute URL");
  }
  if (parsed.protocol === "https:") return parsed.toString();
  if (parsed.protocol === "http:" && loopbackHosts.has(parsed.hostname)) return parsed.toString();
  throw ValidationError.field("chatWebhookUrl", "an https URL (plain http only to localhost)");
}

async function checkedName(ctx: Context, name: string, exceptId: string | null): Promise<string> {
  const trimmed = name.trim();
  if (!trimmed) throw ValidationError.field("name", "must not be empty");
  const taken = await findScheduleByName(ctx.db, trimmed);
  if (taken && taken.id !== exceptId)
    throw new ConflictError(`A schedule named "${trimmed}" exists already.`);
  return trimmed;
}

/** What the audit trail keeps of a schedule: the webhook URL is a secret, so only whether it is set. */
function audited(row: ScheduleRow) {
  return {
    name: row.name,
    timeZone: row.time_zone,
    layers: row.layers,
    chatWebhookConfigured: row.chat_webhook_url !== null,
    supportLeadId: row.support_lead_id,
  };
}

export async function createSchedule({
  ctx,
  input,
}: {
  ctx: Context;
  input: ScheduleInput;
}): Promise<ScheduleView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const layers = await checkedLayers(tx, input.timeZone, input.layers);
    const created: ScheduleRow = {
      id: newId(),
      name: await checkedName(tx, input.name, null),
      time_zone: input.timeZone,
      layers: JSON.stringify(layers),
      chat_webhook_url: checkedWebhookUrl(input.chatWebhookUrl ?? null),
      support_lead_id: await checkedSupportLead(tx, input.supportLeadId ?? null),
      last_announced_person_id: null,
      last_announced_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await insertSchedule(tx.db, created);
    await recordAudit(tx, {
      action: "oncall_schedule.created",
      targetType: "oncall_schedule",
      targetId: created.id,
      after: audited(created),
    });
    return presentSchedule(created, layers);
  });
}

export async function updateSchedule({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<ScheduleInput> & { version: number };
}): Promise<ScheduleView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findScheduleById(tx.db, id);
    if (!current) throw new NotFoundError(`No on-call schedule ${id}.`);
    if (current.version !== input.version)
      throw new ConflictError(
        `The schedule changed since version ${input.version}; it is at ${current.version}.`,
      );
    const timeZone = input.timeZone ?? current.time_zone;
    // A new zone re-reads the stored layers' wall times there, so they are checked again too; a
    // rename alone leaves them be, even with someone in them deactivated since.
    const layers =
      input.layers === undefined && input.timeZone === undefined
        ? storedLayers(current)
        : await checkedLayers(tx, timeZone, input.layers ?? storedLayers(current));
    const updated: ScheduleRow = {
      ...current,
      name: input.name === undefined ? current.name : await checkedName(tx, input.name, id),
      time_zone: timeZone,
      layers: JSON.stringify(layers),
      chat_webhook_url:
        input.chatWebhookUrl === undefined
          ? current.chat_webhook_url
          : checkedWebhookUrl(input.chatWebhookUrl),
      support_lead_id:
        input.supportLeadId === undefined
          ? current.support_lead_id
          : await checkedSupportLead(tx, input.supportLeadId),
      updated_at: tx.clock.now().toISOString(),
      version: current.version + 1,
    };
    if (!(await updateScheduleRow(tx.db, updated, current.version)))
      throw new ConflictError(`The schedule changed since version ${input.version}.`);
    await recordAudit(tx, {
      action: "oncall_schedule.updated",
      targetType: "oncall_schedule",
      targetId: id,
      before: audited(current),
      after: audited(updated),
    });
    return presentSchedule(updated, layers);
  });
}

/** Its overrides and calendar feeds go with it. */
export async function deleteSchedule({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findScheduleById(tx.db, id);
    if (!current || !(await deleteScheduleRow(tx.db, id)))
      throw new NotFoundError(`No on-call schedule ${id}.`);
    await recordAudit(tx, {
      action: "oncall_schedule.deleted",
      targetType: "oncall_schedule",
      targetId: id,
      before: audited(current),
    });
  });
}
