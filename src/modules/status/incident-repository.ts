import type { Insertable, Selectable } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  StatusIncidentChecklistStepsTable,
  StatusIncidentFollowUpsTable,
  StatusIncidentRetrospectivesTable,
  StatusIncidentsTable,
  StatusIncidentUpdatesTable,
} from "../../db/tables.js";

export type IncidentRow = Selectable<StatusIncidentsTable>;
export type IncidentUpdateRow = Selectable<StatusIncidentUpdatesTable>;
export type ChecklistStepRow = Selectable<StatusIncidentChecklistStepsTable>;
export type RetrospectiveRow = Selectable<StatusIncidentRetrospectivesTable>;
export type FollowUpRow = Selectable<StatusIncidentFollowUpsTable>;

/** The only SQL of incidents, their logs, checklists, retrospectives and follow-ups. */

export async function insertIncident(db: DbExecutor, row: IncidentRow): Promise<void> {
  await db.insertInto("status_incidents").values(row).execute();
}

export async function findIncidentById(db: DbExecutor, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom("status_incidents").selectAll().where("id", "=", id).executeTakeFirst();
}

export type IncidentChanges = Partial<
  Pick<IncidentRow, "title" | "state" | "impact" | "published" | "resolved_at" | "updated_at">
>;

/** A compare-and-set on the version the caller read: false when someone else changed it first. */
export async function updateIncidentIfVersion(
  db: DbExecutor,
  id: string,
  version: number,
  changes: IncidentChanges,
): Promise<boolean> {
  const result = await db
    .updateTable("status_incidents")
    .set({ ...changes, version: version + 1 })
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface IncidentListFilter {
  state?: string;
  kind?: string;
}

/** Newest first by start, keyset on (started_at, id). */
export async function listIncidentRows(
  db: DbExecutor,
  filter: IncidentListFilter,
  limit: number,
  after?: { startedAt: string; id: string },
): Promise<IncidentRow[]> {
  let select = db.selectFrom("status_incidents").selectAll();
  if (filter.state) select = select.where("state", "=", filter.state);
  if (filter.kind) select = select.where("kind", "=", filter.kind);
  if (after)
    select = select.where((eb) =>
      eb.or([
        eb("started_at", "<", after.startedAt),
        eb.and([eb("started_at", "=", after.startedAt), eb("id", "<", after.id)]),
      ]),
    );
  return select.orderBy("started_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

export async function componentIdsByIncident(
  db: DbExecutor,
  incidentIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byIncident = new Map<string, string[]>(incidentIds.map((id) => [id, []]));
  if (incidentIds.length === 0) return byIncident;
  const rows = await db
    .selectFrom("status_incident_components")
    .select(["incident_id", "component_id"])
    .where("incident_id", "in", [...incidentIds])
    .orderBy("component_id")
    .execute();
  for (const row of rows) byIncident.get(row.incident_id)?.push(row.component_id);
  return byIncident;
}

export async function replaceIncidentComponents(
  db: DbExecutor,
  incidentId: string,
  componentIds: readonly string[],
): Promise<void> {
  await db.deleteFrom("status_incident_components").where("incident_id", "=", incidentId).execute();
  if (componentIds.length === 0) return;
  await db
    .insertInto("status_incident_components")
    .values(componentIds.map((componentId) => ({ incident_id: incidentId, component_id: componentId })))
    .execute();
}

/** Which of these status component ids exist. */
export async function existingComponentIds(db: DbExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("status_components")
    .select("id")
    .where("id", "in", [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}

export async function insertIncidentUpdate(db: DbExecutor, row: IncidentUpdateRow): Promise<void> {
  await db.insertInto("status_incident_updates").values(row).execute();
}

/** The incident's log, oldest first; `publicOnly` leaves the internal notes out in SQL, not afterwards. */
export async function listIncidentUpdates(
  db: DbExecutor,
  incidentId: string,
  options: { publicOnly: boolean },
): Promise<IncidentUpdateRow[]> {
  let select = db.selectFrom("status_incident_updates").selectAll().where("incident_id", "=", incidentId);
  if (options.publicOnly) select = select.where("visibility", "=", "public");
  return select.orderBy("at").orderBy("id").execute();
}

export async function personNames(
  db: DbExecutor,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom("people").select(["id", "name"]).where("id", "in", wanted).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

const checklistId = "default";

export async function findConfiguredChecklist(
  db: DbExecutor,
): Promise<{ steps: string; updated_at: string } | undefined> {
  return db
    .selectFrom("status_security_checklists")
    .select(["steps", "updated_at"])
    .where("id", "=", checklistId)
    .executeTakeFirst();
}

export async function saveConfiguredChecklist(
  db: DbExecutor,
  steps: string,
  updatedBy: string | null,
  updatedAt: string,
): Promise<void> {
  await db
    .insertInto("status_security_checklists")
    .values({ id: checklistId, steps, updated_by: updatedBy, updated_at: updatedAt })
    .onConflict((oc) => oc.column("id").doUpdateSet({ steps, updated_by: updatedBy, updated_at: updatedAt }))
    .execute();
}

export async function insertChecklistSteps(db: DbExecutor, rows: readonly ChecklistStepRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("status_incident_checklist_steps")
    .values([...rows])
    .execute();
}

export async function listChecklistSteps(db: DbExecutor, incidentId: string): Promise<ChecklistStepRow[]> {
  return db
    .selectFrom("status_incident_checklist_steps")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("position")
    .execute();
}

export async function setChecklistStepDone(
  db: DbExecutor,
  incidentId: string,
  position: number,
  done: { at: string; by: string | null } | null,
): Promise<void> {
  await db
    .updateTable("status_incident_checklist_steps")
    .set({ done_at: done?.at ?? null, done_by: done?.by ?? null })
    .where("incident_id", "=", incidentId)
    .where("position", "=", position)
    .execute();
}

export async function findRetrospective(
  db: DbExecutor,
  incidentId: string,
): Promise<RetrospectiveRow | undefined> {
  return db
    .selectFrom("status_incident_retrospectives")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .executeTakeFirst();
}

/** False when another retrospective was written first (the primary key holds one per incident). */
export async function insertRetrospectiveIfAbsent(db: DbExecutor, row: RetrospectiveRow): Promise<boolean> {
  const result = await db
    .insertInto("status_incident_retrospectives")
    .values(row)
    .onConflict((oc) => oc.column("incident_id").doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function updateRetrospectiveIfVersion(
  db: DbExecutor,
  row: RetrospectiveRow,
  readVersion: number,
): Promise<boolean> {
  const { incident_id, created_at, ...changes } = row;
  const result = await db
    .updateTable("status_incident_retrospectives")
    .set(changes)
    .where("incident_id", "=", incident_id)
    .where("version", "=", readVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertFollowUp(
  db: DbExecutor,
  row: Insertable<StatusIncidentFollowUpsTable>,
): Promise<void> {
  await db.insertInto("status_incident_follow_ups").values(row).execute();
}

export async function listFollowUps(db: DbExecutor, incidentId: string): Promise<FollowUpRow[]> {
  return db
    .selectFrom("status_incident_follow_ups")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function findFollowUp(
  db: DbExecutor,
  incidentId: string,
  id: string,
): Promise<FollowUpRow | undefined> {
  return db
    .selectFrom("status_incident_follow_ups")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function updateFollowUpRow(db: DbExecutor, row: FollowUpRow): Promise<void> {
  const { id, incident_id, created_at, ...changes } = row;
  await db.updateTable("status_incident_follow_ups").set(changes).where("id", "=", id).execute();
}

export async function deleteFollowUpRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("status_incident_follow_ups").where("id", "=", id).execute();
}
