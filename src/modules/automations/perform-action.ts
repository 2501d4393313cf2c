import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { findGroupById } from "../identity/group-repository.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { startPage } from "../paging/manage-pages.js";
import { findPolicyById } from "../paging/paging-repository.js";
import { addComment } from "../tickets/add-comment.js";
import { findTicketById, type TicketListRow, tagsByTicket } from "../tickets/ticket-repository.js";
import { type UpdateTicketInput, updateTicket } from "../tickets/update-ticket.js";
import { queueAddressedWebhook } from "../webhooks/deliver-webhooks.js";
import { findEndpoint } from "../webhooks/webhook-repository.js";
import { leastLoaded, nextRoundRobin } from "./assignment-choice.js";
import {
  type AutomationAction,
  renderJsonTemplate,
  renderTemplate,
  type TemplateValues,
} from "./automation-actions.js";
import {
  activeStaffInGroup,
  moveAssignmentCursor,
  openTicketCounts,
  readAssignmentCursor,
} from "./automation-repository.js";
import { agentsOnDuty } from "./on-duty.js";

export const notifyByEmailJob = "automations.notify-by-email";

export interface NotifyByEmailPayload {
  runId: string;
  personId: string;
  ticketNumber: number;
  subject: string;
  body: string;
}

const scope = systemScope("an automation acts on the ticket whose event it fired on, for the desk");

/** What an automation knows of the run it performs an action in. */
export interface ActionRun {
  runId: string;
  automationName: string;
  /** The admin who saved the automation last: notes and replies are written in their name. */
  authorId: string;
  ticketId: string;
}

async function currentTicket(ctx: Context, ticketId: string): Promise<TicketListRow> {
  const ticket = await findTicketById(ctx.db, scope, ticketId);
  if (!ticket) throw new Error("the ticket no longer exists");
  return ticket;
}

function templateValues(ticket: TicketListRow): TemplateValues {
  return {
    "ticket.number": String(ticket.number),
    "ticket.subject": ticket.subject,
    "ticket.status": ticket.status,
    "ticket.severity": ticket.severity,
    "requester.name": ticket.requester_name,
    "requester.email": ticket.requester_email,
    "organization.name": ticket.organization_name ?? "",
    "assignee.name": ticket.assignee_name ?? "",
    "group.name": ticket.group_name ?? "",
  };
}

/** The ticket as a "call a webhook" action sends it: what a receiver routes on, no conversation text. */
function webhookTicket(ticket: TicketListRow, tags: string[]) {
  return {
    id: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    status: ticket.status,
    severity: ticket.severity,
    category: ticket.category,
    channel: ticket.channel,
    tags,
    group: ticket.group_name,
    assignee: ticket.assignee_name,
    organization: ticket.organization_name,
    plan: ticket.organization_plan,
    requester: { name: ticket.requester_name, email: ticket.requester_email },
    createdAt: ticket.created_at,
  };
}

/** Field changes go through `updateTicket` on the version just read, as an agent's would. */
async function changeTicket(ctx: Context, ticketId: string, changes: Omit<UpdateTicketInput, "version">) {
  const ticket = await currentTicket(ctx, ticketId);
  await updateTicket({ ctx, number: ticket.number, input: { version: ticket.version, ...changes } });
  return ticket;
}

/**
 * Round-robin or least-loaded among the group's active staff on duty. The cursor is read and moved
 * by compare-and-set in the assignment's transaction: a worker that lost the race to another reads
 * the moved cursor and chooses again, so two tickets at once go to two agents.
 */
async function assignInGroup(
  ctx: Context,
  ticketId: string,
  action: Extract<AutomationAction, { type: "assign_in_group" }>,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const chosen = await inTransaction(ctx, async (tx) => {
      const members = await activeStaffInGroup(tx.db, action.groupId);
      const onDuty = await agentsOnDuty(tx.db, members, tx.clock.now());
      if (onDuty.length === 0) throw new Error("nobody in the group is on duty");
      const cursor = await readAssignmentCursor(tx.db, action.groupId);
      const personId =
        action.strategy === "round_robin"
          ? nextRoundRobin(onDuty, cursor.last_person_id)
          : leastLoaded(onDuty, await openTicketCounts(tx.db, onDuty), cursor.last_person_id);
      if (!personId) return null;
      if (!(await moveAssignmentCursor(tx.db, action.groupId, cursor.version, personId))) return null;
      await changeTicket(tx, ticketId, { groupId: action.groupId, assigneeId: personId });
      return personId;
    });
    if (chosen) return (await findPersonById(ctx.db, chosen))?.name ?? chosen;
  }
  throw new Error("the group's assignment cursor kept moving; try again");
}

