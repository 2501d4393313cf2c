import { ForbiddenError, NotFoundError } from "../../errors.js";
import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import type { Actor } from "../identity/actor.js";
import { findOrCreateCustomer } from "../identity/manage-people.js";
import { findPersonById } from "../identity/person-repository.js";
import { addComment } from "../tickets/add-comment.js";
import { createTicket } from "../tickets/create-ticket.js";
import {
  type ConnectedChannelRow,
  findChatTicketByThread,
  findConnectedChannelBySlackId,
  findSlackPerson,
  insertChatTicket,
  linkSlackPerson,
} from "./chat-repository.js";
import { channelTokenBinding, openChatSecret } from "./chat-secrets.js";
import { type SlackMessage, subjectOf } from "./slack-events.js";
import { lookUpSlackUser, type SlackUser } from "./slack-web-api.js";
import type { ChatSettings } from "./stream-ticket-events.js";

/**
 * The `chat.take-slack-message` job: a top-level message in a connected channel becomes a ticket
 * (channel `chat`) requested by the Slack user's person; a reply in that message's thread becomes a
 * public comment by its writer. A reply under any other thread (the stream's own posts, chatter)
 * is left alone. The ticket (or comment), the thread link and the job's completion commit together.
 */
export async function takeSlackMessage(
  ctx: Context,
  message: SlackMessage,
  job: ClaimedJob,
  settings: ChatSettings,
): Promise<void> {
  const channel = await findConnectedChannelBySlackId(ctx.db, message.channel);
  const thread =
    channel && message.threadTs ? await findChatTicketByThread(ctx.db, channel.id, message.threadTs) : null;
  if (channel?.enabled !== 1 || (message.threadTs && !thread)) {
    await job.markSucceededIn(ctx);
    return;
  }
  // Asked outside the transaction: Slack may be slow, and a refusal retries the job.
  const linked = await findSlackPerson(ctx.db, message.user);
  const slackUser = linked
    ? null
    : await lookUpSlackUser(
        {
          baseUrl: settings.slackApiUrl,
          botToken: openChatSecret(ctx, channel.bot_token, channelTokenBinding(channel.id)),
        },
        message.user,
      );
  await inTransaction(ctx, async (tx) => {
    const actor = await slackPersonActor(tx, channel, message.user, linked, slackUser);
    const asWriter = withActor(tx, actor, "chat");
    if (thread) {
      try {
        await addComment({
          ctx: asWriter,
          number: thread.number,
          input: { body: message.text, visibility: "public" },
        });
      } catch (error) {
        // A writer outside the ticket's organization may not answer on it: the thread stays chat.
        if (!(error instanceof NotFoundError || error instanceof ForbiddenError)) throw error;
        tx.logger.info(
          { ticketNumber: thread.number, slackUser: message.user },
          "Slack reply by an outsider not taken",
        );
      }
    } else {
      const ticket = await createTicket({
        ctx: asWriter,
        input: {
          subject: subjectOf(message.text),
          body: message.text,
          // Staff writing in the support channel open the ticket for themselves, as customers do.
          ...(actor.kind === "person" && actor.role !== "customer" ? { requesterId: actor.personId } : {}),
        },
      });
      await insertChatTicket(tx.db, { ticket_id: ticket.id, channel_id: channel.id, thread_ts: message.ts });
    }
    await job.markSucceededIn(tx);
  });
}

/**
 * The person a Slack user is: one linked before, else the person with the email Slack gives,
 * else a new customer (of the channel's organization when it names one) — as an unknown mail
 * sender becomes one. Without an email (the app lacks `users:read.email`) the address is made
 * from the Slack user id under `.invalid`, which no mail is ever sent to.
 */
async function slackPersonActor(
  tx: Context,
  channel: ConnectedChannelRow,
  slackUserId: string,
  linkedPersonId: string | undefined,
  slackUser: SlackUser | null,
): Promise<Actor> {
  let person = linkedPersonId ? await findPersonById(tx.db, linkedPersonId) : undefined;
  if (!person) {
    const email = slackUser?.email ?? `${slackUserId.toLowerCase()}@slack-users.invalid`;
    person = await findOrCreateCustomer(tx, email, slackUser?.name, channel.organization_id ?? undefined);
    await linkSlackPerson(tx.db, slackUserId, person.id);
  }
  // A deactivated person's messages are still taken, without standing, as their mail is.
  if (person.deactivated_at)
    return { kind: "person", personId: person.id, role: "customer", organizationId: null };
  return {
    kind: "person",
    personId: person.id,
    role: person.role as "customer" | "agent" | "admin",
    organizationId: person.organization_id,
  };
}
