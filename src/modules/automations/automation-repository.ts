import type { DbExecutor } from "../../db/database.js";
import type { AutomationRunsTable, AutomationsTable } from "../../db/tables.js";

export type AutomationRow = AutomationsTable;
export type AutomationRunRow = AutomationRunsTable;

export async function listAutomationRows(db: DbExecutor): Promise<AutomationRow[]> {
  return db.selectFrom("automations").selectAll().orderBy("position").orderBy("id").execute();
}

export async function findAutomationRow(db: DbExecutor, id: string): Promise<AutomationRow | undefined> {
  return db.selectFrom("automations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertAutomation(db: DbExecutor, row: AutomationRow): Promise<void> {
  await db.insertInto("automations").values(row).execute();
}

export async function updateAutomationRow(db: DbExecutor, row: AutomationRow): Promise<void> {
  const { id, ...columns } = row;
  await db.updateTable("automations").set(columns).where("id", "=", id).execute();
}

export async function deleteAutomationRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("automations").where("id", "=", id).execute();
}

export async function setAutomationPosition(db: DbExecutor, id: string, position: number): Promise<void> {
  await db.updateTable("automations").set({ position }).where("id", "=", id).execute();
}

export async function nextAutomationPosition(db: DbExecutor): Promise<number> {
  const row = await db
    .selectFrom("automations")
    .select((eb) => eb.fn.max("position").as("last"))
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** A run claimed once per automation and event: false when a retried job claimed it already. */
export async function claimRun(db: DbExecutor, row: AutomationRunRow): Promise<boolean> {
  const inserted = await db
    .insertInto("automation_runs")
    .values(row)
    .onConflict((conflict) => conflict.columns(["automation_id", "event_id"]).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function finishRun(db: DbExecutor, id: string, outcome: string, results: string): Promise<void> {
  await db.updateTable("automation_runs").set({ outcome, results }).where("id", "=", id).execute();
}

export type RecentRunRow = AutomationRunRow & { ticket_number: number | null };

export async function recentRunRows(
  db: DbExecutor,
  automationId: string,
  limit: number,
): Promise<RecentRunRow[]> {
  return db
    .selectFrom("automation_runs")
    .leftJoin("tickets", "tickets.id", "automation_runs.ticket_id")
    .selectAll("automation_runs")
    .select("tickets.number as ticket_number")
    .where("automation_runs.automation_id", "=", automationId)
    .orderBy("automation_runs.ran_at", "desc")
    .orderBy("automation_runs.id", "desc")
    .limit(limit)
    .execute();
}

/** The group's active agents and admins, the people an "assign in group" action chooses among. */
export async function activeStaffInGroup(db: DbExecutor, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("group_memberships")
    .innerJoin("people", "people.id", "group_memberships.person_id")
    .select("people.id")
    .where("group_memberships.group_id", "=", groupId)
    .where("people.role", "!=", "customer")
    .where("people.deactivated_at", "is", null)
    .execute();
  return rows.map((row) => row.id);
}

/** Tickets each person has that still need them: New and Open (Pending waits on the customer). */
export async function openTicketCounts(db: DbExecutor, personIds: string[]): Promise<Map<string, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("tickets")
    .select(["assignee_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("assignee_id", "in", personIds)
    .where("status", "in", ["new", "open"])
    .groupBy("assignee_id")
    .execute();
  return new Map(rows.map((row) => [row.assignee_id as string, Number(row.n)]));
}

export async function readAssignmentCursor(
  db: DbExecutor,
  groupId: string,
): Promise<{ last_person_id: string | null; version: number }> {
  await db
    .insertInto("group_assignment_cursors")
    .values({ group_id: groupId, last_person_id: null, version: 0 })
    .onConflict((conflict) => conflict.column("group_id").doNothing())
    .execute();
  return db
    .selectFrom("group_assignment_cursors")
    .select(["last_person_id", "version"])
    .where("group_id", "=", groupId)
    .executeTakeFirstOrThrow();
}

/** Compare-and-set: false when another worker moved the cursor since it was read. */
export async function moveAssignmentCursor(
  db: DbExecutor,
  groupId: string,
  readVersion: number,
  personId: string,
): Promise<boolean> {
  const result = await db
    .updateTable("group_assignment_cursors")
    .set({ last_person_id: personId, version: readVersion + 1 })
    .where("group_id", "=", groupId)
    .where("version", "=", readVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
