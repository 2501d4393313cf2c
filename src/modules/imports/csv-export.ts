import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type TicketChannel, ticketChannels } from "../tickets/ticket.js";
import { type TicketStatus, ticketStatuses } from "../tickets/ticket-status.js";
import {
  type ImportedOrganization,
  type ImportedPerson,
  type ImportedTicket,
  type ImportPlan,
  type ImportProblem,
  normalizeInstant,
} from "./import-plan.js";

/**
 * Tickets from a spreadsheet or another help desk's CSV export. `tickets.csv` has a header row
 * naming its columns (any order; unknown columns are ignored):
 *   subject, description, requester_email (required); number, requester_name, organization,
 *   status, priority, channel, assignee_email, assignee_name, group, tags (space- or comma-separated),
 *   created_at, updated_at (ISO 8601; default: now).
 * An optional `comments.csv`: ticket_number or ticket_row (the 1-based data row in tickets.csv),
 *   author_email, body (required); author_name, public (true/false, default true), created_at.
 * Requesters and comment authors are customers; assignees are agents (existing people keep their role).
 */
export interface CsvExportFiles {
  tickets: { name: string; text: string };
  comments?: { name: string; text: string };
  /** The instant missing dates take: when the import runs. */
  now: string;
}

const text = z.string().transform((value) => value.trim());
const optional = text.optional().transform((value) => (value ? value : undefined));

const ticketRow = z.object({
  number: optional,
  subject: text,
  description: text,
  requester_email: text,
  requester_name: optional,
  organization: optional,
  status: optional,
  priority: optional,
  channel: optional,
  assignee_email: optional,
  assignee_name: optional,
  group: optional,
  tags: optional,
  created_at: optional,
  updated_at: optional,
});

const commentRow = z.object({
  ticket_number: optional,
  ticket_row: optional,
  author_email: text,
  author_name: optional,
  body: text,
  public: optional,
  created_at: optional,
});

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const tagPattern = /^[a-z0-9][a-z0-9_\-:.]{0,63}$/;

