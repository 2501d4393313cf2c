import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { readDomainEvent } from "../../shared/domain-events.js";
import { systemScope } from "../identity/tenant-scope.js";
import { slackEscape } from "../paging/page-webhook-delivery.js";
import { findCommentRow } from "../tickets/ticket-repository.js";
import { findChatTicket } from "./chat-repository.js";
import { channelTokenBinding, openChatSecret } from "./chat-secrets.js";
import { postSlackMessage } from "./slack-web-api.js";
import type { ChatSettings } from "./stream-ticket-events.js";

/**
 * The `chat.reply-in-thread` job, on `ticket.commented`: a public reply by staff on a ticket that
 * came from a connected Slack channel is posted in the ticket's thread there, so the customer
 * reads the answer where they asked. Internal notes stay in Tend; a comment that came from Slack
 * itself (channel `chat`) is already in the thread.
 */
export async function replyInChatThread(
  ctx: Context,
  payload: { eventId: string },
  job: ClaimedJob,
  settings: ChatSettings,
): Promise<void> {
  const event = await readDomainEvent(ctx.db, payload.eventId);
  const actor = event?.payload.actor as { kind?: string; role?: string } | undefined;
  const byStaff = actor?.kind === "person" && (actor.role === "agent" || actor.role === "admin");
  const worthPosting =
    event?.kind === "ticket.commented" &&
    event.ticketId !== null &&
    event.payload.visibility === "public" &&
    event.payload.channel !== "chat" &&
    byStaff;
  const chatTicket =
    worthPosting && event.ticketId ? await findChatTicket(ctx.db, event.ticketId) : undefined;
  const comment =
    chatTicket && typeof event?.payload.commentId === "string"
      ? await findCommentRow(
          ctx.db,
          systemScope("posting a public reply to its chat thread"),
          event.payload.commentId,
        )
      : undefined;
  if (chatTicket && chatTicket.enabled === 1 && comment) {
    await postSlackMessage(
      {
        baseUrl: settings.slackApiUrl,
        botToken: openChatSecret(ctx, chatTicket.bot_token, channelTokenBinding(chatTicket.channel_id)),
      },
      {
        channel: chatTicket.slack_channel_id,
        text: `*${slackEscape(comment.author_name)}*: ${slackEscape(comment.body_text)}`,
        threadTs: chatTicket.thread_ts,
      },
    );
  }
  await inTransaction(ctx, async (tx) => {
    await job.markSucceededIn(tx);
  });
}
