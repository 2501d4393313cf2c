import { randomInt } from "node:crypto";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { isAdmin, requireAdmin, requirePerson, requireStaff } from "../identity/identity-policy.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { drawSample, type ReviewOutcome, rubricScale } from "./csat-rules.js";
import {
  type CaseReviewRow,
  countCaseReviews,
  findCaseReview,
  insertCaseReview,
  listCaseReviews as listCaseReviewRows,
  sampledTicketIds,
  solvedTicketsByAgent,
  ticketHeadlines,
  updateCaseReviewIfVersion,
} from "./satisfaction-repository.js";

export interface CaseReviewView {
  id: string;
  ticket: { number: number; subject: string } | null;
  agent: { id: string; name: string } | null;
  source: "sample" | "bad_rating";
  periodFrom: string | null;
  periodTo: string | null;
  state: "open" | "done";
  reviewer: { id: string; name: string } | null;
  rubric: {
    accuracy: number | null;
    tone: number | null;
    completeness: number | null;
    followedProcess: number | null;
  };
  note: string;
  outcome: ReviewOutcome | null;
  version: number;
  createdAt: string;
  reviewedAt: string | null;
}

async function present(ctx: Context, rows: CaseReviewRow[]): Promise<CaseReviewView[]> {
  const scope = tenantScopeOf(ctx.actor);
  const tickets = await ticketHeadlines(ctx.db, scope, [...new Set(rows.map((row) => row.ticket_id))]);
  const personIds = rows.flatMap((row) => [row.agent_id, row.reviewer_id]).filter((id) => id !== null);
  const people = new Map(
    (await findPeopleByIds(ctx.db, scope, [...new Set(personIds)])).map((person) => [person.id, person.name]),
  );
  const named = (id: string | null) => (id ? { id, name: people.get(id) ?? "A former staff member" } : null);
  return rows.map((row) => ({
    id: row.id,
    ticket: tickets.get(row.ticket_id) ?? null,
    agent: named(row.agent_id),
    source: row.source as CaseReviewView["source"],
    periodFrom: row.period_from,
    periodTo: row.period_to,
    state: row.state as CaseReviewView["state"],
    reviewer: named(row.reviewer_id),
    rubric: {
      accuracy: row.accuracy,
      tone: row.tone,
      completeness: row.completeness,
      followedProcess: row.followed_process,
    },
    note: row.note,
    outcome: row.outcome as ReviewOutcome | null,
    version: row.version,
    createdAt: row.created_at,
    reviewedAt: row.reviewed_at,
  }));
}

export function periodOf(input: { from?: string | undefined; to?: string | undefined }): {
  from: string;
  to: string;
} {
  if (input.from === undefined) throw ValidationError.field("from", "is required");
  if (input.to === undefined) throw ValidationError.field("to", "is required");
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (Number.isNaN(from.getTime())) throw ValidationError.field("from", "not an instant");
  if (Number.isNaN(to.getTime())) throw ValidationError.field("to", "not an instant");
  if (to <= from) throw ValidationError.field("to", "must be after from");
  return { from: from.toISOString(), to: to.toISOString() };
}

/**
 * A lead (an admin: Tend has no lead role) draws up to `perAgent` tickets each agent solved in the
 * period, uniformly at random, skipping tickets sampled before. Bad-rated tickets are in review
 * already: a Bad rating opens its own. Audited as one draw.
 */
export async function drawCaseReviewSample({
  ctx,
  input,
}: {
  ctx: Context;
  input: { agentId?: string; from: string; to: string; perAgent: number };
}): Promise<CaseReviewView[]> {
  requireAdmin(ctx.actor);
  const period = periodOf(input);
  return inTransaction(ctx, async (tx) => {
    const scope = tenantScopeOf(tx.actor);
    const solved = await solvedTicketsByAgent(tx.db, scope, {
      ...period,
      ...(input.agentId ? { agentId: input.agentId } : {}),
    });
    const taken = await sampledTicketIds(
      tx.db,
      solved.map((candidate) => candidate.ticketId),
    );
    const drawn = drawSample(
      solved.filter((candidate) => !taken.has(candidate.ticketId)),
      input.perAgent,
      (bound) => randomInt(bound),
    );
    const now = tx.clock.now().toISOString();
    const rows: CaseReviewRow[] = drawn.map((pick) => ({
      id: newId(),
      ticket_id: pick.ticketId,
      agent_id: pick.agentId,
      source: "sample",
      survey_id: null,
      period_from: period.from,
      period_to: period.to,
      state: "open",
      reviewer_id: null,
      accuracy: null,
      tone: null,
      completeness: null,
      followed_process: null,
      note: "",
      outcome: null,
      version: 1,
      created_at: now,
      reviewed_at: null,
    }));
    for (const row of rows) await insertCaseReview(tx.db, row);
    await recordAudit(tx, {
      action: "case_review.sampled",
      targetType: "case_review",
      targetId: null,
      after: { ...period, agentId: input.agentId ?? null, perAgent: input.perAgent, drawn: rows.length },
    });
    return present(tx, rows);
  });
}

