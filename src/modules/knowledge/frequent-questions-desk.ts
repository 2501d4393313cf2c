import { ConflictError, NotFoundError, UnprocessableContentError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { slugify } from "./article-rules.js";
import { type AnsweredTicket, bestAgentAnswer } from "./best-agent-answer.js";
import {
  agentRepliesOf,
  findGroup,
  groupExamples,
  groupMemberIds,
  groupsOfRun,
  latestRun,
  linkGroupToArticle,
} from "./frequent-question-repository.js";
import type {
  DraftFromGroupInput,
  DraftFromGroupView,
  FrequentQuestionsView,
  RefreshInput,
} from "./frequent-question-schemas.js";
import { groupFrequentQuestionsJob } from "./group-frequent-questions.js";
import { articleSlugTaken, findArticles, listCategoryRows } from "./knowledge-repository.js";
import { createArticle } from "./manage-articles.js";

/**
 * Frequent questions in the workspace (staff only: the groups are made of customers' tickets):
 * the stored result of the latest run, a new run on demand, and an article drafted from a group.
 */

const examplesPerGroup = 5;
/** Tickets a draft's answer is looked for in: the group's most typical ones. */
const answerSearchLimit = 200;

export async function listFrequentQuestions({ ctx }: { ctx: Context }): Promise<FrequentQuestionsView> {
  requireStaff(ctx.actor);
  const run = await latestRun(ctx.db);
  if (!run) return { run: null, groups: [] };
  const groups = await groupsOfRun(ctx.db, run.id);
  const examples = await groupExamples(
    ctx.db,
    tenantScopeOf(ctx.actor),
    groups.map((group) => group.id),
    examplesPerGroup,
  );
  const articleIds = groups.flatMap((group) => (group.article_id ? [group.article_id] : []));
  const articles = new Map((await findArticles(ctx.db, articleIds)).map((row) => [row.id, row]));
  return {
    run: {
      createdAt: run.created_at,
      windowStart: run.window_start,
      ticketCount: run.ticket_count,
      durationMs: run.duration_ms,
    },
    groups: groups.map((group) => {
      const topTerms = JSON.parse(group.top_terms) as string[];
      const mine = examples.filter((example) => example.group_id === group.id);
      const article = group.article_id ? articles.get(group.article_id) : undefined;
      return {
        id: group.id,
        label: mine[0]?.subject ?? topTerms.join(", "),
        size: group.size,
        topTerms,
        examples: mine.map((example) => ({ number: example.number, subject: example.subject })),
        coverage: article ? (group.coverage as "search" | "drafted") : "uncovered",
        article: article ? { id: article.id, title: article.title, state: article.state } : null,
      };
    }),
  };
}

export async function refreshFrequentQuestions({
  ctx,
  input,
}: {
  ctx: Context;
  input: RefreshInput;
}): Promise<{ jobId: string }> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const jobId = await enqueueJob(tx, groupFrequentQuestionsJob, { windowDays: input.windowDays });
    await recordAudit(tx, {
      action: "knowledge_frequent_questions.refresh_requested",
      targetType: "job",
      targetId: jobId,
      after: { windowDays: input.windowDays ?? null },
    });
    return { jobId };
  });
}

/** The group's tickets with their agents' public replies, in the group's order. */
async function answeredTickets(ctx: Context, groupId: string) {
  const scope = tenantScopeOf(ctx.actor);
  const memberIds = await groupMemberIds(ctx.db, scope, groupId, answerSearchLimit);
  const rows = await agentRepliesOf(ctx.db, scope, memberIds);
  const byTicket = new Map<string, AnsweredTicket>();
  for (const row of rows) {
    const ticket = byTicket.get(row.ticket_id) ?? {
      ticketId: row.ticket_id,
      ratedGood: Number(row.rated_good) === 1,
      solvedAt: row.solved_at,
      replies: [],
    };
    if (row.comment_id && row.body_text !== null && row.created_at !== null)
      ticket.replies.push({ commentId: row.comment_id, body: row.body_text, createdAt: row.created_at });
    byTicket.set(row.ticket_id, ticket);
  }
  return memberIds.flatMap((id) => byTicket.get(id) ?? []);
}

async function freeSlug(ctx: Context, title: string): Promise<string> {
  const base = slugify(title);
  for (let suffix = 1; ; suffix += 1) {
    const slug = suffix === 1 ? base : `${base}-${suffix}`;
    if (!(await articleSlugTaken(ctx.db, slug, null))) return slug;
  }
}

/**
 * A draft article for a group: titled with the group's label and starting from the best agent
 * answer (`best-agent-answer.ts`). Internal until someone reviews it, since an agent's reply can
 * name a customer. The group then counts as covered, and the next runs carry the link.
 */
export async function draftArticleFromGroup({
  ctx,
  input,
}: {
  ctx: Context;
  input: DraftFromGroupInput;
}): Promise<DraftFromGroupView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const group = await findGroup(tx.db, input.groupId);
    if (!group) throw new NotFoundError(`No frequent-question group ${input.groupId}.`);
    if (group.coverage === "drafted")
      throw new ConflictError("An article was already drafted from this group.", {
        articleId: group.article_id,
      });
    const categoryId = input.categoryId ?? (await listCategoryRows(tx.db))[0]?.id;
    if (categoryId === undefined)
      throw UnprocessableContentError.field("/categoryId", "create a category for the article first");
    const [labelTicket] = await groupExamples(tx.db, tenantScopeOf(tx.actor), [group.id], 1);
    const title = (labelTicket?.subject ?? (JSON.parse(group.top_terms) as string[]).join(", ")).slice(
      0,
      300,
    );
    const answer = bestAgentAnswer(await answeredTickets(tx, group.id));
    const article = await createArticle({
      ctx: tx,
      input: {
        title,
        slug: await freeSlug(tx, title),
        body: answer?.body.trim() || "_No agent has answered this question in public yet._",
        categoryId,
        visibility: "internal",
        state: "draft",
      },
    });
    if (!(await linkGroupToArticle(tx.db, group.id, article.id, "drafted")))
      throw new ConflictError("An article was already drafted from this group.");
    await recordAudit(tx, {
      action: "knowledge_frequent_question.article_drafted",
      targetType: "knowledge_article",
      targetId: article.id,
      after: { groupId: group.id, answerCommentId: answer?.commentId ?? null },
    });
    const answerTicket = answer
      ? (await groupExamples(tx.db, tenantScopeOf(tx.actor), [group.id], answerSearchLimit)).find(
          (example) => example.ticket_id === answer.ticketId,
        )
      : undefined;
    return {
      article,
      answer: answer && answerTicket ? { ticketNumber: answerTicket.number, reason: answer.reason } : null,
      groupId: group.id,
    };
  });
}
