import type { ClaimedJob } from "../../jobs/job-runner.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { findPersonById } from "../identity/person-repository.js";
import { findPageSlackReply } from "./page-channel-repository.js";
import { slackEscape } from "./page-webhook-delivery.js";
import { findPageById, insertPageEvents } from "./paging-repository.js";

export const replyInSlackJob = "paging.reply-in-slack";

/** A chat server that does not answer in this long is treated as down: the job tries again. */
const replyTimeoutMs = 10_000;

/** Slack honours a command's response_url for 30 minutes (and five posts): later news has nowhere to go. */
export const slackResponseUrlLifetimeMs = 30 * 60_000;

export type PageNews = "acknowledged" | "resolved";

/**
 * Called in the transaction that acknowledges or resolves a page: a page opened from Slack says so
 * in the channel it came from, through a job (a slow chat server never holds the answer up, and a
 * refused post retries). A page from anywhere else, or past Slack's 30 minutes, queues nothing.
 */
export async function queueSlackReply(tx: Context, pageId: string, news: PageNews): Promise<void> {
  const reply = await findPageSlackReply(tx.db, pageId);
  if (!reply || reply.expires_at <= tx.clock.now().toISOString()) return;
  await enqueueJob(tx, replyInSlackJob, { pageId, news }, { maxAttempts: 5 });
}

export function slackNewsLine(page: { title: string; severity: string }, news: PageNews, by: string): string {
  const title = slackEscape(page.title.replace(/\s+/g, " ").trim());
  return `[${page.severity.toUpperCase()}] Page: ${title} — ${news} by ${slackEscape(by)}`;
}

/**
 * The `paging.reply-in-slack` job: posts the page's news to the command's response_url,
 * `in_channel` (Slack's default there is a message only the caller sees).
 */
export async function replyInSlack(
  ctx: Context,
  payload: { pageId: string; news: PageNews },
  job: ClaimedJob,
): Promise<void> {
  const page = await findPageById(ctx.db, payload.pageId);
  const reply = await findPageSlackReply(ctx.db, payload.pageId);
  // Retries past Slack's window would only collect refusals.
  if (!page || !reply || reply.expires_at <= ctx.clock.now().toISOString()) return;
  const byId = payload.news === "acknowledged" ? page.acknowledged_by : page.resolved_by;
  const by = (byId && (await findPersonById(ctx.db, byId))?.name) ?? "Tend";
  const response = await fetch(reply.response_url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      response_type: "in_channel",
      replace_original: false,
      text: slackNewsLine(page, payload.news, by),
    }),
    signal: AbortSignal.timeout(replyTimeoutMs),
  });
  if (!response.ok) throw new Error(`Slack's response_url answered ${response.status}`);
  await inTransaction(ctx, async (tx) => {
    await insertPageEvents(tx.db, [
      {
        id: newId(),
        page_id: page.id,
        kind: "posted_to_chat",
        person_id: null,
        detail: `said in Slack: ${payload.news}`,
        actor: "escalation",
        at: tx.clock.now().toISOString(),
      },
    ]);
    await job.markSucceededIn(tx);
  });
}
