import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  CaseReviewsTable,
  SatisfactionSettingsTable,
  SatisfactionSurveysTable,
} from "../../db/tables.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import type { CsatCounts } from "./csat-rules.js";

export type SurveyRow = SatisfactionSurveysTable;
export type CaseReviewRow = CaseReviewsTable;
export type SatisfactionSettingsRow = SatisfactionSettingsTable;

const settingsId = "desk";

export async function findSatisfactionSettings(db: DbExecutor): Promise<SatisfactionSettingsRow | undefined> {
  return db.selectFrom("satisfaction_settings").selectAll().where("id", "=", settingsId).executeTakeFirst();
}

export async function saveSatisfactionSettings(
  db: DbExecutor,
  row: Omit<SatisfactionSettingsRow, "id">,
): Promise<void> {
  await db
    .insertInto("satisfaction_settings")
    .values({ id: settingsId, ...row })
    .onConflict((oc) => oc.column("id").doUpdateSet(row))
    .execute();
}

/** One survey per solve cycle: a second call for the same solve changes nothing. */
export async function insertSurvey(db: DbExecutor, row: SurveyRow): Promise<void> {
  await db
    .insertInto("satisfaction_surveys")
    .values(row)
    .onConflict((oc) => oc.columns(["ticket_id", "solved_at"]).doNothing())
    .execute();
}

