import { ConflictError, ForbiddenError, ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Role } from "../identity/actor.js";
import { isStaff, requirePerson } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { hashSecret } from "../identity/secrets.js";
import { systemScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { assertCanViewTicket } from "../tickets/ticket-policy.js";
import { findTicketById, findTicketByNumber, type TicketListRow } from "../tickets/ticket-repository.js";
import { type Rating, type SurveyRefusal, surveyOpenness } from "./csat-rules.js";
import {
  findLatestSurvey,
  findSurveyByTokenHash,
  insertCaseReview,
  recordRating,
  type SurveyRow,
} from "./satisfaction-repository.js";

export const notifyBadRatingJob = "satisfaction.notify-bad-rating";

export interface RatingInput {
  rating: Rating;
  comment?: string | null;
}

/** What the requester, and staff, see of a ticket's latest survey. */
export interface SatisfactionView {
  ticketNumber: number;
  solvedAt: string;
  rating: Rating | null;
  comment: string | null;
  ratedAt: string | null;
  sentAt: string | null;
  /** Whether the answer may still be given or changed (the ticket is solved, not closed or reopened). */
  open: boolean;
}

function presentSurvey(survey: SurveyRow, ticket: TicketListRow, now: Date): SatisfactionView {
  return {
    ticketNumber: ticket.number,
    solvedAt: survey.solved_at,
    rating: survey.rating as Rating | null,
    comment: survey.comment,
    ratedAt: survey.rated_at,
    sentAt: survey.sent_at,
    open:
      surveyOpenness(
        { solvedAt: survey.solved_at, tokenExpiresAt: null },
        { status: ticket.status, solvedAt: ticket.solved_at },
        now,
        "portal",
      ) === null,
  };
}

function normalizedComment(comment: string | null | undefined): string | null {
  const trimmed = comment?.trim() ?? "";
  if (trimmed.length > 2000) throw ValidationError.field("comment", "at most 2000 characters");
  return trimmed === "" ? null : trimmed;
}

/**
 * Records an answer in the caller's transaction. A rating turning Bad opens the ticket's case review
 * (one per survey, by its unique key) and queues the notification of whoever answers for the group;
 * a Bad changed to Good later leaves the review open: a lead decides whether it still matters.
 */
async function applyRating(
  tx: Context,
  survey: SurveyRow,
  answer: RatingInput,
  ratedBy: string,
): Promise<void> {
  const comment = normalizedComment(answer.comment);
  const now = tx.clock.now().toISOString();
  await recordRating(tx.db, survey.id, { rating: answer.rating, comment, at: now, by: ratedBy });
  await recordAudit(tx, {
    action: "satisfaction.rated",
    targetType: "ticket",
    targetId: survey.ticket_id,
    before: { rating: survey.rating, comment: survey.comment },
    after: { rating: answer.rating, comment },
  });
  if (answer.rating === "bad" && survey.rating !== "bad") {
    const opened = await insertCaseReview(tx.db, {
      id: newId(),
      ticket_id: survey.ticket_id,
      agent_id: survey.assignee_id,
      source: "bad_rating",
      survey_id: survey.id,
      period_from: null,
      period_to: null,
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
    });
    if (opened) await enqueueJob(tx, notifyBadRatingJob, { surveyId: survey.id });
  }
}

/** The requester answers in the portal (or through the API) for their ticket's latest solve. */
export async function rateTicket({
  ctx,
  number,
  input,
}: {
  ctx: Context;
  number: number;
  input: RatingInput;
}): Promise<SatisfactionView> {
  return inTransaction(ctx, async (tx) => {
    const ticket = assertCanViewTicket(
      tx.actor,
      await findTicketByNumber(tx.db, tenantScopeOf(tx.actor), number),
      number,
    );
    const person = requirePerson(tx.actor);
    if (person.personId !== ticket.requester_id)
      throw new ForbiddenError("Only the ticket's requester rates it.");
    const survey = await findLatestSurvey(tx.db, ticket.id);
    if (!survey) throw new ConflictError(`Ticket #${number} has no satisfaction survey to answer.`);
    const refusal = surveyOpenness(
      { solvedAt: survey.solved_at, tokenExpiresAt: null },
      { status: ticket.status, solvedAt: ticket.solved_at },
      tx.clock.now(),
      "portal",
    );
    if (refusal) throw new ConflictError(`Ticket #${number} is not solved: its rating can no longer change.`);
    await applyRating(tx, survey, input, person.personId);
    const updated = { ...survey, rating: input.rating, comment: normalizedComment(input.comment) };
    return { ...presentSurvey(updated, ticket, tx.clock.now()), ratedAt: tx.clock.now().toISOString() };
  });
}

/** The ticket's latest survey for whoever may see the ticket; null when it was never surveyed. */
export async function readTicketSatisfaction({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<SatisfactionView | null> {
  const ticket = assertCanViewTicket(
    ctx.actor,
    await findTicketByNumber(ctx.db, tenantScopeOf(ctx.actor), number),
    number,
  );
  const survey = await findLatestSurvey(ctx.db, ticket.id);
  if (!survey) return null;
  // A customer colleague sees that a survey exists, not what the requester answered.
  const view = presentSurvey(survey, ticket, ctx.clock.now());
  const actor = ctx.actor;
  if (!isStaff(actor) && actor.kind === "person" && actor.personId !== ticket.requester_id)
    return { ...view, rating: null, comment: null, ratedAt: null };
  return view;
}

export type SurveyLink =
  | {
      state: "valid";
      ticket: { number: number; subject: string };
      rating: Rating | null;
      comment: string | null;
    }
  | { state: SurveyRefusal };

const linkScope = systemScope("a mailed survey link names its ticket; the token is the credential");

async function surveyOfToken(
  ctx: Context,
  token: string,
): Promise<{ survey: SurveyRow; ticket: TicketListRow } | { state: SurveyRefusal }> {
  const survey = await findSurveyByTokenHash(ctx.db, hashSecret(token));
  if (!survey) return { state: "unknown" };
  const ticket = await findTicketById(ctx.db, linkScope, survey.ticket_id);
  if (!ticket) return { state: "unknown" };
  const refusal = surveyOpenness(
    { solvedAt: survey.solved_at, tokenExpiresAt: survey.token_expires_at },
    { status: ticket.status, solvedAt: ticket.solved_at },
    ctx.clock.now(),
    "link",
  );
  return refusal ? { state: refusal } : { survey, ticket };
}

/**
 * Reads a mailed link without answering: mail scanners open every link, so a GET only shows the
 * question with the clicked answer preselected. No sign-in: the token is 256 random bits, hashed at rest.
 */
export async function inspectSurveyLink(ctx: Context, token: string): Promise<SurveyLink> {
  const found = await surveyOfToken(ctx, token);
  if ("state" in found) return found;
  return {
    state: "valid",
    ticket: { number: found.ticket.number, subject: found.ticket.subject },
    rating: found.survey.rating as Rating | null,
    comment: found.survey.comment,
  };
}

/**
 * Answers through a mailed link, as the requester it was mailed to (the audit trail says so). The
 * link works for this solve cycle only: it may change the answer until the ticket closes or is
 * reopened, or the link expires, whichever comes first.
 */
export async function rateBySurveyLink(ctx: Context, token: string, input: RatingInput): Promise<SurveyLink> {
  return inTransaction(ctx, async (tx) => {
    const found = await surveyOfToken(tx, token);
    if ("state" in found) return found;
    const requester = await findPersonById(tx.db, found.survey.requester_id);
    if (!requester || requester.deactivated_at !== null) return { state: "unknown" };
    const asRequester = withActor(
      tx,
      {
        kind: "person",
        personId: requester.id,
        role: requester.role as Role,
        organizationId: requester.organization_id,
      },
      "email",
    );
    await applyRating(asRequester, found.survey, input, requester.id);
    return {
      state: "valid",
      ticket: { number: found.ticket.number, subject: found.ticket.subject },
      rating: input.rating,
      comment: normalizedComment(input.comment),
    };
  });
}
