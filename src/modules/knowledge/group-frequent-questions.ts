import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { systemScope } from "../identity/tenant-scope.js";
import { searchArticles } from "./article-search.js";
import {
  deleteRunsExcept,
  draftedGroupMembers,
  type FrequentQuestionGroupRow,
  insertGroups,
  insertMembers,
  insertRun,
  recentQuestions,
} from "./frequent-question-repository.js";
import type { QuestionGroup } from "./frequent-questions.js";
import type { QuestionGroupingInput } from "./question-grouping-worker.js";

/**
 * The `knowledge.group-frequent-questions` job (daily, and on demand): groups the recent tickets by
 * what they ask, checks which groups an article already covers, and stores the result, so the
 * workspace reads it without computing anything. Only the latest run is kept.
 */

export const groupFrequentQuestionsJob = "knowledge.group-frequent-questions";
export const defaultWindowDays = 90;
/** The groups kept per run, largest first: more than a team writes articles for in a quarter. */
export const storedGroupLimit = 50;

const jobScope = systemScope("the frequent-question job reads every organization's recent tickets");

/**
 * Tokenizing 50k tickets is about 25 s of CPU and the English model about 16 MB: both go to a thread
 * of their own, so the process's event loop keeps answering meanwhile, and the memory is returned
 * when the thread ends instead of staying with a process that groups questions once a day.
 */
function groupQuestionsInThread(tickets: QuestionGroupingInput["tickets"]): Promise<QuestionGroup[]> {
  return new Promise((resolve, reject) => {
    const thread = startGroupingThread({ tickets });
    thread.once("message", resolve);
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`the question-grouping thread exited with code ${code}`)));
  });
}

function startGroupingThread(workerData: QuestionGroupingInput): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./question-grouping-worker.js", import.meta.url), { workerData });
  // Run from the TypeScript sources (tests, tsx), the thread registers tsx's loader before its entry.
  // Its ESM entry, as its package exports it: the CommonJS one cannot register from a thread.
  const require = createRequire(import.meta.url);
  const tsxPackage = require("tsx/package.json") as {
    exports: Record<string, { import: { default: string } }>;
  };
  const loader = new URL(
    tsxPackage.exports["./esm/api"]?.import.default ?? "",
    pathToFileURL(require.resolve("tsx/package.json")),
  ).href;
  const entry = new URL("./question-grouping-worker.ts", import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData },
  );
}

/** Of a group's telling terms, how many a published article must match to cover it. */
export const coveringTermShare = 0.6;
const searchableTerm = /[\p{L}\p{N}]/u;

/**
 * The published article that covers a group, if any: one search per telling term through the
 * knowledge base's own search (its stemming and ranking), and the article matching the most terms,
 * from `coveringTermShare` of them. A word in common is not an answer to the question.
 */
export async function coveringArticle(ctx: Context, topTerms: string[]): Promise<string | null> {
  const terms = topTerms.filter((term) => searchableTerm.test(term));
  if (terms.length === 0) return null;
  const matched = new Map<string, number>();
  for (const term of terms) {
    const hits = await searchArticles(ctx.db, ctx.dialect, {
      text: term,
      visible: ["public", "internal"],
      match: "all",
      limit: 50,
    });
    for (const hit of hits) matched.set(hit.articleId, (matched.get(hit.articleId) ?? 0) + 1);
  }
  const needed = Math.ceil(terms.length * coveringTermShare);
  let best: [string, number] | null = null;
  for (const entry of matched) if (entry[1] >= needed && (!best || entry[1] > best[1])) best = entry;
  return best?.[0] ?? null;
}

/** An article drafted from a group of the previous run still covers the group most of it became. */
function draftedArticleFor(
  group: QuestionGroup,
  drafted: { articleId: string; ticketIds: Set<string> }[],
): string | null {
  for (const previous of drafted) {
    const shared = group.memberIds.filter((id) => previous.ticketIds.has(id)).length;
    if (shared * 2 >= Math.min(group.memberIds.length, previous.ticketIds.size)) return previous.articleId;
  }
  return null;
}

export async function groupFrequentQuestions(
  ctx: Context,
  options: { windowDays?: number } = {},
): Promise<{ runId: string; tickets: number; groups: number }> {
  const started = performance.now();
  const windowDays = options.windowDays ?? defaultWindowDays;
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - windowDays * 86_400_000).toISOString();
  const rows = await recentQuestions(ctx.db, jobScope, windowStart);
  const groups = (await groupQuestionsInThread(rows)).slice(0, storedGroupLimit);
  const drafted = await draftedGroupMembers(ctx.db);

  const runId = newId();
  const groupRows: FrequentQuestionGroupRow[] = [];
  for (const [position, group] of groups.entries()) {
    const draftedArticle = draftedArticleFor(group, drafted);
    const foundArticle = draftedArticle ? null : await coveringArticle(ctx, group.topTerms);
    groupRows.push({
      id: newId(),
      run_id: runId,
      position,
      size: group.memberIds.length,
      top_terms: JSON.stringify(group.topTerms),
      article_id: draftedArticle ?? foundArticle,
      coverage: draftedArticle ? "drafted" : foundArticle ? "search" : null,
    });
  }
  await inTransaction(ctx, async (tx) => {
    await insertRun(tx.db, {
      id: runId,
      window_start: windowStart,
      ticket_count: rows.length,
      duration_ms: Math.round(performance.now() - started),
      created_at: now.toISOString(),
    });
    await insertGroups(tx.db, groupRows);
    await insertMembers(
      tx.db,
      groups.flatMap((group, index) =>
        group.memberIds.map((ticketId, position) => ({
          group_id: (groupRows[index] as FrequentQuestionGroupRow).id,
          ticket_id: ticketId,
          position,
        })),
      ),
    );
    await deleteRunsExcept(tx.db, runId);
  });
  return { runId, tickets: rows.length, groups: groups.length };
}