export async function findSurveyById(db: DbExecutor, id: string): Promise<SurveyRow | undefined> {
  return db.selectFrom("satisfaction_surveys").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findSurveyByTokenHash(
  db: DbExecutor,
  tokenHash: string,
): Promise<SurveyRow | undefined> {
  return db
    .selectFrom("satisfaction_surveys")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** The survey of the ticket's latest solve cycle, if it was surveyed. */
export async function findLatestSurvey(db: DbExecutor, ticketId: string): Promise<SurveyRow | undefined> {
  return db
    .selectFrom("satisfaction_surveys")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .orderBy("solved_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Claims the mailing of a survey: of two workers, one sets `sent_at` and mails. */
export async function markSurveySent(
  db: DbExecutor,
  id: string,
  sent: { at: string; tokenHash: string; expiresAt: string },
): Promise<boolean> {
  const result = await db
    .updateTable("satisfaction_surveys")
    .set({ sent_at: sent.at, token_hash: sent.tokenHash, token_expires_at: sent.expiresAt })
    .where("id", "=", id)
    .where("sent_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recordRating(
  db: DbExecutor,
  id: string,
  answer: { rating: string; comment: string | null; at: string; by: string | null },
): Promise<void> {
  await db
    .updateTable("satisfaction_surveys")
    .set({ rating: answer.rating, comment: answer.comment, rated_at: answer.at, rated_by: answer.by })
    .where("id", "=", id)
    .execute();
}

export const csatGroupColumns = {
  group: "group_id",
  agent: "assignee_id",
  organization: "organization_id",
  plan: "plan",
  severity: "severity",
} as const;
export type CsatGrouping = keyof typeof csatGroupColumns;

/**
 * Counts for surveys of tickets solved in [from, to), one cell per value of each grouping (one cell in
 * all without one): a range of `satisfaction_surveys_solved`. A survey counts as sent once mailed or
 * answered in the portal, whichever came first.
 */
export async function countSurveys(
  db: DbExecutor,
  range: { from: string; to: string },
  groupings: readonly CsatGrouping[],
): Promise<CountCell<CsatCounts>[]> {
  const columns = groupings.map((grouping) => csatGroupColumns[grouping]);
  const rows = await db
    .selectFrom("satisfaction_surveys")
    .where("solved_at", ">=", range.from)
    .where("solved_at", "<", range.to)
    .select(
      groupings.map((grouping) => sql<string | null>`${sql.ref(csatGroupColumns[grouping])}`.as(grouping)),
    )
    .select((eb) => [
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.or([eb("sent_at", "is not", null), eb("rating", "is not", null)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as("sent"),
      eb.fn.count<number>("rating").as("answered"),
      eb.fn.sum<number>(eb.case().when("rating", "=", "good").then(1).else(0).end()).as("good"),
      eb.fn.sum<number>(eb.case().when("rating", "=", "bad").then(1).else(0).end()).as("bad"),
    ])
    .$if(columns.length > 0, (qb) => qb.groupBy(columns))
    .execute();
  return rows.map((row) => {
    const by: Record<string, string | null> = {};
    for (const grouping of groupings) by[grouping] = row[grouping] ?? null;
    return {
      by,
      counts: {
        sent: Number(row.sent ?? 0),
        answered: Number(row.answered ?? 0),
        good: Number(row.good ?? 0),
        bad: Number(row.bad ?? 0),
      },
    };
  });
}

export async function insertCaseReview(db: DbExecutor, row: CaseReviewRow): Promise<boolean> {
  const result = await db
    .insertInto("case_reviews")
    .values(row)
    .onConflict((oc) => oc.column("survey_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function countCaseReviews(
  db: DbExecutor,
  filter: { agentId?: string; state: string },
): Promise<number> {
  const row = await db
    .selectFrom("case_reviews")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("state", "=", filter.state)
    .$if(filter.agentId !== undefined, (qb) => qb.where("agent_id", "=", filter.agentId ?? ""))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function findCaseReview(db: DbExecutor, id: string): Promise<CaseReviewRow | undefined> {
  return db.selectFrom("case_reviews").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listCaseReviews(
  db: DbExecutor,
  filter: { agentId?: string; state?: string },
  limit: number,
): Promise<CaseReviewRow[]> {
  return db
    .selectFrom("case_reviews")
    .selectAll()
    .$if(filter.agentId !== undefined, (qb) => qb.where("agent_id", "=", filter.agentId ?? ""))
    .$if(filter.state !== undefined, (qb) => qb.where("state", "=", filter.state ?? ""))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function updateCaseReviewIfVersion(
  db: DbExecutor,
  id: string,
  version: number,
  columns: Partial<CaseReviewRow>,
): Promise<boolean> {
  const result = await db
    .updateTable("case_reviews")
    .set({ ...columns, version: version + 1 })
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Tickets already under a sampled review, so a second draw for a period does not repeat them. */
export async function sampledTicketIds(db: DbExecutor, ticketIds: string[]): Promise<Set<string>> {
  if (ticketIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("case_reviews")
    .select("ticket_id")
    .where("source", "=", "sample")
    .where("ticket_id", "in", ticketIds)
    .execute();
  return new Set(rows.map((row) => row.ticket_id));
}

/** Tickets solved in [from, to) with an assignee (of one agent, if named): the population a sample is drawn from. */
export async function solvedTicketsByAgent(
  db: DbExecutor,
  scope: TenantScope,
  range: { from: string; to: string; agentId?: string },
): Promise<{ ticketId: string; agentId: string }[]> {
  const rows = await ticketsIn(db, scope)
    .select(["tickets.id", "tickets.assignee_id"])
    .where("tickets.solved_at", ">=", range.from)
    .where("tickets.solved_at", "<", range.to)
    .where("tickets.assignee_id", "is not", null)
    .$if(range.agentId !== undefined, (qb) => qb.where("tickets.assignee_id", "=", range.agentId ?? ""))
    .execute();
  return rows.map((row) => ({ ticketId: row.id, agentId: row.assignee_id as string }));
}

/** Ticket numbers and subjects for reviews: a review names its ticket. */
export async function ticketHeadlines(
  db: DbExecutor,
  scope: TenantScope,
  ticketIds: string[],
): Promise<Map<string, { number: number; subject: string }>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await ticketsIn(db, scope)
    .select(["tickets.id", "tickets.number", "tickets.subject"])
    .where("tickets.id", "in", ticketIds)
    .execute();
  return new Map(rows.map((row) => [row.id, { number: row.number, subject: row.subject }]));
}

/** Active admins who are members of a group: who hears of a Bad rating on its tickets. */
export async function groupAdminIds(db: DbExecutor, scope: TenantScope, groupId: string): Promise<string[]> {
  // Admins belong to no organization: only a scope over every organization sees them.
  if (scope.kind !== "all") return [];
  const rows = await db
    .selectFrom("group_memberships")
    .innerJoin("people", "people.id", "group_memberships.person_id")
    .select("people.id")
    .where("group_memberships.group_id", "=", groupId)
    .where("people.role", "=", "admin")
    .where("people.deactivated_at", "is", null)
    .execute();
  return rows.map((row) => row.id);
}

export async function existingOrganizationIds(
  db: DbExecutor,
  scope: TenantScope,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0 || scope.kind !== "all") return new Set();
  const rows = await db.selectFrom("organizations").select("id").where("id", "in", ids).execute();
  return new Set(rows.map((row) => row.id));
}

/** Every active admin: who hears of a Bad rating when the ticket's group has none and no agent owns it. */
export async function activeAdminIds(db: DbExecutor, scope: TenantScope): Promise<string[]> {
  if (scope.kind !== "all") return [];
  const rows = await db
    .selectFrom("people")
    .select("id")
    .where("role", "=", "admin")
    .where("deactivated_at", "is", null)
    .execute();
  return rows.map((row) => row.id);
}

export async function organizationNames(
  db: DbExecutor,
  scope: TenantScope,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0 || scope.kind !== "all") return new Map();
  const rows = await db.selectFrom("organizations").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function countSurveyCommentsBy(db: DbExecutor, requesterId: string): Promise<number> {
  const row = await db
    .selectFrom("satisfaction_surveys")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("requester_id", "=", requesterId)
    .where("comment", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function forgetSurveyCommentsBy(db: DbExecutor, requesterId: string): Promise<void> {
  await db
    .updateTable("satisfaction_surveys")
    .set({ comment: null })
    .where("requester_id", "=", requesterId)
    .where("comment", "is not", null)
    .execute();
}
