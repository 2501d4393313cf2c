import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  FrequentQuestionGroupsTable,
  FrequentQuestionMembersTable,
  FrequentQuestionRunsTable,
} from "../../db/tables.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import { questionTextLimit } from "./question-terms.js";

/** The only frequent-question SQL: the tickets the job reads, and the runs, groups and members it stores. */

export type FrequentQuestionRunRow = FrequentQuestionRunsTable;
export type FrequentQuestionGroupRow = FrequentQuestionGroupsTable;

export interface RecentQuestionRow {
  id: string;
  subject: string;
  first_message: string | null;
}

/** Tickets created since `since`, with the start of their first message (the question as asked). */
export async function recentQuestions(
  db: DbExecutor,
  scope: TenantScope,
  since: string,
): Promise<RecentQuestionRow[]> {
  return ticketsIn(db, scope)
    .select((eb) => [
      "tickets.id",
      "tickets.subject",
      eb
        .selectFrom("comments")
        .select(sql<string>`substr(comments.body_text, 1, ${questionTextLimit})`.as("body"))
        .whereRef("comments.ticket_id", "=", "tickets.id")
        .orderBy("comments.id")
        .limit(1)
        .as("first_message"),
    ])
    .where("tickets.created_at", ">=", since)
    .orderBy("tickets.created_at")
    .orderBy("tickets.id")
    .execute();
}

export async function insertRun(db: DbExecutor, row: FrequentQuestionRunRow): Promise<void> {
  await db.insertInto("frequent_question_runs").values(row).execute();
}

// SQLite allows 32,766 bound values a statement: 500 rows of a few columns stay far below it.
const rowsPerInsert = 500;

export async function insertGroups(db: DbExecutor, rows: FrequentQuestionGroupRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerInsert)
    await db
      .insertInto("frequent_question_groups")
      .values(rows.slice(start, start + rowsPerInsert))
      .execute();
}

export async function insertMembers(db: DbExecutor, rows: FrequentQuestionMembersTable[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerInsert)
    await db
      .insertInto("frequent_question_members")
      .values(rows.slice(start, start + rowsPerInsert))
      .execute();
}

/** Earlier runs go once a new one is stored: only the latest result is read. */
export async function deleteRunsExcept(db: DbExecutor, runId: string): Promise<void> {
  await db.deleteFrom("frequent_question_runs").where("id", "!=", runId).execute();
}

export async function latestRun(db: DbExecutor): Promise<FrequentQuestionRunRow | undefined> {
  return db
    .selectFrom("frequent_question_runs")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function groupsOfRun(db: DbExecutor, runId: string): Promise<FrequentQuestionGroupRow[]> {
  return db
    .selectFrom("frequent_question_groups")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("position")
    .execute();
}

export async function findGroup(db: DbExecutor, id: string): Promise<FrequentQuestionGroupRow | undefined> {
  return db.selectFrom("frequent_question_groups").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Only while no article is linked yet: two writers drafting from one group get one article. */
export async function linkGroupToArticle(
  db: DbExecutor,
  groupId: string,
  articleId: string,
  coverage: "search" | "drafted",
): Promise<boolean> {
  const result = await db
    .updateTable("frequent_question_groups")
    .set({ article_id: articleId, coverage })
    .where("id", "=", groupId)
    .where((eb) => eb.or([eb("coverage", "is", null), eb("coverage", "!=", "drafted")]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Groups of the stored run an article was drafted from, with their members: carried to the next run. */
export async function draftedGroupMembers(
  db: DbExecutor,
): Promise<{ articleId: string; ticketIds: Set<string> }[]> {
  const rows = await db
    .selectFrom("frequent_question_groups as g")
    .innerJoin("frequent_question_members as m", "m.group_id", "g.id")
    .select(["g.id", "g.article_id", "m.ticket_id"])
    .where("g.coverage", "=", "drafted")
    .where("g.article_id", "is not", null)
    .execute();
  const groups = new Map<string, { articleId: string; ticketIds: Set<string> }>();
  for (const row of rows) {
    const group = groups.get(row.id) ?? { articleId: row.article_id as string, ticketIds: new Set() };
    group.ticketIds.add(row.ticket_id);
    groups.set(row.id, group);
  }
  return [...groups.values()];
}

export interface GroupExampleRow {
  group_id: string;
  position: number;
  ticket_id: string;
  number: number;
  subject: string;
}

/** Each group's most typical tickets the scope may see, most typical first. */
export async function groupExamples(
  db: DbExecutor,
  scope: TenantScope,
  groupIds: string[],
  perGroup: number,
): Promise<GroupExampleRow[]> {
  if (groupIds.length === 0) return [];
  return ticketsIn(db, scope)
    .innerJoin("frequent_question_members as m", "m.ticket_id", "tickets.id")
    .select(["m.group_id", "m.position", "m.ticket_id", "tickets.number", "tickets.subject"])
    .where("m.group_id", "in", groupIds)
    .where("m.position", "<", perGroup)
    .orderBy("m.group_id")
    .orderBy("m.position")
    .execute();
}

/** A group's member tickets the scope may see, most typical first. */
export async function groupMemberIds(
  db: DbExecutor,
  scope: TenantScope,
  groupId: string,
  limit: number,
): Promise<string[]> {
  const rows = await ticketsIn(db, scope)
    .innerJoin("frequent_question_members as m", "m.ticket_id", "tickets.id")
    .select("tickets.id")
    .where("m.group_id", "=", groupId)
    .orderBy("m.position")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

export interface AgentReplyRow {
  ticket_id: string;
  solved_at: string | null;
  rated_good: number;
  comment_id: string | null;
  body_text: string | null;
  created_at: string | null;
}

/**
 * The tickets' public replies by staff, oldest first, with each ticket's solve and whether its
 * requester rated it Good; a ticket no agent answered comes back once with no reply. Automatic
 * replies (the `system` channel, such as the closed-hours acknowledgement) answer nothing.
 */
export async function agentRepliesOf(
  db: DbExecutor,
  scope: TenantScope,
  ticketIds: string[],
): Promise<AgentReplyRow[]> {
  if (ticketIds.length === 0) return [];
  return ticketsIn(db, scope)
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("comments")
          .innerJoin("people", "people.id", "comments.author_id")
          .select(["comments.id", "comments.ticket_id", "comments.body_text", "comments.created_at"])
          .where("comments.visibility", "=", "public")
          .where("comments.channel", "!=", "system")
          .where("people.role", "in", ["agent", "admin"])
          .as("reply"),
      (join) => join.onRef("reply.ticket_id", "=", "tickets.id"),
    )
    .select((eb) => [
      "tickets.id as ticket_id",
      "tickets.solved_at",
      eb
        .case()
        .when(
          eb.exists(
            eb
              .selectFrom("satisfaction_surveys as s")
              .select("s.id")
              .whereRef("s.ticket_id", "=", "tickets.id")
              .where("s.rating", "=", "good"),
          ),
        )
        .then(1)
        .else(0)
        .end()
        .as("rated_good"),
      "reply.id as comment_id",
      "reply.body_text",
      "reply.created_at",
    ])
    .where("tickets.id", "in", ticketIds)
    .orderBy("tickets.id")
    .orderBy("reply.created_at")
    .orderBy("reply.id")
    .execute();
}