function readCsv(file: { name: string; text: string }, problems: ImportProblem[]): Record<string, string>[] {
  try {
    return parse(file.text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as Record<string, string>[];
  } catch (error) {
    problems.push({ where: file.name, message: (error as Error).message });
    return [];
  }
}

export function readCsvExport(files: CsvExportFiles): ImportPlan {
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const organizations = new Map<string, ImportedOrganization>();
  const people = new Map<string, ImportedPerson>();
  const tickets: ImportedTicket[] = [];

  const personFor = (email: string, name: string | undefined, role: "customer" | "agent", where: string) => {
    const key = email.toLowerCase();
    if (!emailPattern.test(key)) {
      problems.push({ where, message: `"${email}" is not an email address` });
      return key;
    }
    const known = people.get(key);
    if (known) {
      if (role === "agent") known.role = "agent";
      return key;
    }
    people.set(key, { key, email: key, name: name || key.split("@")[0] || key, role, organizationKey: null });
    return key;
  };

  const ticketRows = readCsv(files.tickets, problems);
  const ticketsByNumber = new Map<string, ImportedTicket>();
  ticketRows.forEach((raw, index) => {
    const origin = `${files.tickets.name} row ${index + 1}`;
    const parsed = ticketRow.safeParse(raw);
    if (!parsed.success) {
      problems.push({
        where: origin,
        message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
      return;
    }
    const row = parsed.data;
    const requesterKey = personFor(row.requester_email, row.requester_name, "customer", origin);
    if (row.organization) {
      const organizationKey = row.organization.toLowerCase();
      if (!organizations.has(organizationKey))
        organizations.set(organizationKey, {
          key: organizationKey,
          name: row.organization,
          domains: [],
          plan: "cloud",
          notes: "",
        });
      const requester = people.get(requesterKey);
      if (requester && requester.role === "customer") requester.organizationKey ??= organizationKey;
    }
    const assigneeKey = row.assignee_email
      ? personFor(row.assignee_email, row.assignee_name, "agent", origin)
      : null;
    const number = row.number === undefined ? null : Number(row.number);
    if (number !== null && !(Number.isInteger(number) && number > 0))
      problems.push({ where: origin, message: `number "${row.number}" is not a positive whole number` });
    const status = (row.status?.toLowerCase() ?? "open") as TicketStatus;
    if (!ticketStatuses.includes(status))
      problems.push({
        where: origin,
        message: `status "${row.status}" is not one of ${ticketStatuses.join(", ")}`,
      });
    const channel = (row.channel?.toLowerCase() ?? "api") as TicketChannel;
    if (!ticketChannels.includes(channel))
      problems.push({
        where: origin,
        message: `channel "${row.channel}" is not one of ${ticketChannels.join(", ")}`,
      });
    const priority = row.priority?.toLowerCase();
    const createdAt = row.created_at ? normalizeInstant(row.created_at) : files.now;
    const updatedAt = row.updated_at ? normalizeInstant(row.updated_at) : createdAt;
    if (!createdAt || !updatedAt)
      problems.push({ where: origin, message: "has a date that is not ISO 8601" });
    const tags: string[] = [];
    for (const tag of (row.tags ?? "").split(/[\s,]+/).filter(Boolean)) {
      if (tagPattern.test(tag.toLowerCase())) tags.push(tag.toLowerCase());
      else warnings.push({ where: origin, message: `tag "${tag}" left out: not a tag Tend accepts` });
    }
    const ticket: ImportedTicket = {
      origin,
      number: number !== null && Number.isInteger(number) && number > 0 ? number : null,
      subject: row.subject,
      requesterKey,
      assigneeKey,
      groupName: row.group ?? null,
      status: ticketStatuses.includes(status) ? status : "open",
      severity: priority === "urgent" || priority === "sev1" ? "sev1" : "sev2",
      channel: ticketChannels.includes(channel) ? channel : "api",
      tags: [...new Set(tags)].sort(),
      createdAt: createdAt ?? "",
      updatedAt: updatedAt ?? "",
      comments: [
        {
          authorKey: requesterKey,
          text: row.description,
          html: null,
          visibility: "public",
          createdAt: createdAt ?? "",
        },
      ],
    };
    tickets.push(ticket);
    ticketsByNumber.set(String(index + 1), ticket);
    if (row.number) ticketsByNumber.set(`#${row.number}`, ticket);
  });

  if (files.comments) {
    readCsv(files.comments, problems).forEach((raw, index) => {
      const where = `${files.comments?.name} row ${index + 1}`;
      const parsed = commentRow.safeParse(raw);
      if (!parsed.success) {
        problems.push({
          where,
          message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        });
        return;
      }
      const row = parsed.data;
      const ticket = row.ticket_number
        ? ticketsByNumber.get(`#${row.ticket_number}`)
        : row.ticket_row
          ? ticketsByNumber.get(row.ticket_row)
          : undefined;
      if (!ticket) {
        problems.push({
          where,
          message: "names no ticket in the tickets file (ticket_number or ticket_row)",
        });
        return;
      }
      const createdAt = row.created_at ? normalizeInstant(row.created_at) : ticket.updatedAt;
      if (!createdAt) problems.push({ where, message: "has a date that is not ISO 8601" });
      const visibility =
        row.public === undefined || /^(true|yes|1)$/i.test(row.public) ? "public" : "internal";
      ticket.comments.push({
        authorKey: personFor(row.author_email, row.author_name, "customer", where),
        text: row.body,
        html: null,
        visibility,
        createdAt: createdAt ?? "",
      });
    });
    for (const ticket of tickets) ticket.comments.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  return {
    source: "csv",
    organizations: [...organizations.values()],
    people: [...people.values()],
    tickets,
    problems,
    warnings,
  };
}
