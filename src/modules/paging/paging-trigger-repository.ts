import type { DbExecutor } from "../../db/database.js";
import type { PagingTriggerFiringsTable, PagingTriggersTable } from "../../db/tables.js";

export type PagingTriggerRow = PagingTriggersTable;
export type PagingTriggerFiringRow = PagingTriggerFiringsTable;

/** A trigger with the name of the policy it pages, as its presenter shows it. */
export type PagingTriggerListRow = PagingTriggerRow & { policy_name: string };

function triggersWithPolicy(db: DbExecutor) {
  return db
    .selectFrom("paging_triggers")
    .innerJoin("escalation_policies", "escalation_policies.id", "paging_triggers.policy_id")
    .selectAll("paging_triggers")
    .select("escalation_policies.name as policy_name");
}

export async function listTriggerRows(db: DbExecutor): Promise<PagingTriggerListRow[]> {
  return triggersWithPolicy(db).orderBy("paging_triggers.kind").orderBy("escalation_policies.name").execute();
}

export async function findTriggerById(db: DbExecutor, id: string): Promise<PagingTriggerListRow | undefined> {
  return triggersWithPolicy(db).where("paging_triggers.id", "=", id).executeTakeFirst();
}

export async function findTriggerByKindAndPolicy(
  db: DbExecutor,
  kind: string,
  policyId: string,
): Promise<PagingTriggerRow | undefined> {
  return db
    .selectFrom("paging_triggers")
    .selectAll()
    .where("kind", "=", kind)
    .where("policy_id", "=", policyId)
    .executeTakeFirst();
}

/** The triggers an occasion of `kind` fires now; read inside the occasion's own transaction. */
export async function enabledTriggerIds(db: DbExecutor, kind: string): Promise<string[]> {
  const rows = await db
    .selectFrom("paging_triggers")
    .select("id")
    .where("kind", "=", kind)
    .where("enabled", "=", 1)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

export async function insertTrigger(db: DbExecutor, row: PagingTriggerRow): Promise<void> {
  await db.insertInto("paging_triggers").values(row).execute();
}

export async function updateTriggerRow(db: DbExecutor, row: PagingTriggerRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("paging_triggers").set(changes).where("id", "=", id).execute();
}

export async function deleteTriggerRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("paging_triggers").where("id", "=", id).execute();
}

/** The triggers that page a policy: it cannot be deleted while they would page nobody. */
export async function triggersOfPolicy(db: DbExecutor, policyId: string): Promise<PagingTriggerRow[]> {
  return db.selectFrom("paging_triggers").selectAll().where("policy_id", "=", policyId).execute();
}

/**
 * What a firing is keyed on: a trigger's occasion on a ticket (`paging_trigger_firings`), or a
 * status incident's opening (`status_incident_trigger_firings`).
 */
export type FiringKey =
  | Pick<PagingTriggerFiringRow, "trigger_id" | "ticket_id" | "occasion">
  | { trigger_id: string; incident_id: string };

/**
 * Claims a trigger's occasion, unless a firing claimed it first: the primary key, not a read
 * before the write, is what keeps a re-run job or a clock breached again to one page.
 */
export async function claimFiring(db: DbExecutor, key: FiringKey, firedAt: string): Promise<boolean> {
  const insert =
    "incident_id" in key
      ? db
          .insertInto("status_incident_trigger_firings")
          .values({ ...key, page_id: null, fired_at: firedAt })
          .onConflict((oc) => oc.columns(["trigger_id", "incident_id"]).doNothing())
      : db
          .insertInto("paging_trigger_firings")
          .values({ ...key, page_id: null, fired_at: firedAt })
          .onConflict((oc) => oc.columns(["trigger_id", "ticket_id", "occasion"]).doNothing());
  const result = await insert.executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function recordFiringPage(db: DbExecutor, key: FiringKey, pageId: string): Promise<void> {
  const update =
    "incident_id" in key
      ? db
          .updateTable("status_incident_trigger_firings")
          .set({ page_id: pageId })
          .where("trigger_id", "=", key.trigger_id)
          .where("incident_id", "=", key.incident_id)
      : db
          .updateTable("paging_trigger_firings")
          .set({ page_id: pageId })
          .where("trigger_id", "=", key.trigger_id)
          .where("ticket_id", "=", key.ticket_id)
          .where("occasion", "=", key.occasion);
  await update.execute();
}

/** Whether the status incident a trigger fires for still exists (read from the status module's table). */
export async function statusIncidentExists(db: DbExecutor, incidentId: string): Promise<boolean> {
  const row = await db
    .selectFrom("status_incidents")
    .select("id")
    .where("id", "=", incidentId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The pages triggers opened for these tickets: they quote the ticket's subject. */
export async function triggeredPagesOfTickets(
  db: DbExecutor,
  ticketIds: string[],
): Promise<{ id: string; title: string; details: string }[]> {
  if (ticketIds.length === 0) return [];
  return db
    .selectFrom("paging_trigger_firings")
    .innerJoin("pages", "pages.id", "paging_trigger_firings.page_id")
    .select(["pages.id", "pages.title", "pages.details"])
    .where("paging_trigger_firings.ticket_id", "in", ticketIds)
    .distinct()
    .execute();
}

export async function replacePageText(
  db: DbExecutor,
  pageId: string,
  text: { title: string; details: string },
): Promise<void> {
  await db.updateTable("pages").set(text).where("id", "=", pageId).execute();
}
