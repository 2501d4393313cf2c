import type { DbExecutor } from "../../db/database.js";
import type { ChatConnectedChannelsTable, ChatRoutesTable } from "../../db/tables.js";

/** The only chat SQL: stream routes, their deliveries and threads; connected Slack channels. */

export type ChatRouteRow = ChatRoutesTable;
export type ConnectedChannelRow = ChatConnectedChannelsTable;

export async function listChatRoutes(db: DbExecutor): Promise<ChatRouteRow[]> {
  return db.selectFrom("chat_routes").selectAll().orderBy("created_at").orderBy("id").execute();
}

export async function findChatRoute(db: DbExecutor, id: string): Promise<ChatRouteRow | undefined> {
  return db.selectFrom("chat_routes").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertChatRoute(db: DbExecutor, row: ChatRouteRow): Promise<void> {
  await db.insertInto("chat_routes").values(row).execute();
}

export async function updateChatRoute(
  db: DbExecutor,
  id: string,
  columns: Partial<Omit<ChatRouteRow, "id" | "created_at">>,
): Promise<void> {
  await db.updateTable("chat_routes").set(columns).where("id", "=", id).execute();
}

export async function deleteChatRoute(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("chat_routes").where("id", "=", id).execute();
}

/** Claims the delivery of an event to a route; false when a run of the fan-out already did. */
export async function claimChatDelivery(
  db: DbExecutor,
  routeId: string,
  eventId: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .insertInto("chat_deliveries")
    .values({ route_id: routeId, event_id: eventId, delivered_at: null, created_at: now })
    .onConflict((oc) => oc.columns(["route_id", "event_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findChatDelivery(db: DbExecutor, routeId: string, eventId: string) {
  return db
    .selectFrom("chat_deliveries")
    .selectAll()
    .where("route_id", "=", routeId)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
}

export async function markChatDelivered(
  db: DbExecutor,
  routeId: string,
  eventId: string,
  now: string,
): Promise<void> {
  await db
    .updateTable("chat_deliveries")
    .set({ delivered_at: now })
    .where("route_id", "=", routeId)
    .where("event_id", "=", eventId)
    .execute();
}

export async function findTicketThread(
  db: DbExecutor,
  routeId: string,
  ticketId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("chat_ticket_threads")
    .select("message_ts")
    .where("route_id", "=", routeId)
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
  return row?.message_ts;
}

export async function saveTicketThread(
  db: DbExecutor,
  row: { route_id: string; ticket_id: string; message_ts: string },
): Promise<void> {
  await db
    .insertInto("chat_ticket_threads")
    .values(row)
    .onConflict((oc) => oc.columns(["route_id", "ticket_id"]).doNothing())
    .execute();
}

export async function listConnectedChannels(db: DbExecutor): Promise<ConnectedChannelRow[]> {
  return db.selectFrom("chat_connected_channels").selectAll().orderBy("created_at").orderBy("id").execute();
}

export async function findConnectedChannel(
  db: DbExecutor,
  id: string,
): Promise<ConnectedChannelRow | undefined> {
  return db.selectFrom("chat_connected_channels").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findConnectedChannelBySlackId(
  db: DbExecutor,
  slackChannelId: string,
): Promise<ConnectedChannelRow | undefined> {
  return db
    .selectFrom("chat_connected_channels")
    .selectAll()
    .where("slack_channel_id", "=", slackChannelId)
    .executeTakeFirst();
}

export async function insertConnectedChannel(db: DbExecutor, row: ConnectedChannelRow): Promise<void> {
  await db.insertInto("chat_connected_channels").values(row).execute();
}

export async function updateConnectedChannel(
  db: DbExecutor,
  id: string,
  columns: Partial<Omit<ConnectedChannelRow, "id" | "created_at">>,
): Promise<void> {
  await db.updateTable("chat_connected_channels").set(columns).where("id", "=", id).execute();
}

export async function deleteConnectedChannel(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("chat_connected_channels").where("id", "=", id).execute();
}

export async function anyEnabledConnectedChannel(db: DbExecutor): Promise<boolean> {
  const row = await db
    .selectFrom("chat_connected_channels")
    .select("id")
    .where("enabled", "=", 1)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a Slack event id; false when it was seen before (Slack retried the delivery). */
export async function recordSlackEvent(db: DbExecutor, eventId: string, now: string): Promise<boolean> {
  const result = await db
    .insertInto("chat_slack_events")
    .values({ event_id: eventId, received_at: now })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findChatTicketByThread(db: DbExecutor, channelId: string, threadTs: string) {
  return db
    .selectFrom("chat_tickets")
    .innerJoin("tickets", "tickets.id", "chat_tickets.ticket_id")
    .select(["tickets.id", "tickets.number"])
    .where("chat_tickets.channel_id", "=", channelId)
    .where("chat_tickets.thread_ts", "=", threadTs)
    .executeTakeFirst();
}

export async function findChatTicket(db: DbExecutor, ticketId: string) {
  return db
    .selectFrom("chat_tickets")
    .innerJoin("chat_connected_channels", "chat_connected_channels.id", "chat_tickets.channel_id")
    .select([
      "chat_tickets.thread_ts",
      "chat_connected_channels.id as channel_id",
      "chat_connected_channels.slack_channel_id",
      "chat_connected_channels.bot_token",
      "chat_connected_channels.enabled",
    ])
    .where("chat_tickets.ticket_id", "=", ticketId)
    .executeTakeFirst();
}

export async function insertChatTicket(
  db: DbExecutor,
  row: { ticket_id: string; channel_id: string; thread_ts: string },
): Promise<void> {
  await db.insertInto("chat_tickets").values(row).execute();
}

export async function findSlackPerson(db: DbExecutor, slackUserId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("chat_slack_people")
    .select("person_id")
    .where("slack_user_id", "=", slackUserId)
    .executeTakeFirst();
  return row?.person_id;
}

export async function linkSlackPerson(db: DbExecutor, slackUserId: string, personId: string): Promise<void> {
  await db
    .insertInto("chat_slack_people")
    .values({ slack_user_id: slackUserId, person_id: personId })
    .onConflict((oc) => oc.column("slack_user_id").doNothing())
    .execute();
}

export async function countSlackLinksOf(db: DbExecutor, personId: string): Promise<number> {
  const row = await db
    .selectFrom("chat_slack_people")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function unlinkSlackPerson(db: DbExecutor, personId: string): Promise<void> {
  await db.deleteFrom("chat_slack_people").where("person_id", "=", personId).execute();
}
