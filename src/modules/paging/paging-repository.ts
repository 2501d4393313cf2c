import type { ExpressionBuilder } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  EscalationPoliciesTable,
  PageActionTokensTable,
  PageEventsTable,
  PagesTable,
  Tables,
} from "../../db/tables.js";

export type EscalationPolicyRow = EscalationPoliciesTable;
export type PageRow = PagesTable;
export type PageEventRow = PageEventsTable;
export type PageActionTokenRow = PageActionTokensTable;
export type PageStatus = "open" | "acknowledged" | "resolved";

export async function listPolicyRows(db: DbExecutor): Promise<EscalationPolicyRow[]> {
  return db.selectFrom("escalation_policies").selectAll().orderBy("name").execute();
}

export async function findPolicyById(db: DbExecutor, id: string): Promise<EscalationPolicyRow | undefined> {
  return db.selectFrom("escalation_policies").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findPolicyByName(
  db: DbExecutor,
  name: string,
): Promise<EscalationPolicyRow | undefined> {
  return db.selectFrom("escalation_policies").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function insertPolicy(db: DbExecutor, row: EscalationPolicyRow): Promise<void> {
  await db.insertInto("escalation_policies").values(row).execute();
}

export async function updatePolicyRow(db: DbExecutor, row: EscalationPolicyRow): Promise<void> {
  await db
    .updateTable("escalation_policies")
    .set({
      name: row.name,
      definition: row.definition,
      chat_webhook_url: row.chat_webhook_url,
      updated_at: row.updated_at,
    })
    .where("id", "=", row.id)
    .execute();
}

export async function deletePolicyRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("escalation_policies").where("id", "=", id).execute();
}

export async function policyHasPages(db: DbExecutor, id: string): Promise<boolean> {
  const row = await db.selectFrom("pages").select("id").where("policy_id", "=", id).executeTakeFirst();
  return row !== undefined;
}

export async function insertPage(db: DbExecutor, row: PageRow): Promise<void> {
  await db.insertInto("pages").values(row).execute();
}

/**
 * A page with what its presenter names: the ticket's number, the policy's name, and who opened,
 * acknowledged or resolved it when that was no Tend account (a Slack user, a paging trigger).
 */
export type PageListRow = PageRow & {
  ticket_number: number | null;
  policy_name: string;
  opened_by_actor: string | null;
  acknowledged_by_actor: string | null;
  resolved_by_actor: string | null;
};

function pagesWithNames(db: DbExecutor) {
  // The event's own record of who acted: `pages` keeps person ids only.
  const actorOf = (eb: ExpressionBuilder<Tables, "pages">, kind: "opened" | "acknowledged" | "resolved") =>
    eb
      .selectFrom("page_events")
      .select("page_events.actor")
      .whereRef("page_events.page_id", "=", "pages.id")
      .where("page_events.kind", "=", kind)
      .where("page_events.person_id", "is", null)
      .orderBy("page_events.at")
      .limit(1);
  return db
    .selectFrom("pages")
    .innerJoin("escalation_policies", "escalation_policies.id", "pages.policy_id")
    .leftJoin("tickets", "tickets.id", "pages.ticket_id")
    .selectAll("pages")
    .select((eb) => [
      "tickets.number as ticket_number",
      "escalation_policies.name as policy_name",
      actorOf(eb, "opened").as("opened_by_actor"),
      actorOf(eb, "acknowledged").as("acknowledged_by_actor"),
      actorOf(eb, "resolved").as("resolved_by_actor"),
    ]);
}

export async function findPageById(db: DbExecutor, id: string): Promise<PageListRow | undefined> {
  return pagesWithNames(db).where("pages.id", "=", id).executeTakeFirst();
}

/** Where a page sorts in the list: open first, then acknowledged, then resolved. */
export const pageStatusRank: Record<PageStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** The last page of a list page, in the list's order: the next list page starts after it. */
export interface PageListPosition {
  statusRank: number;
  openedAt: string;
  id: string;
}

/** Open pages first, then acknowledged, then resolved; newest first within each; after `after` if given. */
export async function listPageRows(
  db: DbExecutor,
  limit: number,
  after?: PageListPosition,
): Promise<PageListRow[]> {
  const statusRank = (eb: ExpressionBuilder<Tables, "pages">) =>
    eb
      .case()
      .when("pages.status", "=", "open")
      .then(pageStatusRank.open)
      .when("pages.status", "=", "acknowledged")
      .then(pageStatusRank.acknowledged)
      .else(pageStatusRank.resolved)
      .end();
  let select = pagesWithNames(db);
  if (after)
    select = select.where((eb) =>
      eb.or([
        eb(statusRank(eb), ">", after.statusRank),
        eb.and([eb(statusRank(eb), "=", after.statusRank), eb("pages.opened_at", "<", after.openedAt)]),
        eb.and([
          eb(statusRank(eb), "=", after.statusRank),
          eb("pages.opened_at", "=", after.openedAt),
          eb("pages.id", "<", after.id),
        ]),
      ]),
    );
  return select
    .orderBy(statusRank)
    .orderBy("pages.opened_at", "desc")
    .orderBy("pages.id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Moves a page on from the statuses it may leave, as a compare-and-set: of an acknowledgement and
 * a resolution racing, each lands once and a late acknowledgement never reopens a resolved page.
 */
export async function changePageStatus(
  db: DbExecutor,
  id: string,
  from: readonly PageStatus[],
  change: Partial<
    Pick<PageRow, "status" | "acknowledged_by" | "acknowledged_at" | "resolved_by" | "resolved_at">
  >,
): Promise<boolean> {
  const result = await db
    .updateTable("pages")
    .set(change)
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts a step notified, if nobody counted it first: a re-run step job finds it done. */
export async function claimStep(db: DbExecutor, id: string, done: number): Promise<boolean> {
  const result = await db
    .updateTable("pages")
    .set({ steps_done: done + 1 })
    .where("id", "=", id)
    .where("steps_done", "=", done)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertPageEvents(db: DbExecutor, rows: PageEventRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("page_events").values(rows).execute();
}

export async function listPageEvents(db: DbExecutor, pageId: string): Promise<PageEventRow[]> {
  return db
    .selectFrom("page_events")
    .selectAll()
    .where("page_id", "=", pageId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

export async function insertActionTokens(db: DbExecutor, rows: PageActionTokenRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("page_action_tokens").values(rows).execute();
}

export async function findActionToken(db: DbExecutor, hash: string): Promise<PageActionTokenRow | undefined> {
  return db.selectFrom("page_action_tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
}

/** Spends a link; false when another request spent it first. */
export async function spendActionToken(db: DbExecutor, hash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("page_action_tokens")
    .set({ used_at: at })
    .where("token_hash", "=", hash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
