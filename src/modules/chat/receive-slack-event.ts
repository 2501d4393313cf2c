import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { findConnectedChannelBySlackId, recordSlackEvent } from "./chat-repository.js";
import { type SlackEnvelope, slackMessageOf } from "./slack-events.js";

export const takeSlackMessageJob = "chat.take-slack-message";

/**
 * A signed Events API callback. Slack waits 3 seconds and retries what it did not see answered
 * (`X-Slack-Retry-Num`), so the work is queued: the event id is stored first, in the transaction
 * that queues the job, and a retried delivery finds it and queues nothing.
 */
export async function receiveSlackEvent(
  ctx: Context,
  envelope: SlackEnvelope,
): Promise<{ challenge: string } | { ok: true }> {
  // The handshake Slack makes when the Request URL is saved: the challenge, echoed.
  if (envelope.type === "url_verification") return { challenge: envelope.challenge ?? "" };
  const message = slackMessageOf(envelope);
  if (!message) return { ok: true };
  await inTransaction(ctx, async (tx) => {
    const channel = await findConnectedChannelBySlackId(tx.db, message.channel);
    if (channel?.enabled !== 1) return;
    if (!(await recordSlackEvent(tx.db, message.eventId, tx.clock.now().toISOString()))) return;
    await enqueueJob(tx, takeSlackMessageJob, message, { maxAttempts: 8 });
  });
  return { ok: true };
}
