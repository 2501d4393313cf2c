import type { Insertable, Selectable, Updateable } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  WebhookDeliveriesTable,
  WebhookDeliveryAttemptsTable,
  WebhookEndpointsTable,
} from "../../db/tables.js";

/** The only outgoing-webhook SQL. Endpoints are the desk's own configuration: no tenant data here. */
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;

export async function insertEndpoint(db: DbExecutor, row: Insertable<WebhookEndpointsTable>): Promise<void> {
  await db.insertInto("webhook_endpoints").values(row).execute();
}

export async function findEndpoint(db: DbExecutor, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listEndpointRows(
  db: DbExecutor,
  page: { after?: { createdAt: string; id: string }; limit: number },
): Promise<WebhookEndpointRow[]> {
  let query = db.selectFrom("webhook_endpoints").selectAll();
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where((eb) =>
      eb.or([
        eb("created_at", ">", createdAt),
        eb.and([eb("created_at", "=", createdAt), eb("id", ">", id)]),
      ]),
    );
  }
  return query.orderBy("created_at").orderBy("id").limit(page.limit).execute();
}

export async function enabledEndpoints(db: DbExecutor): Promise<WebhookEndpointRow[]> {
  return db.selectFrom("webhook_endpoints").selectAll().where("enabled", "=", 1).execute();
}

export async function updateEndpoint(
  db: DbExecutor,
  id: string,
  patch: Updateable<WebhookEndpointsTable>,
): Promise<void> {
  await db.updateTable("webhook_endpoints").set(patch).where("id", "=", id).execute();
}

export async function deleteEndpoint(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
}

/** One delivery per (endpoint, event): false when a run before this one claimed it already. */
export async function claimDelivery(
  db: DbExecutor,
  row: Insertable<WebhookDeliveriesTable>,
): Promise<boolean> {
  const inserted = await db
    .insertInto("webhook_deliveries")
    .values(row)
    .onConflict((conflict) => conflict.columns(["endpoint_id", "event_id"]).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findDeliveryRow(db: DbExecutor, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateDeliveryRow(
  db: DbExecutor,
  id: string,
  patch: Updateable<WebhookDeliveriesTable>,
): Promise<void> {
  await db.updateTable("webhook_deliveries").set(patch).where("id", "=", id).execute();
}

/** An endpoint's deliveries, newest first, a keyset page at a time. */
export async function listDeliveryRows(
  db: DbExecutor,
  endpointId: string,
  page: { before?: { createdAt: string; id: string }; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", endpointId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) =>
      eb.or([
        eb("created_at", "<", createdAt),
        eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)]),
      ]),
    );
  }
  return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(page.limit).execute();
}

export async function insertAttempt(
  db: DbExecutor,
  row: Insertable<WebhookDeliveryAttemptsTable>,
): Promise<void> {
  await db.insertInto("webhook_delivery_attempts").values(row).execute();
}

export async function attemptsOf(
  db: DbExecutor,
  deliveryIds: readonly string[],
): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom("webhook_delivery_attempts")
    .selectAll()
    .where("delivery_id", "in", deliveryIds)
    .orderBy("delivery_id")
    .orderBy("attempt")
    .execute();
}
