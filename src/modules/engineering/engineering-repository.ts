import type { DbExecutor } from "../../db/database.js";
import type {
  GithubSettingsTable,
  GithubWebhookDeliveriesTable,
  TicketEngineeringTable,
} from "../../db/tables.js";

/** The only SQL of engineering escalation: the GitHub settings, tickets' links, webhook deliveries. */

export type GithubSettingsRow = GithubSettingsTable;
export type TicketEngineeringRow = TicketEngineeringTable;

const settingsId = "desk";

export async function findGithubSettingsRow(db: DbExecutor): Promise<GithubSettingsRow | undefined> {
  return db.selectFrom("github_settings").selectAll().where("id", "=", settingsId).executeTakeFirst();
}

export async function saveGithubSettingsRow(
  db: DbExecutor,
  row: Omit<GithubSettingsRow, "id">,
): Promise<void> {
  await db
    .insertInto("github_settings")
    .values({ id: settingsId, ...row })
    .onConflict((conflict) => conflict.column("id").doUpdateSet(row))
    .execute();
}

export async function findTicketEngineering(
  db: DbExecutor,
  ticketId: string,
): Promise<TicketEngineeringRow | undefined> {
  return db.selectFrom("ticket_engineering").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export const noEngineering = (ticketId: string): TicketEngineeringRow => ({
  ticket_id: ticketId,
  needs_engineering: 0,
  marked_by: null,
  marked_at: null,
  issue_key: null,
  issue_repository: null,
  issue_number: null,
  issue_url: null,
  issue_state: null,
  issue_title: null,
  issue_labels: null,
  linked_by: null,
  linked_at: null,
  issue_synced_at: null,
});

export async function saveTicketEngineering(db: DbExecutor, row: TicketEngineeringRow): Promise<void> {
  const { ticket_id: _key, ...columns } = row;
  await db
    .insertInto("ticket_engineering")
    .values(row)
    .onConflict((conflict) => conflict.column("ticket_id").doUpdateSet(columns))
    .execute();
}

/** Every ticket waiting on one issue: many customers may hit the same bug. */
export async function ticketsLinkedToIssue(
  db: DbExecutor,
  issueKey: string,
): Promise<TicketEngineeringRow[]> {
  return db
    .selectFrom("ticket_engineering")
    .selectAll()
    .where("issue_key", "=", issueKey)
    .orderBy("ticket_id")
    .execute();
}

/** Remembers a delivery id; false when it was seen before (GitHub's redelivery, or a replay). */
export async function recordWebhookDelivery(
  db: DbExecutor,
  row: GithubWebhookDeliveriesTable,
): Promise<boolean> {
  const result = await db
    .insertInto("github_webhook_deliveries")
    .values(row)
    .onConflict((conflict) => conflict.column("delivery_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
