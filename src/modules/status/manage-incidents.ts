import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { afterCommit, type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { queuePagingTriggers } from "../paging/queue-paging-triggers.js";
import {
  checkStateMove,
  type IncidentImpact,
  type IncidentKind,
  type IncidentState,
  publishedOnOpening,
  resolvedAtAfter,
} from "./incident-lifecycle.js";
import {
  type IncidentDetailView,
  type IncidentPresenterInput,
  type IncidentView,
  type PublicIncidentView,
  presentIncident,
  presentIncidentDetail,
  presentPublicIncident,
} from "./incident-presenter.js";
import {
  componentIdsByIncident,
  existingComponentIds,
  findIncidentById,
  type IncidentChanges,
  type IncidentRow,
  insertChecklistSteps,
  insertIncident,
  insertIncidentUpdate,
  listChecklistSteps,
  listIncidentRows,
  listIncidentUpdates,
  personNames,
  replaceIncidentComponents,
  setChecklistStepDone,
  updateIncidentIfVersion,
} from "./incident-repository.js";
import { type IncidentRule, ruleSummary } from "./incident-rules.js";
import { configuredSecurityChecklist } from "./manage-security-checklist.js";
import { checklistProgress } from "./security-checklist.js";
import { announceStatusChange } from "./status-announcements.js";
import { statusPageChanged } from "./status-page-cache.js";

/**
 * How an incident opens, whoever opens it: a person through the API, or the rule-evaluation job as Tend
 * itself with the rule that fired, its figures and the explanation as the first update's body.
 */
export interface OpenIncidentInput {
  title: string;
  kind?: IncidentKind;
  impact: IncidentImpact;
  componentIds?: string[];
  /** The first entry of the log: public for an incident, internal for a security incident. */
  body: string;
  /** When it began, if before now (a person declaring what monitors saw earlier); default now. */
  startedAt?: string;
  firedRule?: string;
  firedFigures?: Record<string, unknown>;
}

export interface IncidentChangeInput {
  version: number;
  title?: string;
  impact?: IncidentImpact;
  componentIds?: string[];
}

export interface IncidentUpdateInput {
  version: number;
  body: string;
  state?: IncidentState;
  impact?: IncidentImpact;
}

export interface IncidentListQuery {
  state?: IncidentState;
  kind?: IncidentKind;
  limit?: number;
  cursor?: string;
}

/** The rule job stores its rule as JSON; the page says it in words, and anything else as it was stored. */
function firedRuleInWords(firedRule: string): string {
  try {
    const rule = JSON.parse(firedRule) as IncidentRule;
    if (rule.kind === "availability_below" || rule.kind === "users_affected_above") return ruleSummary(rule);
  } catch {
    // Not JSON: a rule named in words already.
  }
  return firedRule;
}

function actorPersonId(ctx: Context): string | null {
  return ctx.actor.kind === "person" ? ctx.actor.personId : null;
}

function nonBlank(field: string, text: string): string {
  if (text.trim() === "") throw ValidationError.field(field, "must not be blank");
  return text;
}

async function checkedComponentIds(ctx: Context, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const existing = await existingComponentIds(ctx.db, unique);
  const problems = ids.flatMap((id, index) =>
    existing.has(id) ? [] : [{ field: `/componentIds/${index}`, message: `no status component ${id}` }],
  );
  if (problems.length > 0) throw new UnprocessableContentError(problems);
  return unique.sort();
}

function auditedIncident(row: IncidentRow, componentIds: string[]) {
  return {
    title: row.title,
    kind: row.kind,
    state: row.state,
    impact: row.impact,
    published: row.published === 1,
    firedRule: row.fired_rule,
    componentIds,
    resolvedAt: row.resolved_at,
  };
}

async function requireIncident(ctx: Context, id: string): Promise<IncidentRow> {
  const row = await findIncidentById(ctx.db, id);
  if (!row) throw new NotFoundError(`No incident ${id}.`);
  return row;
}

async function detailOf(ctx: Context, row: IncidentRow): Promise<IncidentDetailView> {
  const [components, log, steps] = await Promise.all([
    componentIdsByIncident(ctx.db, [row.id]),
    listIncidentUpdates(ctx.db, row.id, { publicOnly: false }),
    row.kind === "security" ? listChecklistSteps(ctx.db, row.id) : Promise.resolve(null),
  ]);
  const names = await personNames(ctx.db, [
    row.opened_by,
    ...log.map((entry) => entry.author_id),
    ...(steps ?? []).map((step) => step.done_by),
  ]);
  const progress =
    steps === null
      ? null
      : checklistProgress(
          steps.map((step) => ({
            position: step.position,
            title: step.title,
            deadlineHours: step.deadline_hours,
            doneAt: step.done_at,
            doneBy: step.done_by,
          })),
          new Date(row.started_at),
          ctx.clock.now(),
        );
  const input: IncidentPresenterInput = {
    row,
    componentIds: components.get(row.id) ?? [],
    log,
    checklist: progress,
    names,
  };
  return presentIncidentDetail(input);
}

/** The 409 for a stale version, carrying the incident as it is now. */
async function staleIncident(ctx: Context, id: string): Promise<ConflictError> {
  const latest = await findIncidentById(ctx.db, id);
  return new ConflictError(
    "The incident was changed by someone else; review the current version and try again.",
    latest ? await detailOf(ctx, latest) : undefined,
  );
}

async function changeIncident(
  ctx: Context,
  current: IncidentRow,
  readVersion: number,
  changes: IncidentChanges,
): Promise<IncidentRow> {
  if (
    current.version !== readVersion ||
    !(await updateIncidentIfVersion(ctx.db, current.id, readVersion, changes))
  )
    throw await staleIncident(ctx, current.id);
  return { ...current, ...changes, version: readVersion + 1 };
}

function refuseMove(from: IncidentState, to: IncidentState, resolvedAt: string | null, now: Date): void {
  const refusal = checkStateMove({ from, to, resolvedAt: resolvedAt ? new Date(resolvedAt) : null, now });
  if (refusal) throw UnprocessableContentError.field("/state", `${refusal.message} (rule ${refusal.rule})`);
}

/**
 * Opens an incident in state investigating. Works on its own or inside a caller's transaction (the rule
 * job's), since `inTransaction` joins one already open. A security incident opens private, with its own copy
 * of the configured checklist, and is announced only when someone publishes it.
 */
export async function openIncident({
  ctx,
  input,
}: {
  ctx: Context;
  input: OpenIncidentInput;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  const kind = input.kind ?? "incident";
  const title = nonBlank("/title", input.title).trim();
  const body = nonBlank("/body", input.body);
  const now = ctx.clock.now();
  const startedAt = input.startedAt === undefined ? now : new Date(input.startedAt);
  if (Number.isNaN(startedAt.getTime())) throw ValidationError.field("/startedAt", "is not a date-time");
  if (startedAt.getTime() > now.getTime())
    throw ValidationError.field("/startedAt", "must not be in the future");
  if ((input.firedRule === undefined) !== (input.firedFigures === undefined))
    throw ValidationError.field(
      "/firedFigures",
      "a fired rule comes with its figures, and figures with their rule",
    );
  return inTransaction(ctx, async (tx) => {
    afterCommit(tx, statusPageChanged);
    const componentIds = await checkedComponentIds(tx, input.componentIds ?? []);
    const published = publishedOnOpening(kind);
    const at = now.toISOString();
    const row: IncidentRow = {
      id: newId(),
      title,
      kind,
      state: "investigating",
      impact: input.impact,
      published: published ? 1 : 0,
      fired_rule: input.firedRule ?? null,
      fired_figures: input.firedFigures === undefined ? null : JSON.stringify(input.firedFigures),
      opened_by: actorPersonId(tx),
      started_at: startedAt.toISOString(),
      resolved_at: null,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertIncident(tx.db, row);
    await replaceIncidentComponents(tx.db, row.id, componentIds);
    await insertIncidentUpdate(tx.db, {
      id: newId(),
      incident_id: row.id,
      visibility: published ? "public" : "internal",
      kind: "opened",
      state: row.state,
      body,
      author_id: row.opened_by,
      at,
    });
    if (kind === "security") {
      const steps = await configuredSecurityChecklist(tx);
      await insertChecklistSteps(
        tx.db,
        steps.map((step, position) => ({
          incident_id: row.id,
          position,
          title: step.title,
          deadline_hours: step.deadlineHours,
          done_at: null,
          done_by: null,
        })),
      );
    }
    await recordAudit(tx, {
      action: "status_incident.opened",
      targetType: "status_incident",
      targetId: row.id,
      after: auditedIncident(row, componentIds),
    });
    if (published) await announceStatusChange(tx, { kind: "incident_opened", incidentId: row.id });
    // Every incident pages, security ones too: they are the most urgent, and a page stays internal.
    await queuePagingTriggers(tx, {
      kind: "status_incident_opened",
      incidentId: row.id,
      title: row.title,
      impact: row.impact,
      ...(kind === "security" ? { security: true } : {}),
      ...(input.firedRule === undefined
        ? {}
        : { firedRule: firedRuleInWords(input.firedRule), explanation: body }),
    });
    return detailOf(tx, row);
  });
}

function positionOf(cursor: string): { startedAt: string; id: string } {
  const position = decodeCursor(cursor);
  if (typeof position.value !== "string")
    throw ValidationError.field("cursor", "is not a cursor this API returned");
  return { startedAt: position.value, id: position.id };
}

export async function listIncidents(
  ctx: Context,
  query: IncidentListQuery = {},
): Promise<Page<IncidentView>> {
  requireStaff(ctx.actor);
  const limit = query.limit ?? 50;
  const after = query.cursor === undefined ? undefined : positionOf(query.cursor);
  const rows = await listIncidentRows(ctx.db, { state: query.state, kind: query.kind }, limit + 1, after);
  const page = rows.slice(0, limit);
  const [components, names] = await Promise.all([
    componentIdsByIncident(
      ctx.db,
      page.map((row) => row.id),
    ),
    personNames(
      ctx.db,
      page.map((row) => row.opened_by),
    ),
  ]);
  const last = page.at(-1);
  return {
    items: page.map((row) => presentIncident(row, components.get(row.id) ?? [], names)),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.started_at, id: last.id }) : null,
  };
}

export async function getIncident(ctx: Context, id: string): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  return detailOf(ctx, await requireIncident(ctx, id));
}

