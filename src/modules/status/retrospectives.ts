import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { findTicketByNumber } from "../tickets/ticket-repository.js";
import type { PersonRef } from "./incident-presenter.js";
import {
  deleteFollowUpRow,
  type FollowUpRow,
  findFollowUp,
  findIncidentById,
  findRetrospective,
  insertFollowUp,
  insertRetrospectiveIfAbsent,
  listFollowUps,
  listIncidentUpdates,
  personNames,
  type RetrospectiveRow,
  updateFollowUpRow,
  updateRetrospectiveIfVersion,
} from "./incident-repository.js";

export interface RetrospectiveTimelineEntry {
  at: string;
  body: string;
  visibility: "public" | "internal";
}

export interface FollowUpView {
  id: string;
  title: string;
  owner: PersonRef;
  dueOn: string | null;
  done: boolean;
  doneAt: string | null;
  doneBy: PersonRef | null;
  /** Not done and its due day has passed (UTC). */
  overdue: boolean;
  ticketNumber: number | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RetrospectiveView {
  incidentId: string;
  /** False until someone saves it: the timeline is then the incident's log, as a draft to edit. */
  saved: boolean;
  summary: string;
  timeline: RetrospectiveTimelineEntry[];
  contributingFactors: string;
  lessonsLearned: string;
  followUps: FollowUpView[];
  /** 0 while unsaved; send it back to save. */
  version: number;
  updatedBy: PersonRef | null;
  updatedAt: string | null;
}

export interface RetrospectiveInput {
  version: number;
  summary: string;
  timeline: RetrospectiveTimelineEntry[];
  contributingFactors: string;
  lessonsLearned: string;
}

export interface FollowUpInput {
  title: string;
  ownerId: string;
  dueOn?: string | null;
  ticketNumber?: number | null;
  url?: string | null;
}

export interface FollowUpChange extends Partial<FollowUpInput> {
  done?: boolean;
}

function actorPersonId(ctx: Context): string | null {
  return ctx.actor.kind === "person" ? ctx.actor.personId : null;
}

async function requireIncidentExists(ctx: Context, incidentId: string): Promise<void> {
  if (!(await findIncidentById(ctx.db, incidentId))) throw new NotFoundError(`No incident ${incidentId}.`);
}

/** A day's due date is met through its last moment in UTC. */
function followUpOverdue(row: FollowUpRow, now: Date): boolean {
  return row.done_at === null && row.due_on !== null && row.due_on < now.toISOString().slice(0, 10);
}

function presentFollowUp(row: FollowUpRow, names: ReadonlyMap<string, string>, now: Date): FollowUpView {
  return {
    id: row.id,
    title: row.title,
    owner: { id: row.owner_id, name: names.get(row.owner_id) ?? "" },
    dueOn: row.due_on,
    done: row.done_at !== null,
    doneAt: row.done_at,
    doneBy: row.done_by === null ? null : { id: row.done_by, name: names.get(row.done_by) ?? "" },
    overdue: followUpOverdue(row, now),
    ticketNumber: row.ticket_number,
    url: row.url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function followUpViews(ctx: Context, rows: readonly FollowUpRow[]): Promise<FollowUpView[]> {
  const names = await personNames(ctx.db, [
    ...rows.map((row) => row.owner_id),
    ...rows.map((row) => row.done_by),
  ]);
  const now = ctx.clock.now();
  return rows.map((row) => presentFollowUp(row, names, now));
}

async function retrospectiveOf(ctx: Context, incidentId: string): Promise<RetrospectiveView> {
  const [saved, followUps] = await Promise.all([
    findRetrospective(ctx.db, incidentId),
    listFollowUps(ctx.db, incidentId),
  ]);
  const followUpList = await followUpViews(ctx, followUps);
  if (saved) {
    const names = await personNames(ctx.db, [saved.updated_by]);
    return {
      incidentId,
      saved: true,
      summary: saved.summary,
      timeline: JSON.parse(saved.timeline) as RetrospectiveTimelineEntry[],
      contributingFactors: saved.contributing_factors,
      lessonsLearned: saved.lessons_learned,
      followUps: followUpList,
      version: saved.version,
      updatedBy:
        saved.updated_by === null ? null : { id: saved.updated_by, name: names.get(saved.updated_by) ?? "" },
      updatedAt: saved.updated_at,
    };
  }
  const log = await listIncidentUpdates(ctx.db, incidentId, { publicOnly: false });
  return {
    incidentId,
    saved: false,
    summary: "",
    timeline: log.map((entry) => ({
      at: entry.at,
      body: entry.body,
      visibility: entry.visibility as RetrospectiveTimelineEntry["visibility"],
    })),
    contributingFactors: "",
    lessonsLearned: "",
    followUps: followUpList,
    version: 0,
    updatedBy: null,
    updatedAt: null,
  };
}

export async function getRetrospective(ctx: Context, incidentId: string): Promise<RetrospectiveView> {
  requireStaff(ctx.actor);
  await requireIncidentExists(ctx, incidentId);
  return retrospectiveOf(ctx, incidentId);
}

function checkedTimeline(timeline: readonly RetrospectiveTimelineEntry[]): RetrospectiveTimelineEntry[] {
  const problems = timeline.flatMap((entry, index) => {
    const at = new Date(entry.at);
    return Number.isNaN(at.getTime())
      ? [{ field: `/timeline/${index}/at`, message: "is not a date-time" }]
      : [];
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return timeline.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
}

/** Saves the whole retrospective: version 0 writes the first one, any other must be the version read. */
export async function saveRetrospective({
  ctx,
  incidentId,
  input,
}: {
  ctx: Context;
  incidentId: string;
  input: RetrospectiveInput;
}): Promise<RetrospectiveView> {
  requireStaff(ctx.actor);
  const timeline = checkedTimeline(input.timeline);
  return inTransaction(ctx, async (tx) => {
    await requireIncidentExists(tx, incidentId);
    const current = await findRetrospective(tx.db, incidentId);
    const now = tx.clock.now().toISOString();
    const row: RetrospectiveRow = {
      incident_id: incidentId,
      summary: input.summary,
      timeline: JSON.stringify(timeline),
      contributing_factors: input.contributingFactors,
      lessons_learned: input.lessonsLearned,
      updated_by: actorPersonId(tx),
      version: input.version + 1,
      created_at: current?.created_at ?? now,
      updated_at: now,
    };
    const written =
      input.version === 0
        ? await insertRetrospectiveIfAbsent(tx.db, row)
        : current !== undefined &&
          current.version === input.version &&
          (await updateRetrospectiveIfVersion(tx.db, row, input.version));
    if (!written)
      throw new ConflictError(
        "The retrospective was changed by someone else; review the current version and try again.",
        await retrospectiveOf(tx, incidentId),
      );
    const audited = (source: RetrospectiveRow | undefined) =>
      source && {
        summary: source.summary,
        timeline: source.timeline,
        contributingFactors: source.contributing_factors,
        lessonsLearned: source.lessons_learned,
      };
    await recordAudit(tx, {
      action: "status_retrospective.saved",
      targetType: "status_incident",
      targetId: incidentId,
      before: audited(current),
      after: audited(row),
    });
    return retrospectiveOf(tx, incidentId);
  });
}

function checkedDueOn(dueOn: string): string {
  const parsed = new Date(`${dueOn}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(dueOn) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== dueOn
  )
    throw ValidationError.field("/dueOn", "must be a day as YYYY-MM-DD");
  return dueOn;
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ValidationError.field("/url", "is not a URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw ValidationError.field("/url", "must be an http or https URL");
  return parsed.toString();
}

async function checkedOwner(ctx: Context, ownerId: string): Promise<string> {
  const person = await findPersonById(ctx.db, ownerId);
  if (!person || person.role === "customer" || person.deactivated_at !== null)
    throw UnprocessableContentError.field("/ownerId", "must be an active agent or admin");
  return ownerId;
}

async function checkedTicketNumber(ctx: Context, ticketNumber: number): Promise<number> {
  if (!(await findTicketByNumber(ctx.db, tenantScopeOf(ctx.actor), ticketNumber)))
    throw UnprocessableContentError.field("/ticketNumber", `no ticket #${ticketNumber}`);
  return ticketNumber;
}

function auditedFollowUp(row: FollowUpRow) {
  return {
    title: row.title,
    ownerId: row.owner_id,
    dueOn: row.due_on,
    done: row.done_at !== null,
    ticketNumber: row.ticket_number,
    url: row.url,
  };
}

export async function createFollowUp({
  ctx,
  incidentId,
  input,
}: {
  ctx: Context;
  incidentId: string;
  input: FollowUpInput;
}): Promise<FollowUpView> {
  requireStaff(ctx.actor);
  if (input.title.trim() === "") throw ValidationError.field("/title", "must not be blank");
  const dueOn = input.dueOn ? checkedDueOn(input.dueOn) : null;
  const url = input.url ? checkedUrl(input.url) : null;
  return inTransaction(ctx, async (tx) => {
    await requireIncidentExists(tx, incidentId);
    const now = tx.clock.now().toISOString();
    const row: FollowUpRow = {
      id: newId(),
      incident_id: incidentId,
      title: input.title.trim(),
      owner_id: await checkedOwner(tx, input.ownerId),
      due_on: dueOn,
      done_at: null,
      done_by: null,
      ticket_number: input.ticketNumber == null ? null : await checkedTicketNumber(tx, input.ticketNumber),
      url,
      created_at: now,
      updated_at: now,
    };
    await insertFollowUp(tx.db, row);
    await recordAudit(tx, {
      action: "status_follow_up.created",
      targetType: "status_follow_up",
      targetId: row.id,
      after: { incidentId, ...auditedFollowUp(row) },
    });
    const [view] = await followUpViews(tx, [row]);
    return view as FollowUpView;
  });
}

async function requireFollowUp(ctx: Context, incidentId: string, id: string): Promise<FollowUpRow> {
  const row = await findFollowUp(ctx.db, incidentId, id);
  if (!row) throw new NotFoundError(`Incident ${incidentId} has no follow-up ${id}.`);
  return row;
}

export async function changeFollowUp({
  ctx,
  incidentId,
  id,
  input,
}: {
  ctx: Context;
  incidentId: string;
  id: string;
  input: FollowUpChange;
}): Promise<FollowUpView> {
  requireStaff(ctx.actor);
  if (input.title !== undefined && input.title.trim() === "")
    throw ValidationError.field("/title", "must not be blank");
  return inTransaction(ctx, async (tx) => {
    const current = await requireFollowUp(tx, incidentId, id);
    const now = tx.clock.now().toISOString();
    const becomesDone = input.done === true && current.done_at === null;
    const becomesUndone = input.done === false && current.done_at !== null;
    const updated: FollowUpRow = {
      ...current,
      title: input.title?.trim() ?? current.title,
      owner_id: input.ownerId === undefined ? current.owner_id : await checkedOwner(tx, input.ownerId),
      due_on:
        input.dueOn === undefined ? current.due_on : input.dueOn === null ? null : checkedDueOn(input.dueOn),
      ticket_number:
        input.ticketNumber === undefined
          ? current.ticket_number
          : input.ticketNumber === null
            ? null
            : await checkedTicketNumber(tx, input.ticketNumber),
      url: input.url === undefined ? current.url : input.url === null ? null : checkedUrl(input.url),
      done_at: becomesDone ? now : becomesUndone ? null : current.done_at,
      done_by: becomesDone ? actorPersonId(tx) : becomesUndone ? null : current.done_by,
      updated_at: now,
    };
    await updateFollowUpRow(tx.db, updated);
    await recordAudit(tx, {
      action: "status_follow_up.updated",
      targetType: "status_follow_up",
      targetId: id,
      before: auditedFollowUp(current),
      after: auditedFollowUp(updated),
    });
    const [view] = await followUpViews(tx, [updated]);
    return view as FollowUpView;
  });
}

export async function deleteFollowUp({
  ctx,
  incidentId,
  id,
}: {
  ctx: Context;
  incidentId: string;
  id: string;
}): Promise<void> {
  requireStaff(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await requireFollowUp(tx, incidentId, id);
    await deleteFollowUpRow(tx.db, id);
    await recordAudit(tx, {
      action: "status_follow_up.deleted",
      targetType: "status_follow_up",
      targetId: id,
      before: auditedFollowUp(current),
    });
  });
}
