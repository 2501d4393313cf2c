import type { Role } from "../identity/actor.js";
import type { Plan } from "../identity/organization.js";
import type { Severity, TicketChannel } from "../tickets/ticket.js";
import type { TicketStatus } from "../tickets/ticket-status.js";

/**
 * What an import brings, whatever it came from (a Zendesk export, CSV files): organizations,
 * people and tickets keyed by the source's own ids, with their original numbers and times. The
 * readers of each format build one; `checkImportPlan` finds what cannot be imported before anything
 * is written, and `apply-import.ts` writes it all or nothing.
 */
export interface ImportPlan {
  source: "zendesk" | "csv";
  organizations: ImportedOrganization[];
  people: ImportedPerson[];
  tickets: ImportedTicket[];
  /** What the reader could not make sense of, each naming where in the source: the import stops. */
  problems: ImportProblem[];
  /** What the reader had to decide (a placeholder address, an unknown status read as open): reported. */
  warnings: ImportProblem[];
}

export interface ImportedOrganization {
  key: string;
  name: string;
  domains: string[];
  plan: Plan;
  notes: string;
}

export interface ImportedPerson {
  key: string;
  email: string;
  name: string;
  role: Role;
  organizationKey: string | null;
}

export interface ImportedComment {
  authorKey: string;
  text: string;
  html: string | null;
  visibility: "public" | "internal";
  createdAt: string;
}

export interface ImportedTicket {
  /** Where it came from, for problems and the timeline ("Zendesk ticket 1042"). */
  origin: string;
  number: number | null;
  subject: string;
  requesterKey: string;
  assigneeKey: string | null;
  groupName: string | null;
  status: TicketStatus;
  severity: Severity;
  channel: TicketChannel;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** The first is the description. */
  comments: ImportedComment[];
}

export interface ImportProblem {
  where: string;
  message: string;
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An instant as Tend stores it (ISO 8601 UTC with milliseconds); undefined when the text is no instant. */
export function normalizeInstant(text: string): string | undefined {
  const trimmed = text.trim();
  if (!isoInstant.test(trimmed)) return undefined;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The problems that stop an import, found before anything is written: references to people or
 * organizations the source does not hold, a ticket number used twice, a ticket without any text,
 * comments dated before their ticket, the same email for two people.
 */
export function checkImportPlan(plan: ImportPlan): ImportProblem[] {
  const problems = [...plan.problems];
  const organizationKeys = new Set(plan.organizations.map((o) => o.key));
  const people = new Map(plan.people.map((p) => [p.key, p]));
  const emails = new Map<string, string>();
  for (const person of plan.people) {
    const email = person.email.toLowerCase();
    const other = emails.get(email);
    if (other !== undefined && other !== person.key)
      problems.push({ where: `person ${person.key}`, message: `${email} is also person ${other}` });
    emails.set(email, person.key);
    if (person.organizationKey !== null && !organizationKeys.has(person.organizationKey))
      problems.push({
        where: `person ${person.key}`,
        message: `organization ${person.organizationKey} is not in the export`,
      });
  }
  const numbers = new Map<number, string>();
  for (const ticket of plan.tickets) {
    const where = ticket.origin;
    if (ticket.number !== null) {
      const other = numbers.get(ticket.number);
      if (other) problems.push({ where, message: `number ${ticket.number} is also ${other}` });
      numbers.set(ticket.number, where);
    }
    if (!ticket.subject.trim()) problems.push({ where, message: "has no subject" });
    if (!people.has(ticket.requesterKey))
      problems.push({ where, message: `requester ${ticket.requesterKey} is not in the export` });
    const assignee = ticket.assigneeKey === null ? undefined : people.get(ticket.assigneeKey);
    if (ticket.assigneeKey !== null && !assignee)
      problems.push({ where, message: `assignee ${ticket.assigneeKey} is not in the export` });
    else if (assignee && assignee.role === "customer")
      problems.push({ where, message: `assignee ${assignee.email} is a customer, not an agent` });
    if (ticket.comments.length === 0) problems.push({ where, message: "has no description or comment" });
    ticket.comments.forEach((comment, index) => {
      if (!people.has(comment.authorKey))
        problems.push({
          where: `${where}, comment ${index + 1}`,
          message: `author ${comment.authorKey} is not in the export`,
        });
      if (comment.createdAt < ticket.createdAt)
        problems.push({ where: `${where}, comment ${index + 1}`, message: "is dated before its ticket" });
    });
  }
  return problems;
}
