import { ConflictError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { addComment } from "../tickets/add-comment.js";
import { eventRow } from "../tickets/ticket-events.js";
import { assertCanViewTicket } from "../tickets/ticket-policy.js";
import {
  findTicketByNumber,
  insertTicketEvents,
  listCommentRows,
  type TicketListRow,
} from "../tickets/ticket-repository.js";
import { presentTicketEngineering, type TicketEngineeringView } from "./engineering-presenter.js";
import {
  findTicketEngineering,
  noEngineering,
  saveTicketEngineering,
  type TicketEngineeringRow,
} from "./engineering-repository.js";
import { createGithubIssue, type GithubIssue, readGithubIssue } from "./github-client.js";
import {
  issueKey,
  parseIssueReference,
  parseRepository,
  type RepositoryName,
  repositoryText,
} from "./github-references.js";
import {
  checkedLabels,
  type GithubEscalationSettings,
  githubAvailability,
  githubEscalationSettings,
} from "./github-settings.js";
import { draftIssueSummary, issueBody } from "./issue-summary.js";

/**
 * Escalation to engineering, for staff: the "needs engineering" flag, and a GitHub issue opened
 * from the ticket or an existing one linked. GitHub is called before the transaction (a network
 * call must not hold the audit chain or the ticket's row), and the link is stored only once GitHub
 * has answered: nothing is half-written on a refusal.
 */

export interface CreateEngineeringIssueInput {
  title: string;
  summary: string;
  /** `owner/name`; the configured default when absent. */
  repository?: string;
  /** The configured default labels when absent. */
  labels?: string[];
  /** The summary goes as written, email addresses and @mentions included: the agent's explicit choice. */
  keepContactDetails?: boolean;
}

async function staffTicket(ctx: Context, number: number): Promise<TicketListRow> {
  return assertCanViewTicket(
    ctx.actor,
    await findTicketByNumber(ctx.db, tenantScopeOf(ctx.actor), number),
    number,
  );
}

async function viewOf(ctx: Context, ticket: TicketListRow): Promise<TicketEngineeringView> {
  const comments = await listCommentRows(ctx.db, tenantScopeOf(ctx.actor), ticket.id, ["public"]);
  // Internal notes never reach the draft: only what the customer wrote, and the first of it.
  const opening = comments.find((comment) => comment.author_role === "customer");
  return presentTicketEngineering({
    ticketNumber: ticket.number,
    row: await findTicketEngineering(ctx.db, ticket.id),
    github: await githubAvailability(ctx.db),
    draft: {
      title: ticket.subject,
      summary: draftIssueSummary({ subject: ticket.subject, openingMessage: opening?.body_text ?? null }),
    },
  });
}

export async function readTicketEngineering({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<TicketEngineeringView> {
  requireStaff(ctx.actor);
  return viewOf(ctx, await staffTicket(ctx, number));
}

/** The flag an agent sets when a request needs engineering; the answer carries the prompt to ask. */
export async function setNeedsEngineering({
  ctx,
  number,
  needsEngineering,
}: {
  ctx: Context;
  number: number;
  needsEngineering: boolean;
}): Promise<TicketEngineeringView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const ticket = await staffTicket(tx, number);
    const stored = (await findTicketEngineering(tx.db, ticket.id)) ?? noEngineering(ticket.id);
    if ((stored.needs_engineering === 1) !== needsEngineering) {
      const now = tx.clock.now().toISOString();
      await saveTicketEngineering(tx.db, {
        ...stored,
        needs_engineering: needsEngineering ? 1 : 0,
        marked_by: tx.actor.kind === "person" ? tx.actor.personId : null,
        marked_at: now,
      });
      const [from, to] = needsEngineering ? ["no", "yes"] : ["yes", "no"];
      await insertTicketEvents(tx.db, [
        eventRow(tx, ticket.id, now, { kind: "field_changed", field: "needs engineering", from, to }),
      ]);
      await recordAudit(tx, {
        action: "ticket.needs_engineering_set",
        targetType: "ticket",
        targetId: ticket.id,
        before: { needsEngineering: !needsEngineering },
        after: { needsEngineering },
      });
    }
    return viewOf(tx, ticket);
  });
}

/** Checks a ticket may take a link now: readable, not closed, none linked yet. */
async function assertLinkable(ctx: Context, number: number): Promise<TicketListRow> {
  const ticket = await staffTicket(ctx, number);
  if (ticket.status === "closed") throw new ConflictError(`Ticket #${number} is closed and read-only.`);
  const link = await findTicketEngineering(ctx.db, ticket.id);
  if (link?.issue_url)
    throw new ConflictError(
      `Ticket #${number} is already linked to ${link.issue_repository}#${link.issue_number}: unlink it first.`,
    );
  return ticket;
}

function allowedRepository(
  settings: GithubEscalationSettings,
  value: string | undefined,
  field: string,
): RepositoryName {
  const chosen = value === undefined ? settings.defaultRepository : parseRepository(value);
  if (!chosen) {
    throw value === undefined
      ? ValidationError.field(field, "no default repository is configured: name one")
      : ValidationError.field(field, `"${value}" is not owner/name`);
  }
  const allowed = settings.repositories.map((repository) => repository.toLowerCase());
  if (!allowed.includes(repositoryText(chosen).toLowerCase()))
    throw UnprocessableContentError.field(
      field,
      `${repositoryText(chosen)} is not among the repositories an admin allowed (${settings.repositories.join(", ") || "none"})`,
    );
  return chosen;
}

