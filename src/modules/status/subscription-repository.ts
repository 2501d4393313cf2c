import type { Insertable, Selectable } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { StatusSubscribersTable } from "../../db/tables.js";

export type StatusSubscriberRow = Selectable<StatusSubscribersTable>;
export type SubscriberKind = "email" | "webhook";

/** The only SQL of subscriptions and announcements; incidents and maintenance are read here, never written. */
export async function insertSubscriber(
  db: DbExecutor,
  row: Insertable<StatusSubscribersTable>,
  componentIds: readonly string[],
): Promise<void> {
  await db.insertInto("status_subscribers").values(row).execute();
  await replaceSubscriberComponents(db, row.id, componentIds);
}

export async function replaceSubscriberComponents(
  db: DbExecutor,
  subscriberId: string,
  componentIds: readonly string[],
): Promise<void> {
  await db.deleteFrom("status_subscriber_components").where("subscriber_id", "=", subscriberId).execute();
  if (componentIds.length === 0) return;
  await db
    .insertInto("status_subscriber_components")
    .values(componentIds.map((component_id) => ({ subscriber_id: subscriberId, component_id })))
    .execute();
}

export async function setSubscriberScope(
  db: DbExecutor,
  subscriberId: string,
  componentIds: readonly string[],
): Promise<void> {
  await db
    .updateTable("status_subscribers")
    .set({ all_components: componentIds.length === 0 ? 1 : 0 })
    .where("id", "=", subscriberId)
    .execute();
  await replaceSubscriberComponents(db, subscriberId, componentIds);
}

export async function findSubscriberById(
  db: DbExecutor,
  id: string,
): Promise<StatusSubscriberRow | undefined> {
  return db.selectFrom("status_subscribers").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findSubscriberByEmail(
  db: DbExecutor,
  email: string,
): Promise<StatusSubscriberRow | undefined> {
  return db.selectFrom("status_subscribers").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function deleteSubscriber(db: DbExecutor, id: string): Promise<boolean> {
  const result = await db.deleteFrom("status_subscribers").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listSubscriberRows(
  db: DbExecutor,
  options: { kind?: SubscriberKind; after?: { createdAt: string; id: string }; limit: number },
): Promise<StatusSubscriberRow[]> {
  let query = db.selectFrom("status_subscribers").selectAll();
  if (options.kind) query = query.where("kind", "=", options.kind);
  const after = options.after;
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb("created_at", ">", after.createdAt),
        eb.and([eb("created_at", "=", after.createdAt), eb("id", ">", after.id)]),
      ]),
    );
  return query.orderBy("created_at").orderBy("id").limit(options.limit).execute();
}

/** Each subscriber's chosen components; a subscriber for all components has none listed. */
export async function componentIdsOfSubscribers(
  db: DbExecutor,
  subscriberIds: readonly string[],
): Promise<Map<string, string[]>> {
  const chosen = new Map<string, string[]>();
  if (subscriberIds.length === 0) return chosen;
  const rows = await db
    .selectFrom("status_subscriber_components")
    .select(["subscriber_id", "component_id"])
    .where("subscriber_id", "in", subscriberIds)
    .orderBy("component_id")
    .execute();
  for (const row of rows)
    chosen.set(row.subscriber_id, [...(chosen.get(row.subscriber_id) ?? []), row.component_id]);
  return chosen;
}

export async function componentNames(
  db: DbExecutor,
  componentIds: readonly string[],
): Promise<Array<{ id: string; name: string }>> {
  if (componentIds.length === 0) return [];
  return db
    .selectFrom("status_components")
    .select(["id", "name"])
    .where("id", "in", componentIds)
    .orderBy("group_name")
    .orderBy("position")
    .orderBy("name")
    .execute();
}

export async function confirmSubscriber(db: DbExecutor, id: string, at: string): Promise<void> {
  await db
    .updateTable("status_subscribers")
    .set({ confirmed_at: at })
    .where("id", "=", id)
    .where("confirmed_at", "is", null)
    .execute();
}

export async function recordSubscriberDelivery(
  db: DbExecutor,
  id: string,
  at: string,
  answer: string,
): Promise<void> {
  await db
    .updateTable("status_subscribers")
    .set({ last_delivery_at: at, last_delivery_answer: answer.slice(0, 500) })
    .where("id", "=", id)
    .execute();
}

export async function insertConfirmationToken(
  db: DbExecutor,
  row: { token_hash: string; subscriber_id: string; created_at: string; expires_at: string },
): Promise<void> {
  await db
    .insertInto("status_subscription_confirmations")
    .values({ ...row, used_at: null })
    .execute();
}