/**
 * An agent sees their own reviews (`agentId=me`, or their id); admins see everyone's, or one agent's.
 */
export async function listCaseReviews({
  ctx,
  query,
}: {
  ctx: Context;
  query: { agentId?: string; state?: "open" | "done"; limit?: number };
}): Promise<CaseReviewView[]> {
  requireStaff(ctx.actor);
  const me = ctx.actor.kind === "person" ? ctx.actor.personId : undefined;
  let agentId = query.agentId === "me" ? me : query.agentId;
  if (!isAdmin(ctx.actor)) {
    if (agentId !== undefined && agentId !== me)
      throw ValidationError.field("agentId", "agents see their own reviews only: use me");
    agentId = me;
  }
  const rows = await listCaseReviewRows(
    ctx.db,
    { ...(agentId ? { agentId } : {}), ...(query.state ? { state: query.state } : {}) },
    query.limit ?? 100,
  );
  return present(ctx, rows);
}

/** Open reviews: everyone's for an admin (what to review), an agent's own otherwise. */
export async function countOpenCaseReviews(ctx: Context): Promise<number> {
  requireStaff(ctx.actor);
  const me = ctx.actor.kind === "person" ? ctx.actor.personId : undefined;
  return countCaseReviews(ctx.db, { state: "open", ...(!isAdmin(ctx.actor) && me ? { agentId: me } : {}) });
}

async function reviewFor(ctx: Context, id: string): Promise<CaseReviewRow> {
  requireStaff(ctx.actor);
  const row = await findCaseReview(ctx.db, id);
  const me = ctx.actor.kind === "person" ? ctx.actor.personId : null;
  // Another agent's review is not theirs to know of: the same 404 as a review that does not exist.
  if (!row || (!isAdmin(ctx.actor) && row.agent_id !== me)) throw new NotFoundError(`No case review ${id}.`);
  return row;
}

export async function readCaseReview({ ctx, id }: { ctx: Context; id: string }): Promise<CaseReviewView> {
  const row = await reviewFor(ctx, id);
  return (await present(ctx, [row]))[0] as CaseReviewView;
}

export interface CaseReviewInput {
  version: number;
  accuracy: number;
  tone: number;
  completeness: number;
  followedProcess: number;
  note?: string;
  outcome: ReviewOutcome;
}

/** A lead records the rubric and the outcome; the review is done, and may be corrected later. Audited. */
export async function recordCaseReview({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: CaseReviewInput;
}): Promise<CaseReviewView> {
  requireAdmin(ctx.actor);
  const reviewer = requirePerson(ctx.actor);
  for (const field of ["accuracy", "tone", "completeness", "followedProcess"] as const) {
    const score = input[field];
    if (!Number.isInteger(score) || score < rubricScale.min || score > rubricScale.max)
      throw ValidationError.field(field, `a score from ${rubricScale.min} to ${rubricScale.max}`);
  }
  return inTransaction(ctx, async (tx) => {
    const row = await reviewFor(tx, id);
    if (row.agent_id === reviewer.personId)
      throw new ConflictError("A review of your own ticket is for another lead to record.");
    const columns = {
      state: "done",
      reviewer_id: reviewer.personId,
      accuracy: input.accuracy,
      tone: input.tone,
      completeness: input.completeness,
      followed_process: input.followedProcess,
      note: input.note?.trim() ?? "",
      outcome: input.outcome,
      reviewed_at: tx.clock.now().toISOString(),
    };
    if (!(await updateCaseReviewIfVersion(tx.db, id, input.version, columns)))
      throw new ConflictError("The review was changed by someone else; read it again and retry.");
    await recordAudit(tx, {
      action: "case_review.recorded",
      targetType: "case_review",
      targetId: id,
      before: {
        state: row.state,
        accuracy: row.accuracy,
        tone: row.tone,
        completeness: row.completeness,
        followed_process: row.followed_process,
        note: row.note,
        outcome: row.outcome,
      },
      after: columns,
    });
    return readCaseReview({ ctx: tx, id });
  });
}
