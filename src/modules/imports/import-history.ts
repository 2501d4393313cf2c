import { ForbiddenError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Role } from "../identity/actor.js";
import { findGroupByName, insertGroup } from "../identity/group-repository.js";
import { isAdmin } from "../identity/identity-policy.js";
import { domainOfEmail } from "../identity/organization.js";
import {
  domainsTakenElsewhere,
  findOrganizationIdByDomain,
  insertOrganization,
} from "../identity/organization-repository.js";
import { findPersonByEmail, insertPerson, type PersonRow } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { commentBody } from "../tickets/comment-body.js";
import { unqualifiedReply } from "../tickets/reply-qualification.js";
import { eventRow } from "../tickets/ticket-events.js";
import {
  continueTicketNumbersAfterRestore,
  nextTicketNumber,
  recordTicketNumberCounter,
} from "../tickets/ticket-numbers.js";
import {
  insertComment,
  insertTicket,
  insertTicketEvents,
  replaceTicketTags,
  type TicketEventRow,
} from "../tickets/ticket-repository.js";
import { indexSearchDocuments, type SearchDocument } from "../tickets/ticket-search.js";
import type { TicketStatus } from "../tickets/ticket-status.js";
import { checkImportPlan, type ImportPlan, type ImportProblem } from "./import-plan.js";
import { findOrganizationIdByName, takenTicketNumbers } from "./import-repository.js";

export interface ImportReport {
  source: ImportPlan["source"];
  /** True when nothing was written: a dry run, or an import stopped by problems. */
  dryRun: boolean;
  applied: boolean;
  organizations: { created: number; matched: number };
  people: { created: number; matched: number; createdByRole: Record<Role, number> };
  groups: { created: string[] };
  tickets: {
    created: number;
    byStatus: Partial<Record<TicketStatus, number>>;
    firstNumber: number | null;
    lastNumber: number | null;
  };
  comments: number;
  problems: ImportProblem[];
  warnings: ImportProblem[];
}

/** Thrown inside the import's transaction to roll it back and still answer with the report. */
class RollBack extends Error {}

/**
 * Imports a desk's history: organizations, people, groups and tickets with their comments, keeping
 * the source's ticket numbers and times, all in one transaction. A dry run (the default) does the
 * whole import and rolls it back, so its report is exactly what applying would do — constraint
 * failures included — and an import with any problem writes nothing. Imported tickets publish no
 * ticket events to consumers and send no mail: they are history, not news. Live ones get their SLA
 * clocks from their own history, so one already overdue is breached as it would be after any change.
 */
export async function importHistory(
  ctx: Context,
  plan: ImportPlan,
  options: { apply: boolean },
): Promise<ImportReport> {
  if (!(ctx.actor.kind === "system" || isAdmin(ctx.actor)))
    throw new ForbiddenError("Only an admin or the operator imports a desk's history.");
  const report: ImportReport = {
    source: plan.source,
    dryRun: true,
    applied: false,
    organizations: { created: 0, matched: 0 },
    people: { created: 0, matched: 0, createdByRole: { customer: 0, agent: 0, admin: 0 } },
    groups: { created: [] },
    tickets: { created: 0, byStatus: {}, firstNumber: null, lastNumber: null },
    comments: 0,
    problems: checkImportPlan(plan),
    warnings: [...plan.warnings],
  };
  if (report.problems.length > 0) return report;
  try {
    await inTransaction(ctx, async (tx) => {
      await writePlan(tx, plan, report);
      if (report.problems.length > 0 || !options.apply) throw new RollBack();
      await recordTicketNumberCounter(tx.db, tx.dialect);
      await continueTicketNumbersAfterRestore(tx.db, tx.dialect);
      await recordAudit(tx, {
        action: "import.applied",
        targetType: "desk",
        targetId: plan.source,
        after: {
          organizations: report.organizations,
          people: { created: report.people.created, matched: report.people.matched },
          tickets: report.tickets.created,
          comments: report.comments,
        },
      });
    });
  } catch (error) {
    if (error instanceof RollBack) return report;
    throw error;
  }
  ctx.logger.info({ source: plan.source, tickets: report.tickets.created }, "history imported");
  return { ...report, dryRun: false, applied: true };
}