/** Title, impact and affected components; no log entry, since none of it is news to subscribers by itself. */
export async function changeIncidentDetails({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: IncidentChangeInput;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    afterCommit(tx, statusPageChanged);
    const current = await requireIncident(tx, id);
    const currentComponents = (await componentIdsByIncident(tx.db, [id])).get(id) ?? [];
    const componentIds =
      input.componentIds === undefined
        ? currentComponents
        : await checkedComponentIds(tx, input.componentIds);
    const updated = await changeIncident(tx, current, input.version, {
      title: input.title === undefined ? current.title : nonBlank("/title", input.title).trim(),
      impact: input.impact ?? current.impact,
      updated_at: tx.clock.now().toISOString(),
    });
    if (input.componentIds !== undefined) await replaceIncidentComponents(tx.db, id, componentIds);
    await recordAudit(tx, {
      action: "status_incident.updated",
      targetType: "status_incident",
      targetId: id,
      before: auditedIncident(current, currentComponents),
      after: auditedIncident(updated, componentIds),
    });
    return detailOf(tx, updated);
  });
}

/**
 * A public update: its text, and a new state and/or impact. Announced when the incident is published; an
 * unpublished security incident keeps its updates until it is published, and then they show.
 */
export async function postIncidentUpdate({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: IncidentUpdateInput;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  const body = nonBlank("/body", input.body);
  return inTransaction(ctx, async (tx) => {
    afterCommit(tx, statusPageChanged);
    const current = await requireIncident(tx, id);
    const now = tx.clock.now();
    const from = current.state as IncidentState;
    const to = input.state ?? from;
    // Naming the current state is allowed while open ("still investigating"); a resolved incident takes
    // a postscript without a state, so "resolved" again is refused rather than silently kept.
    if (input.state !== undefined) refuseMove(from, to, current.resolved_at, now);
    const updated = await changeIncident(tx, current, input.version, {
      state: to,
      impact: input.impact ?? current.impact,
      resolved_at: resolvedAtAfter(from, to, current.resolved_at, now),
      updated_at: now.toISOString(),
    });
    const updateId = newId();
    await insertIncidentUpdate(tx.db, {
      id: updateId,
      incident_id: id,
      visibility: "public",
      kind: "update",
      state: to,
      body,
      author_id: actorPersonId(tx),
      at: now.toISOString(),
    });
    const componentIds = (await componentIdsByIncident(tx.db, [id])).get(id) ?? [];
    await recordAudit(tx, {
      action: "status_incident.update_posted",
      targetType: "status_incident",
      targetId: id,
      before: auditedIncident(current, componentIds),
      after: { ...auditedIncident(updated, componentIds), update: body },
    });
    if (updated.published === 1)
      await announceStatusChange(tx, { kind: "incident_updated", incidentId: id, updateId });
    return detailOf(tx, updated);
  });
}

/** An internal note: part of the log and the retrospective's timeline, never public, never announced. */
export async function addIncidentNote({
  ctx,
  id,
  body,
}: {
  ctx: Context;
  id: string;
  body: string;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  nonBlank("/body", body);
  return inTransaction(ctx, async (tx) => {
    const current = await requireIncident(tx, id);
    const noteId = newId();
    await insertIncidentUpdate(tx.db, {
      id: noteId,
      incident_id: id,
      visibility: "internal",
      kind: "update",
      state: current.state,
      body,
      author_id: actorPersonId(tx),
      at: tx.clock.now().toISOString(),
    });
    await recordAudit(tx, {
      action: "status_incident.note_added",
      targetType: "status_incident",
      targetId: id,
      after: { noteId },
    });
    return detailOf(tx, current);
  });
}

/**
 * What the rule job adds when the rule that opened an incident holds again: a suggestion to staff, kept
 * internal, since the objectives let only a person declare the incident over. Nothing once it is resolved.
 */
export async function suggestResolution({
  ctx,
  id,
  body,
}: {
  ctx: Context;
  id: string;
  body: string;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  nonBlank("/body", body);
  return inTransaction(ctx, async (tx) => {
    const current = await requireIncident(tx, id);
    if (current.state === "resolved") return detailOf(tx, current);
    await insertIncidentUpdate(tx.db, {
      id: newId(),
      incident_id: id,
      visibility: "internal",
      kind: "recovery_suggestion",
      state: current.state,
      body,
      author_id: actorPersonId(tx),
      at: tx.clock.now().toISOString(),
    });
    await recordAudit(tx, {
      action: "status_incident.resolution_suggested",
      targetType: "status_incident",
      targetId: id,
      after: { suggestion: body },
    });
    return detailOf(tx, current);
  });
}

/**
 * Makes a private (security) incident public with a first public statement, announced as an opening: for
 * subscribers, that is when it begins. There is no way back; what was published was read.
 */
export async function publishIncident({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: { version: number; body: string };
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  const body = nonBlank("/body", input.body);
  return inTransaction(ctx, async (tx) => {
    afterCommit(tx, statusPageChanged);
    const current = await requireIncident(tx, id);
    if (current.published === 1)
      throw UnprocessableContentError.field(
        "/published",
        "the incident is already published (rule already-published)",
      );
    const now = tx.clock.now().toISOString();
    const updated = await changeIncident(tx, current, input.version, { published: 1, updated_at: now });
    await insertIncidentUpdate(tx.db, {
      id: newId(),
      incident_id: id,
      visibility: "public",
      kind: "update",
      state: current.state,
      body,
      author_id: actorPersonId(tx),
      at: now,
    });
    const componentIds = (await componentIdsByIncident(tx.db, [id])).get(id) ?? [];
    await recordAudit(tx, {
      action: "status_incident.published",
      targetType: "status_incident",
      targetId: id,
      before: auditedIncident(current, componentIds),
      after: auditedIncident(updated, componentIds),
    });
    await announceStatusChange(tx, { kind: "incident_opened", incidentId: id });
    return detailOf(tx, updated);
  });
}

/** Ticks a security incident's checklist step off, or back on; who and when are kept. */
export async function markChecklistStep({
  ctx,
  id,
  position,
  done,
}: {
  ctx: Context;
  id: string;
  position: number;
  done: boolean;
}): Promise<IncidentDetailView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await requireIncident(tx, id);
    const step = (await listChecklistSteps(tx.db, id)).find((candidate) => candidate.position === position);
    if (!step) throw new NotFoundError(`Incident ${id} has no checklist step ${position}.`);
    const alreadyDone = step.done_at !== null;
    if (alreadyDone !== done) {
      await setChecklistStepDone(
        tx.db,
        id,
        position,
        done ? { at: tx.clock.now().toISOString(), by: actorPersonId(tx) } : null,
      );
      await recordAudit(tx, {
        action: done ? "status_incident.checklist_step_done" : "status_incident.checklist_step_undone",
        targetType: "status_incident",
        targetId: id,
        before: { step: step.title, done: alreadyDone },
        after: { step: step.title, done },
      });
    }
    return detailOf(tx, current);
  });
}

/**
 * An incident as anyone may read it, for the public page and its feeds: not found while unpublished, and
 * only the public part of its log.
 */
export async function readPublishedIncident(ctx: Context, id: string): Promise<PublicIncidentView> {
  const row = await findIncidentById(ctx.db, id);
  const [components, log] = await Promise.all([
    componentIdsByIncident(ctx.db, [id]),
    listIncidentUpdates(ctx.db, id, { publicOnly: true }),
  ]);
  const view = row ? presentPublicIncident(row, components.get(id) ?? [], log) : null;
  if (!view) throw new NotFoundError(`No incident ${id}.`);
  return view;
}