/**
 * Stores the link with an internal note and a ticket event, audited, in one transaction. The issue
 * exists on GitHub by now: if this fails, the log names it so nobody files it twice.
 */
async function storeLink(
  ctx: Context,
  number: number,
  issue: GithubIssue,
  how: "opened" | "linked",
): Promise<TicketEngineeringView> {
  const reference = `${repositoryText(issue)}#${issue.number}`;
  try {
    return await inTransaction(ctx, async (tx) => {
      const ticket = await assertLinkable(tx, number);
      const stored = (await findTicketEngineering(tx.db, ticket.id)) ?? noEngineering(ticket.id);
      const now = tx.clock.now().toISOString();
      const row: TicketEngineeringRow = {
        ...stored,
        issue_key: issueKey(issue),
        issue_repository: repositoryText(issue),
        issue_number: issue.number,
        issue_url: issue.url,
        issue_state: issue.state,
        issue_title: issue.title,
        issue_labels: JSON.stringify(issue.labels),
        linked_by: tx.actor.kind === "person" ? tx.actor.personId : null,
        linked_at: now,
        issue_synced_at: now,
      };
      await saveTicketEngineering(tx.db, row);
      const verb = how === "opened" ? "Opened GitHub issue" : "Linked GitHub issue";
      await addComment({
        ctx: tx,
        number,
        input: { body: `${verb} ${reference}: ${issue.title}\n${issue.url}`, visibility: "internal" },
      });
      await insertTicketEvents(tx.db, [
        eventRow(tx, ticket.id, now, {
          kind: "engineering_issue_linked",
          to: issue.url,
          reason: `${reference}: ${issue.title}`,
        }),
      ]);
      await recordAudit(tx, {
        action: how === "opened" ? "ticket.engineering_issue_opened" : "ticket.engineering_issue_linked",
        targetType: "ticket",
        targetId: ticket.id,
        after: { repository: row.issue_repository, number: issue.number, url: issue.url },
      });
      return viewOf(tx, ticket);
    });
  } catch (error) {
    if (how === "opened")
      ctx.logger.error(
        { err: error, ticketNumber: number, issueUrl: issue.url },
        `GitHub issue ${reference} was created but could not be linked to ticket #${number}: link ${issue.url} by hand rather than open another`,
      );
    throw error;
  }
}

export async function createEngineeringIssue({
  ctx,
  number,
  input,
  publicUrl,
}: {
  ctx: Context;
  number: number;
  input: CreateEngineeringIssueInput;
  /** TEND_PUBLIC_URL: the issue links back to the ticket in the workspace. */
  publicUrl: string;
}): Promise<TicketEngineeringView> {
  requireStaff(ctx.actor);
  const ticket = await assertLinkable(ctx, number);
  const title = input.title.trim();
  if (!title) throw ValidationError.field("title", "an issue needs a title");
  const settings = await githubEscalationSettings(ctx);
  const repository = allowedRepository(settings, input.repository, "repository");
  const labels = input.labels === undefined ? settings.defaultLabels : checkedLabels(input.labels, "labels");
  const body = issueBody({
    summary: input.summary,
    ticketNumber: ticket.number,
    ticketUrl: `${publicUrl}/tickets/${ticket.number}`,
    keepContactDetails: input.keepContactDetails === true,
  });
  const issue = await createGithubIssue(settings.connection, ctx.logger, {
    ...repository,
    title,
    body,
    labels,
  });
  ctx.logger.info({ ticketNumber: number, issueUrl: issue.url }, "GitHub issue opened from a ticket");
  return storeLink(ctx, number, issue, "opened");
}

/** Links an issue that already exists, read from GitHub so the ticket shows its state and title. */
export async function linkEngineeringIssue({
  ctx,
  number,
  issue: reference,
}: {
  ctx: Context;
  number: number;
  issue: string;
}): Promise<TicketEngineeringView> {
  requireStaff(ctx.actor);
  await assertLinkable(ctx, number);
  const settings = await githubEscalationSettings(ctx);
  const parsed = parseIssueReference(reference, settings.defaultRepository);
  if ("problem" in parsed) throw ValidationError.field("issue", parsed.problem);
  allowedRepository(settings, repositoryText(parsed), "issue");
  const issue = await readGithubIssue(settings.connection, ctx.logger, parsed);
  return storeLink(ctx, number, issue, "linked");
}

/** Removes a wrong link; the flag stays. Nothing is changed on GitHub. */
export async function unlinkEngineeringIssue({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<TicketEngineeringView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const ticket = await staffTicket(tx, number);
    const stored = await findTicketEngineering(tx.db, ticket.id);
    if (!stored?.issue_url) throw new ConflictError(`Ticket #${number} has no linked GitHub issue.`);
    await saveTicketEngineering(tx.db, {
      ...noEngineering(ticket.id),
      needs_engineering: stored.needs_engineering,
      marked_by: stored.marked_by,
      marked_at: stored.marked_at,
    });
    await recordAudit(tx, {
      action: "ticket.engineering_issue_unlinked",
      targetType: "ticket",
      targetId: ticket.id,
      before: { repository: stored.issue_repository, number: stored.issue_number, url: stored.issue_url },
    });
    return viewOf(tx, ticket);
  });
}
