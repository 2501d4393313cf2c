import { type SqlBool, sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { HandoffDebriefItemsTable, HandoffDebriefsTable } from "../../db/tables.js";

export type DebriefRow = HandoffDebriefsTable;
export type DebriefItemRow = HandoffDebriefItemsTable;

export interface DebriefListQuery {
  scheduleId?: string;
  /** Outgoing or incoming. */
  personId?: string;
  status?: string;
  text?: string;
  /** The last row of the previous page: its handoff instant and id. */
  after?: { handoffAt: string; id: string };
  limit: number;
}

/**
 * Creates the debrief unless one exists for its schedule and handoff: the unique pair decides,
 * so two schedulers preparing the same handoff make one. False when it was already there.
 */
export async function insertDebriefOnce(
  db: DbExecutor,
  debrief: DebriefRow,
  items: DebriefItemRow[],
): Promise<boolean> {
  const result = await db
    .insertInto("handoff_debriefs")
    .values(debrief)
    .onConflict((oc) => oc.columns(["schedule_id", "handoff_at"]).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  if (items.length > 0) await db.insertInto("handoff_debrief_items").values(items).execute();
  return true;
}

export async function findDebriefById(db: DbExecutor, id: string): Promise<DebriefRow | undefined> {
  return db.selectFrom("handoff_debriefs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findDebriefByHandoff(
  db: DbExecutor,
  scheduleId: string,
  handoffAt: string,
): Promise<DebriefRow | undefined> {
  return db
    .selectFrom("handoff_debriefs")
    .selectAll()
    .where("schedule_id", "=", scheduleId)
    .where("handoff_at", "=", handoffAt)
    .executeTakeFirst();
}

export async function listDebriefItemRows(db: DbExecutor, debriefIds: string[]): Promise<DebriefItemRow[]> {
  if (debriefIds.length === 0) return [];
  return db
    .selectFrom("handoff_debrief_items")
    .selectAll()
    .where("debrief_id", "in", debriefIds)
    .orderBy("debrief_id")
    .orderBy("position")
    .execute();
}

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The newest handoffs first; text matches the notes and the subjects listed, case-insensitively. */
export async function listDebriefRows(db: DbExecutor, query: DebriefListQuery): Promise<DebriefRow[]> {
  let select = db.selectFrom("handoff_debriefs").selectAll();
  if (query.scheduleId) select = select.where("schedule_id", "=", query.scheduleId);
  if (query.status) select = select.where("status", "=", query.status);
  const personId = query.personId;
  if (personId)
    select = select.where((eb) =>
      eb.or([eb("outgoing_person_id", "=", personId), eb("incoming_person_id", "=", personId)]),
    );
  if (query.text) {
    const pattern = likePattern(query.text);
    const matches = (column: string) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    select = select.where((eb) =>
      eb.or([
        matches("handoff_debriefs.overall_notes"),
        eb.exists(
          eb
            .selectFrom("handoff_debrief_items")
            .select("handoff_debrief_items.ticket_id")
            .whereRef("handoff_debrief_items.debrief_id", "=", "handoff_debriefs.id")
            .where((inner) =>
              inner.or([
                matches("handoff_debrief_items.notes"),
                matches("handoff_debrief_items.ticket_subject"),
              ]),
            ),
        ),
      ]),
    );
  }
  const after = query.after;
  if (after)
    select = select.where((eb) =>
      eb.or([
        eb("handoff_at", "<", after.handoffAt),
        eb.and([eb("handoff_at", "=", after.handoffAt), eb("id", "<", after.id)]),
      ]),
    );
  return select.orderBy("handoff_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export async function updateDebriefNotes(
  db: DbExecutor,
  id: string,
  readVersion: number,
  changes: Pick<DebriefRow, "overall_notes" | "reassign_mode" | "version">,
): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debriefs")
    .set(changes)
    .where("id", "=", id)
    .where("version", "=", readVersion)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateItemNotes(
  db: DbExecutor,
  debriefId: string,
  ticketId: string,
  notes: string,
): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debrief_items")
    .set({ notes })
    .where("debrief_id", "=", debriefId)
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Prepared → completed, by compare-and-set: false when someone completed or acknowledged it first. */
export async function markDebriefCompleted(db: DbExecutor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debriefs")
    .set((eb) => ({ status: "completed", completed_at: at, version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .where("status", "=", "prepared")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** → acknowledged, once: the compare-and-set that makes a second acknowledgement a conflict. */
export async function markDebriefAcknowledged(
  db: DbExecutor,
  id: string,
  at: string,
  by: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debriefs")
    .set((eb) => ({
      status: "acknowledged",
      acknowledged_at: at,
      acknowledged_by: by,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", id)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setItemOutcome(
  db: DbExecutor,
  debriefId: string,
  ticketId: string,
  outcome: string,
): Promise<void> {
  await db
    .updateTable("handoff_debrief_items")
    .set({ outcome })
    .where("debrief_id", "=", debriefId)
    .where("ticket_id", "=", ticketId)
    .execute();
}

/** Handed off before `handedOffBy`, still unacknowledged, the lead not yet told: the sweep's candidates. */
export async function listUnacknowledgedDebriefs(db: DbExecutor, handedOffBy: string): Promise<DebriefRow[]> {
  return db
    .selectFrom("handoff_debriefs")
    .selectAll()
    .where("acknowledged_at", "is", null)
    .where("lead_notified_at", "is", null)
    .where("handoff_at", "<=", handedOffBy)
    .orderBy("handoff_at")
    .execute();
}

/** Claims the lead's notification: true for exactly one caller however many sweeps run. */
export async function claimLeadNotification(db: DbExecutor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debriefs")
    .set({ lead_notified_at: at })
    .where("id", "=", id)
    .where("lead_notified_at", "is", null)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Read in slices: an erased agent may have written on more tickets than a statement may bind. */
export async function listItemsOfTickets(db: DbExecutor, ticketIds: string[]): Promise<DebriefItemRow[]> {
  const items: DebriefItemRow[] = [];
  for (let start = 0; start < ticketIds.length; start += 1000) {
    const slice = ticketIds.slice(start, start + 1000);
    items.push(
      ...(await db.selectFrom("handoff_debrief_items").selectAll().where("ticket_id", "in", slice).execute()),
    );
  }
  return items;
}

export async function replaceItemContent(
  db: DbExecutor,
  item: Pick<DebriefItemRow, "debrief_id" | "ticket_id" | "ticket_subject" | "snapshot">,
): Promise<void> {
  await db
    .updateTable("handoff_debrief_items")
    .set({ ticket_subject: item.ticket_subject, snapshot: item.snapshot })
    .where("debrief_id", "=", item.debrief_id)
    .where("ticket_id", "=", item.ticket_id)
    .execute();
}

/** Marks the support lead mailed of a debrief, once: a second job finds it set and sends nothing. */
export async function markLeadMailed(db: DbExecutor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("handoff_debriefs")
    .set({ lead_mailed_at: at })
    .where("id", "=", id)
    .where("lead_mailed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