async function writePlan(tx: Context, plan: ImportPlan, report: ImportReport): Promise<void> {
  const scope = systemScope("importing a desk's history for the operator");
  const now = tx.clock.now().toISOString();

  const organizationIds = new Map<string, string>();
  for (const organization of plan.organizations) {
    const existing =
      (await findOrganizationIdByName(tx.db, scope, organization.name)) ??
      (organization.domains[0]
        ? await findOrganizationIdByDomain(tx.db, organization.domains[0])
        : undefined);
    if (existing) {
      organizationIds.set(organization.key, existing);
      report.organizations.matched += 1;
      continue;
    }
    const taken = new Set(await domainsTakenElsewhere(tx.db, organization.domains, null));
    for (const domain of taken)
      report.warnings.push({
        where: `organization ${organization.name}`,
        message: `domain ${domain} belongs to another organization in Tend: left out`,
      });
    const id = newId();
    await insertOrganization(tx.db, {
      id,
      name: organization.name,
      domains: [...new Set(organization.domains)].filter((domain) => !taken.has(domain)),
      plan: organization.plan,
      stage: "customer",
      notes: organization.notes,
      customer_ticket_visibility: "organization",
      created_at: now,
      updated_at: now,
    });
    organizationIds.set(organization.key, id);
    report.organizations.created += 1;
  }

  const people = new Map<string, PersonRow>();
  for (const person of plan.people) {
    const existing = await findPersonByEmail(tx.db, person.email);
    if (existing) {
      people.set(person.key, existing);
      report.people.matched += 1;
      continue;
    }
    const organizationId =
      person.role !== "customer"
        ? null
        : person.organizationKey
          ? (organizationIds.get(person.organizationKey) ?? null)
          : ((await findOrganizationIdByDomain(tx.db, domainOfEmail(person.email))) ?? null);
    const row: PersonRow = {
      id: newId(),
      organization_id: organizationId,
      name: person.name,
      email: person.email,
      role: person.role,
      time_zone: "UTC",
      password_hash: null,
      created_at: now,
      updated_at: now,
      deactivated_at: null,
    };
    await insertPerson(tx.db, row);
    people.set(person.key, row);
    report.people.created += 1;
    report.people.createdByRole[person.role] += 1;
  }

  const groupIds = new Map<string, string>();
  const groupIdOf = async (name: string | null): Promise<string | null> => {
    const groupName = name?.trim() || "Tier 1";
    const known = groupIds.get(groupName) ?? (await findGroupByName(tx.db, groupName))?.id;
    if (known) {
      groupIds.set(groupName, known);
      return known;
    }
    const id = newId();
    await insertGroup(tx.db, {
      id,
      name: groupName,
      description: `Imported from ${plan.source}`,
      created_at: now,
      updated_at: now,
    });
    groupIds.set(groupName, id);
    report.groups.created.push(groupName);
    return id;
  };

  const wanted = plan.tickets.flatMap((ticket) => (ticket.number === null ? [] : [ticket.number]));
  const taken = await takenTicketNumbers(tx.db, scope, wanted);
  for (const ticket of plan.tickets) {
    if (ticket.number !== null && taken.has(ticket.number)) {
      report.problems.push({
        where: ticket.origin,
        message: `number ${ticket.number} is taken by a ticket in Tend`,
      });
      continue;
    }
    const requester = people.get(ticket.requesterKey) as PersonRow;
    const assignee = ticket.assigneeKey === null ? null : (people.get(ticket.assigneeKey) as PersonRow);
    if (assignee && assignee.role === "customer") {
      report.problems.push({
        where: ticket.origin,
        message: `assignee ${assignee.email} is a customer in Tend`,
      });
      continue;
    }
    const number = ticket.number ?? (await nextTicketNumber(tx.db, tx.dialect));
    const id = newId();
    const lastActivity = [ticket.createdAt, ...ticket.comments.map((c) => c.createdAt)].sort().at(-1);
    const finished = ticket.status === "solved" || ticket.status === "closed";
    await insertTicket(tx.db, {
      id,
      number,
      subject: ticket.subject,
      requester_id: requester.id,
      organization_id: requester.organization_id,
      channel: ticket.channel,
      status: ticket.status,
      severity: ticket.severity,
      category: "other",
      group_id: await groupIdOf(ticket.groupName),
      assignee_id: assignee?.id ?? null,
      follow_up_of_id: null,
      version: 1,
      created_at: ticket.createdAt,
      updated_at: ticket.updatedAt,
      last_activity_at: lastActivity ?? ticket.createdAt,
      solved_at: finished ? ticket.updatedAt : null,
      closed_at: ticket.status === "closed" ? ticket.updatedAt : null,
      next_sla_due_at: null,
    });
    if (ticket.tags.length > 0) await replaceTicketTags(tx.db, id, ticket.tags);
    const events: TicketEventRow[] = [
      eventRow(tx, id, ticket.createdAt, {
        kind: "created",
        field: "status",
        to: "new",
        reason: `Imported from ${ticket.origin}`,
      }),
    ];
    const documents: SearchDocument[] = [{ ticketId: id, visibility: "public", text: ticket.subject }];
    for (const [index, comment] of ticket.comments.entries()) {
      let body: { text: string; html: string };
      try {
        body = commentBody({ body: comment.text || undefined, bodyHtml: comment.html ?? undefined });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        report.problems.push({ where: `${ticket.origin}, comment ${index + 1}`, message: error.message });
        continue;
      }
      const commentId = newId();
      await insertComment(tx.db, {
        id: commentId,
        ticket_id: id,
        author_id: (people.get(comment.authorKey) as PersonRow).id,
        visibility: comment.visibility,
        channel: ticket.channel,
        body_text: body.text,
        body_html: body.html,
        created_at: comment.createdAt,
        ...unqualifiedReply,
      });
      events.push(
        eventRow(tx, id, comment.createdAt, {
          kind: comment.visibility === "public" ? "public_reply_added" : "internal_note_added",
          to: commentId,
        }),
      );
      documents.push({ ticketId: id, visibility: comment.visibility, text: body.text });
      report.comments += 1;
    }
    if (ticket.status !== "new")
      events.push(
        eventRow(tx, id, ticket.updatedAt, {
          kind: "field_changed",
          field: "status",
          from: "new",
          to: ticket.status,
          reason: `Status in ${plan.source === "zendesk" ? "Zendesk" : "the imported file"}`,
        }),
      );
    await insertTicketEvents(tx.db, events);
    await indexSearchDocuments(tx.db, tx.dialect, documents);
    // Live tickets owe answers now: their clocks run from their own history, as after any change.
    if (!finished) await recomputeTicketSla(tx, id);
    report.tickets.created += 1;
    report.tickets.byStatus[ticket.status] = (report.tickets.byStatus[ticket.status] ?? 0) + 1;
    report.tickets.firstNumber = Math.min(report.tickets.firstNumber ?? number, number);
    report.tickets.lastNumber = Math.max(report.tickets.lastNumber ?? number, number);
  }
}
