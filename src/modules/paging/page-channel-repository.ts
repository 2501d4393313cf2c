import type { DbExecutor } from "../../db/database.js";
import type { PageSlackRepliesTable, PersonPageWebhooksTable } from "../../db/tables.js";

/** The SQL of the channels a page reaches besides mail: people's own webhooks and Slack replies. */

export type PersonPageWebhookRow = PersonPageWebhooksTable;
export type PageSlackReplyRow = PageSlackRepliesTable;

export async function findPersonPageWebhook(
  db: DbExecutor,
  personId: string,
): Promise<PersonPageWebhookRow | undefined> {
  return db
    .selectFrom("person_page_webhooks")
    .selectAll()
    .where("person_id", "=", personId)
    .executeTakeFirst();
}

/** Which of these people have a webhook: the escalation step enqueues a delivery for each. */
export async function personIdsWithPageWebhooks(
  db: DbExecutor,
  personIds: readonly string[],
): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("person_page_webhooks")
    .select("person_id")
    .where("person_id", "in", [...personIds])
    .execute();
  return new Set(rows.map((row) => row.person_id));
}

export async function savePersonPageWebhook(db: DbExecutor, row: PersonPageWebhookRow): Promise<void> {
  await db
    .insertInto("person_page_webhooks")
    .values(row)
    .onConflict((oc) => oc.column("person_id").doUpdateSet({ url: row.url, updated_at: row.updated_at }))
    .execute();
}

export async function deletePersonPageWebhook(db: DbExecutor, personId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("person_page_webhooks")
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertPageSlackReply(db: DbExecutor, row: PageSlackReplyRow): Promise<void> {
  await db.insertInto("page_slack_replies").values(row).execute();
}

export async function findPageSlackReply(
  db: DbExecutor,
  pageId: string,
): Promise<PageSlackReplyRow | undefined> {
  return db.selectFrom("page_slack_replies").selectAll().where("page_id", "=", pageId).executeTakeFirst();
}
