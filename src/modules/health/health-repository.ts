import { type RawBuilder, sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { TicketHealthFlagsTable, TicketHealthSettingsTable } from "../../db/tables.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import type { HealthFlagKind } from "./health-rules.js";

/**
 * The only ticket health SQL: the settings row, the flags, and the questions the rules ask of a
 * ticket's history. "An agent" is a person whose role is not customer; Tend's own messages (comments
 * on the "system" channel, events without an actor) are nobody's acknowledgement or update.
 */

export type HealthSettingsRow = TicketHealthSettingsTable;
export type HealthFlagRow = TicketHealthFlagsTable;

/**
 * The comment channel of Tend's own messages (the closed-hours acknowledgement): what tells them apart
 * from any person's reply here and in the SLA facts.
 */
export const automaticCommentChannel = "system";

/** The single settings row's key; the migration creates it. */
const settingsId = "desk";

export async function findSettingsRow(db: DbExecutor): Promise<HealthSettingsRow> {
  const row = await db
    .selectFrom("ticket_health_settings")
    .selectAll()
    .where("id", "=", settingsId)
    .executeTakeFirst();
  if (!row) throw new Error("the ticket health settings row is missing; migrations create it");
  return row;
}

export async function updateSettingsRow(
  db: DbExecutor,
  changes: Partial<Omit<HealthSettingsRow, "id">>,
): Promise<void> {
  await db.updateTable("ticket_health_settings").set(changes).where("id", "=", settingsId).execute();
}

/**
 * Marks the start-up defaults as installed, once: true for the one caller that flips the marker. On
 * PostgreSQL a second process starting at the same moment waits on the row and then finds it set.
 */
export async function claimDefaultsInstallation(db: DbExecutor, at: string): Promise<boolean> {
  const result = await db
    .updateTable("ticket_health_settings")
    .set({ defaults_installed_at: at })
    .where("id", "=", settingsId)
    .where("defaults_installed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Inserts a flag unless this condition (ticket, flag, since) was flagged before; true when inserted. */
export async function insertFlagOnce(db: DbExecutor, row: HealthFlagRow): Promise<boolean> {
  const result = await db
    .insertInto("ticket_health_flags")
    .values(row)
    .onConflict((conflict) => conflict.columns(["ticket_id", "flag", "since"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function activeFlagOf(
  db: DbExecutor,
  ticketId: string,
  flag: HealthFlagKind,
): Promise<HealthFlagRow | undefined> {
  return db
    .selectFrom("ticket_health_flags")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .where("flag", "=", flag)
    .where("cleared_at", "is", null)
    .executeTakeFirst();
}

export async function findFlagById(db: DbExecutor, id: string): Promise<HealthFlagRow | undefined> {
  return db.selectFrom("ticket_health_flags").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Clears a flag that is still up; true for the one caller that cleared it. */
export async function clearFlag(db: DbExecutor, id: string, clearedAt: string): Promise<boolean> {
  const result = await db
    .updateTable("ticket_health_flags")
    .set({ cleared_at: clearedAt })
    .where("id", "=", id)
    .where("cleared_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function flagsOfTicket(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<HealthFlagRow[]> {
  return db
    .selectFrom("ticket_health_flags")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .$if(scope.kind !== "all", (query) =>
      query.where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    )
    .orderBy("raised_at")
    .orderBy("id")
    .execute();
}

/** An agent's public reply on ticket `t`, after the description (the first public comment). */
const agentRepliedOnT = sql<boolean>`exists (
  select 1 from comments c join people p on p.id = c.author_id
  where c.ticket_id = t.id and c.visibility = 'public' and c.channel <> ${automaticCommentChannel}
    and p.role <> 'customer'
    and c.id > (select min(d.id) from comments d where d.ticket_id = t.id and d.visibility = 'public'))`;

/** An event on ticket `ticketRef` after `after` by an agent, or one that matches `statusCondition`. */
function agentOrStatusEventAfter(ticketRef: string, after: RawBuilder<unknown>, statusCondition: string) {
  return sql<boolean>`exists (
    select 1 from ticket_events e
    where e.ticket_id = ${sql.ref(ticketRef)} and e.created_at > ${after}
      and ((e.field = 'status' and ${sql.raw(statusCondition)})
        or exists (select 1 from people p where p.id = e.actor_id and p.role <> 'customer')))`;
}

/**
 * Ids of tickets in `status` that arrived by `arrivedBy`, carry no `flag` (only a still-raised one counts
 * when `raisedOnly`) and meet `condition`: one page, in id order after `afterId`.
 */
async function candidatePage(
  db: DbExecutor,
  filter: {
    status: "new" | "open";
    arrivedBy: string;
    flag: HealthFlagKind;
    raisedOnly: boolean;
    condition: RawBuilder<boolean>;
  },
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  let query = db
    .selectFrom("tickets as t")
    .select("t.id")
    .where("t.status", "=", filter.status)
    .where("t.created_at", "<=", filter.arrivedBy)
    .where(({ not, exists, selectFrom }) => {
      let flags = selectFrom("ticket_health_flags as f")
        .select("f.id")
        .whereRef("f.ticket_id", "=", "t.id")
        .where("f.flag", "=", filter.flag);
      if (filter.raisedOnly) flags = flags.where("f.cleared_at", "is", null);
      return not(exists(flags));
    })
    .where(filter.condition);
  if (afterId !== null) query = query.where("t.id", ">", afterId);
  const rows = await query.orderBy("t.id").limit(limit).execute();
  return rows.map((row) => row.id);
}

/**
 * New tickets that arrived by `arrivedBy`, were never flagged unacknowledged, and no agent answered in
 * public: with `arrivedBy` the latest arrival whose deadline has passed, exactly the ones now due.
 */
export function unacknowledgedCandidates(
  db: DbExecutor,
  arrivedBy: string,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  return candidatePage(
    db,
    {
      status: "new",
      arrivedBy,
      flag: "unacknowledged_end_of_day",
      raisedOnly: false,
      condition: sql<boolean>`not ${agentRepliedOnT}`,
    },
    afterId,
    limit,
  );
}

/**
 * Open tickets without a raised idle flag where nothing has happened since `silentSince` that would
 * restart the silence: no agent update and no (re)opening. With `silentSince` the latest start of a
 * silence long enough by now, exactly the ones now due.
 */
export function idleCandidates(
  db: DbExecutor,
  silentSince: string,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  return candidatePage(
    db,
    {
      status: "open",
      arrivedBy: silentSince,
      flag: "open_over_a_day",
      raisedOnly: true,
      condition: sql<boolean>`not ${agentOrStatusEventAfter("t.id", sql`${silentSince}`, "e.to_value = 'open'")}`,
    },
    afterId,
    limit,
  );
}

/** Raised flags whose condition has ended: the ticket was acknowledged, or an agent updated it. */
export async function flagsWhoseConditionEnded(
  db: DbExecutor,
  afterId: string | null,
  limit: number,
): Promise<Pick<HealthFlagRow, "id" | "ticket_id" | "flag" | "since">[]> {
  let query = db
    .selectFrom("ticket_health_flags as f")
    .innerJoin("tickets as t", "t.id", "f.ticket_id")
    .select(["f.id", "f.ticket_id", "f.flag", "f.since"])
    .where("f.cleared_at", "is", null)
    .where(({ and, or, eb }) =>
      or([
        and([
          eb("f.flag", "=", "unacknowledged_end_of_day"),
          or([eb("t.status", "!=", "new"), agentRepliedOnT]),
        ]),
        and([
          eb("f.flag", "=", "open_over_a_day"),
          or([
            eb("t.status", "!=", "open"),
            agentOrStatusEventAfter("f.ticket_id", sql.ref("f.since"), "e.from_value = 'open'"),
          ]),
        ]),
      ]),
    );
  if (afterId !== null) query = query.where("f.id", ">", afterId);
  return query.orderBy("f.id").limit(limit).execute();
}

/** What the health rules read of one ticket; on PostgreSQL the row is locked so a concurrent reply waits. */
export async function findTicketForHealth(db: DbExecutor, dialect: DialectKind, ticketId: string) {
  let query = db
    .selectFrom("tickets")
    .select(["id", "number", "status", "group_id", "assignee_id", "created_at"])
    .where("id", "=", ticketId);
  // NO KEY UPDATE, not FOR UPDATE: see `ticketForClocks` in sla/recompute-ticket-sla.ts.
  if (dialect === "postgres" && db.isTransaction) query = query.forNoKeyUpdate();
  return query.executeTakeFirst();
}

/** The first move out of New, and the first public reply by an agent after the description. */
export async function acknowledgementInstants(
  db: DbExecutor,
  ticketId: string,
): Promise<{ leftNewAt: string | null; firstAgentReplyAt: string | null }> {
  const [leftNew, replies] = await Promise.all([
    db
      .selectFrom("ticket_events")
      .select((eb) => eb.fn.min("created_at").as("at"))
      .where("ticket_id", "=", ticketId)
      .where("kind", "=", "field_changed")
      .where("field", "=", "status")
      .where("from_value", "=", "new")
      .executeTakeFirst(),
    db
      .selectFrom("comments")
      .innerJoin("people", "people.id", "comments.author_id")
      .select(["comments.created_at", "comments.channel", "people.role"])
      .where("comments.ticket_id", "=", ticketId)
      .where("comments.visibility", "=", "public")
      .orderBy("comments.id")
      .execute(),
  ]);
  // The first public comment is the description, whoever wrote it.
  const reply = replies
    .slice(1)
    .find((row) => row.role !== "customer" && row.channel !== automaticCommentChannel);
  return { leftNewAt: leftNew?.at ?? null, firstAgentReplyAt: reply?.created_at ?? null };
}

/** The last time the ticket became Open, and the last thing an agent did on it. */
export async function idleInstants(
  db: DbExecutor,
  ticketId: string,
): Promise<{ lastOpenedAt: string | null; lastAgentUpdateAt: string | null }> {
  const [opened, update] = await Promise.all([
    db
      .selectFrom("ticket_events")
      .select((eb) => eb.fn.max("created_at").as("at"))
      .where("ticket_id", "=", ticketId)
      .where("field", "=", "status")
      .where("to_value", "=", "open")
      .executeTakeFirst(),
    db
      .selectFrom("ticket_events")
      .innerJoin("people", "people.id", "ticket_events.actor_id")
      .select((eb) => eb.fn.max("ticket_events.created_at").as("at"))
      .where("ticket_events.ticket_id", "=", ticketId)
      .where("people.role", "!=", "customer")
      .executeTakeFirst(),
  ]);
  return { lastOpenedAt: opened?.at ?? null, lastAgentUpdateAt: update?.at ?? null };
}

/** When a silence that began at `since` ended: the first agent update, or the ticket leaving Open. */
export async function silenceEndedAt(
  db: DbExecutor,
  ticketId: string,
  since: string,
): Promise<string | null> {
  const row = await db
    .selectFrom("ticket_events")
    .leftJoin("people", "people.id", "ticket_events.actor_id")
    .select((eb) => eb.fn.min("ticket_events.created_at").as("at"))
    .where("ticket_events.ticket_id", "=", ticketId)
    .where("ticket_events.created_at", ">", since)
    .where((eb) =>
      eb.or([
        eb.and([eb("ticket_events.field", "=", "status"), eb("ticket_events.from_value", "=", "open")]),
        eb.and([eb("people.id", "is not", null), eb("people.role", "!=", "customer")]),
      ]),
    )
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function findTicketIdByNumber(
  db: DbExecutor,
  scope: TenantScope,
  number: number,
): Promise<string | undefined> {
  const row = await ticketsIn(db, scope).select("id").where("number", "=", number).executeTakeFirst();
  return row?.id;
}
