import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { systemActor } from "../identity/actor.js";
import { systemScope } from "../identity/tenant-scope.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { commentBody } from "../tickets/comment-body.js";
import { unqualifiedReply } from "../tickets/reply-qualification.js";
import { applyTicketChanges } from "../tickets/ticket-changes.js";
import { eventRow } from "../tickets/ticket-events.js";
import { findTicketById, insertComment, insertTicketEvents } from "../tickets/ticket-repository.js";
import {
  recordWebhookDelivery,
  saveTicketEngineering,
  ticketsLinkedToIssue,
} from "./engineering-repository.js";
import { issueFromGithub } from "./github-client.js";
import { issueKey, parseRepository, repositoryText } from "./github-references.js";

/** The part of GitHub's `issues` event payload Tend reads (docs.github.com, webhook events). */
export interface GithubIssuesPayload {
  action?: string;
  issue?: {
    number: number;
    title: string;
    state: string;
    html_url: string;
    labels?: Array<{ name?: string | null }>;
    pull_request?: unknown;
  };
  repository?: { full_name: string };
}

export type GithubWebhookOutcome = "ignored" | "duplicate" | "received";

const webhookScope = systemScope(
  "a GitHub webhook, verified by its signature, updates every ticket linked to its issue",
);

/**
 * A verified delivery. Its X-GitHub-Delivery id is recorded in the same transaction as what it
 * changes: a redelivery (GitHub retries, or someone replays a captured request) is acted on once,
 * and a delivery whose work failed is not remembered, so GitHub's retry does it.
 */
export async function receiveGithubWebhook({
  ctx,
  input,
}: {
  ctx: Context;
  input: { deliveryId: string; event: string; payload: GithubIssuesPayload };
}): Promise<GithubWebhookOutcome> {
  const tend = withActor(ctx, systemActor("GitHub webhook"), "system");
  return inTransaction(tend, async (tx) => {
    const fresh = await recordWebhookDelivery(tx.db, {
      delivery_id: input.deliveryId,
      event: input.event,
      received_at: tx.clock.now().toISOString(),
    });
    if (!fresh) return "duplicate";
    if (input.event !== "issues") return "ignored";
    await syncLinkedTickets(tx, input.payload);
    return "received";
  });
}

async function syncLinkedTickets(ctx: Context, payload: GithubIssuesPayload): Promise<void> {
  const repository = payload.repository ? parseRepository(payload.repository.full_name) : null;
  if (!repository || !payload.issue || payload.issue.pull_request) return;
  const issue = issueFromGithub(repository, { ...payload.issue, labels: payload.issue.labels ?? [] });
  const reference = `${repositoryText(issue)}#${issue.number}`;
  const now = ctx.clock.now().toISOString();
  for (const link of await ticketsLinkedToIssue(ctx.db, issueKey({ ...repository, number: issue.number }))) {
    const wasClosed = link.issue_state === "closed";
    await saveTicketEngineering(ctx.db, {
      ...link,
      issue_state: issue.state,
      issue_title: issue.title,
      issue_labels: JSON.stringify(issue.labels),
      issue_url: issue.url,
      issue_synced_at: now,
    });
    const ticket = await findTicketById(ctx.db, webhookScope, link.ticket_id);
    if (!ticket || wasClosed === (issue.state === "closed")) continue;
    if (issue.state === "open") {
      await insertTicketEvents(ctx.db, [
        eventRow(ctx, ticket.id, now, {
          kind: "engineering_issue_reopened",
          to: issue.url,
          reason: `${reference}: ${issue.title}`,
        }),
      ]);
      continue;
    }
    const text = `Engineering closed ${reference}: ${issue.title}`;
    await insertTicketEvents(ctx.db, [
      eventRow(ctx, ticket.id, now, { kind: "engineering_issue_closed", to: issue.url, reason: text }),
    ]);
    // A closed ticket is read-only; the link still shows the issue closed.
    if (ticket.status === "closed") continue;
    // A comment needs a person as author: the agent who linked the issue, else the assignee. It is
    // on the "system" channel, which the SLA clocks do not count as anyone's response.
    const authorId = link.linked_by ?? ticket.assignee_id;
    if (authorId) {
      const body = commentBody({ body: `${text}\n${issue.url}\nTell the customer.` });
      const commentId = newId();
      await insertComment(ctx.db, {
        id: commentId,
        ticket_id: ticket.id,
        author_id: authorId,
        visibility: "internal",
        channel: "system",
        body_text: body.text,
        body_html: body.html,
        created_at: now,
        ...unqualifiedReply,
      });
      await insertTicketEvents(ctx.db, [
        eventRow(ctx, ticket.id, now, { kind: "internal_note_added", to: commentId, reason: text }),
      ]);
      await recordAudit(ctx, {
        action: "comment.added",
        targetType: "ticket",
        targetId: ticket.id,
        after: { commentId, visibility: "internal", channel: "system" },
      });
    }
    // The fix is the customer's news: the ticket waits on the team again, its clocks following.
    if (ticket.status !== "open") {
      await applyTicketChanges(ctx, ticket, { status: "open" }, { reasons: { status: text } });
    }
    await recomputeTicketSla(ctx, ticket.id);
  }
}