export async function findConfirmationToken(db: DbExecutor, tokenHash: string) {
  return db
    .selectFrom("status_subscription_confirmations")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** The single-use check: of two racing confirmations, one updates the row. */
export async function spendConfirmationToken(
  db: DbExecutor,
  tokenHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable("status_subscription_confirmations")
    .set({ used_at: at })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The incident as subscribers may see it: public fields only, with its components. */
export async function findIncidentForAnnouncement(db: DbExecutor, id: string) {
  const incident = await db
    .selectFrom("status_incidents")
    .select(["id", "title", "kind", "state", "impact", "published", "started_at", "resolved_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!incident) return undefined;
  const components = await db
    .selectFrom("status_incident_components")
    .innerJoin("status_components", "status_components.id", "status_incident_components.component_id")
    .select(["status_components.id", "status_components.name"])
    .where("status_incident_components.incident_id", "=", id)
    .orderBy("status_components.name")
    .execute();
  return { ...incident, components };
}

/** A public update of the incident; an internal note is never announced, so it reads as missing. */
export async function findPublicIncidentUpdate(db: DbExecutor, incidentId: string, updateId: string) {
  return db
    .selectFrom("status_incident_updates")
    .select(["id", "state", "body", "at"])
    .where("id", "=", updateId)
    .where("incident_id", "=", incidentId)
    .where("visibility", "=", "public")
    .executeTakeFirst();
}

export async function latestPublicIncidentUpdate(db: DbExecutor, incidentId: string) {
  return db
    .selectFrom("status_incident_updates")
    .select(["id", "state", "body", "at"])
    .where("incident_id", "=", incidentId)
    .where("visibility", "=", "public")
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

export async function findMaintenanceForAnnouncement(db: DbExecutor, id: string) {
  const maintenance = await db
    .selectFrom("status_maintenances")
    .select(["id", "title", "description", "starts_at", "ends_at", "cancelled_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!maintenance) return undefined;
  const components = await db
    .selectFrom("status_maintenance_components")
    .innerJoin("status_components", "status_components.id", "status_maintenance_components.component_id")
    .select(["status_components.id", "status_components.name"])
    .where("status_maintenance_components.maintenance_id", "=", id)
    .orderBy("status_components.name")
    .execute();
  return { ...maintenance, components };
}

/** Confirmed subscribers with their chosen components; the announcement job matches them in `subscriber-matching.ts`. */
export async function confirmedSubscribers(db: DbExecutor) {
  const rows = await db
    .selectFrom("status_subscribers")
    .select(["id", "kind", "all_components"])
    .where("confirmed_at", "is not", null)
    .orderBy("id")
    .execute();
  const chosen = await componentIdsOfSubscribers(
    db,
    rows.filter((row) => row.all_components === 0).map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind as SubscriberKind,
    allComponents: row.all_components === 1,
    componentIds: chosen.get(row.id) ?? [],
  }));
}

/** Claims one announcement for one subscriber; false when an earlier run claimed it already. */
export async function claimDelivery(
  db: DbExecutor,
  row: { announcement_key: string; subscriber_id: string; created_at: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto("status_announcement_deliveries")
    .values({ ...row, state: "queued", unsubscribe_token_hash: null, answer: null, sent_at: null })
    .onConflict((conflict) => conflict.columns(["announcement_key", "subscriber_id"]).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findDelivery(db: DbExecutor, announcementKey: string, subscriberId: string) {
  return db
    .selectFrom("status_announcement_deliveries")
    .selectAll()
    .where("announcement_key", "=", announcementKey)
    .where("subscriber_id", "=", subscriberId)
    .executeTakeFirst();
}

export async function updateDelivery(
  db: DbExecutor,
  announcementKey: string,
  subscriberId: string,
  change: { state: string; answer: string; sent_at?: string | null; unsubscribe_token_hash?: string | null },
): Promise<void> {
  await db
    .updateTable("status_announcement_deliveries")
    .set({ ...change, answer: change.answer.slice(0, 500) })
    .where("announcement_key", "=", announcementKey)
    .where("subscriber_id", "=", subscriberId)
    .execute();
}

export async function findSubscriberByUnsubscribeToken(db: DbExecutor, tokenHash: string) {
  return db
    .selectFrom("status_announcement_deliveries")
    .select("subscriber_id")
    .where("unsubscribe_token_hash", "=", tokenHash)
    .executeTakeFirst();
}

export async function existingComponentIds(db: DbExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("status_components").select("id").where("id", "in", ids).execute();
  return new Set(rows.map((row) => row.id));
}