/**
 * Performs one action as the automation (`ctx.actor` is its system actor) in a transaction of its
 * own, so one failing action leaves the others done and is recorded, not dropped. Returns what it
 * did in words, for the run log.
 */
export async function performAction(ctx: Context, run: ActionRun, action: AutomationAction): Promise<string> {
  switch (action.type) {
    case "set_group":
      await changeTicket(ctx, run.ticketId, { groupId: action.groupId });
      return `group ${(await findGroupById(ctx.db, action.groupId))?.name ?? action.groupId}`;
    case "set_severity":
      await changeTicket(ctx, run.ticketId, { severity: action.severity });
      return `severity ${action.severity}`;
    case "set_status":
      await changeTicket(ctx, run.ticketId, { status: action.status });
      return `status ${action.status}`;
    case "set_assignee":
      await changeTicket(ctx, run.ticketId, { assigneeId: action.assigneeId });
      return action.assigneeId
        ? `assignee ${(await findPersonById(ctx.db, action.assigneeId))?.name ?? action.assigneeId}`
        : "unassigned";
    case "add_tags":
    case "remove_tags": {
      const before = (await tagsByTicket(ctx.db, scope, [run.ticketId])).get(run.ticketId) ?? [];
      const tags =
        action.type === "add_tags"
          ? [...new Set([...before, ...action.tags])]
          : before.filter((tag) => !action.tags.includes(tag));
      await changeTicket(ctx, run.ticketId, { tags });
      return `tags ${tags.join(" ") || "none"}`;
    }
    case "add_internal_note":
    case "send_public_reply": {
      const ticket = await currentTicket(ctx, run.ticketId);
      const body = renderTemplate(action.body, templateValues(ticket));
      const visibility = action.type === "send_public_reply" ? "public" : "internal";
      await addComment({ ctx, number: ticket.number, input: { body, visibility }, writtenBy: run.authorId });
      return visibility === "public" ? "reply sent" : "note added";
    }
    case "notify_by_email": {
      const ticket = await currentTicket(ctx, run.ticketId);
      const values = templateValues(ticket);
      await inTransaction(ctx, async (tx) => {
        for (const personId of action.personIds)
          await enqueueJob(tx, notifyByEmailJob, {
            runId: run.runId,
            personId,
            ticketNumber: ticket.number,
            subject: renderTemplate(action.subject, values),
            body: renderTemplate(action.body, values),
          } satisfies NotifyByEmailPayload);
      });
      return `${action.personIds.length} to notify`;
    }
    case "open_page": {
      const policy = await findPolicyById(ctx.db, action.policyId);
      if (!policy) throw new Error("the escalation policy no longer exists");
      const ticket = await currentTicket(ctx, run.ticketId);
      await inTransaction(ctx, (tx) =>
        startPage(tx, {
          title: `#${ticket.number} ${ticket.subject}`,
          details: `Opened by the automation "${run.automationName}".`,
          severity: ticket.severity,
          policy,
          ticket: { id: ticket.id, number: ticket.number },
          openedBecause: `opened by the automation "${run.automationName}" with ${policy.name}`,
        }),
      );
      return `paged ${policy.name}`;
    }
    case "call_webhook": {
      const endpoint = await findEndpoint(ctx.db, action.endpointId);
      if (!endpoint) throw new Error("the webhook endpoint no longer exists");
      const ticket = await currentTicket(ctx, run.ticketId);
      const tags = (await tagsByTicket(ctx.db, scope, [ticket.id])).get(ticket.id) ?? [];
      await inTransaction(ctx, (tx) =>
        queueAddressedWebhook(tx, {
          endpointId: endpoint.id,
          kind: "automation.webhook_called",
          ticketId: ticket.id,
          data: {
            automation: { name: run.automationName, runId: run.runId },
            ticket: webhookTicket(ticket, tags),
            ...(action.bodyTemplate === undefined
              ? {}
              : { body: renderJsonTemplate(action.bodyTemplate, templateValues(ticket)) }),
          },
        }),
      );
      return `webhook ${endpoint.url} called`;
    }
    case "assign_in_group":
      return `assigned ${await assignInGroup(ctx, run.ticketId, action)}`;
  }
}
