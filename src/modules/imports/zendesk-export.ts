import { z } from "zod";
import { htmlToText } from "../tickets/comment-body.js";
import type { TicketChannel } from "../tickets/ticket.js";
import type { TicketStatus } from "../tickets/ticket-status.js";
import {
  type ImportedComment,
  type ImportedOrganization,
  type ImportedPerson,
  type ImportedTicket,
  type ImportPlan,
  type ImportProblem,
  normalizeInstant,
} from "./import-plan.js";
import { readEmbeddedRecords, readRecords } from "./read-records.js";

/**
 * Zendesk's export as Tend reads it: tickets (with their `comments`, as the account data export
 * writes them, or only their `description`), users, organizations and groups, in Zendesk's REST API
 * shapes. Each file may be JSON Lines, a JSON array, or an API response (`{"tickets": [...]}`);
 * one JSON document may hold every kind.
 */
export interface ZendeskExportFiles {
  tickets: { name: string; text: string };
  users?: { name: string; text: string };
  organizations?: { name: string; text: string };
  groups?: { name: string; text: string };
}

const zendeskId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

const zendeskOrganization = z.object({
  id: zendeskId,
  name: z.string().min(1),
  domain_names: z.array(z.string()).nullish(),
  notes: z.string().nullish(),
});

const zendeskUser = z.object({
  id: zendeskId,
  name: z.string().nullish(),
  email: z.string().nullish(),
  role: z.string().nullish(),
  organization_id: zendeskId.nullish(),
});

const zendeskGroup = z.object({ id: zendeskId, name: z.string().min(1) });

const zendeskComment = z.object({
  author_id: zendeskId,
  body: z.string().nullish(),
  plain_body: z.string().nullish(),
  html_body: z.string().nullish(),
  public: z.boolean().nullish(),
  created_at: z.string(),
});

const zendeskTicket = z.object({
  id: zendeskId,
  subject: z.string().nullish(),
  raw_subject: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  requester_id: zendeskId,
  assignee_id: zendeskId.nullish(),
  group_id: zendeskId.nullish(),
  tags: z.array(z.string()).nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  via: z.object({ channel: z.string().nullish() }).nullish(),
  comments: z.array(zendeskComment).nullish(),
});

/** Zendesk's "on-hold" waits on a third party: Tend's Pending, tagged so the team can find them. */
const statusOf: Record<string, TicketStatus> = {
  new: "new",
  open: "open",
  pending: "pending",
  hold: "pending",
  solved: "solved",
  closed: "closed",
};

const channelOf: Record<string, TicketChannel> = {
  email: "email",
  web: "portal",
  web_form: "portal",
  help_center: "portal",
  api: "api",
  chat: "chat",
  native_messaging: "chat",
  slack: "chat",
  voice: "phone",
  phone: "phone",
};

const tagPattern = /^[a-z0-9][a-z0-9_\-:.]{0,63}$/;

export function readZendeskExport(files: ZendeskExportFiles): ImportPlan {
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  const validate = <T>(records: unknown[], where: string, kind: string, schema: z.ZodType<T>): T[] => {
    const parsed: T[] = [];
    records.forEach((record, index) => {
      const result = schema.safeParse(record);
      if (result.success) parsed.push(result.data);
      else
        problems.push({
          where: `${where}, ${kind} ${index + 1}`,
          message: result.error.issues
            .map((issue) => `${issue.path.join(".") || "record"}: ${issue.message}`)
            .join("; "),
        });
    });
    return parsed;
  };
  const parse = <T>(
    file: { name: string; text: string } | undefined,
    kind: string,
    schema: z.ZodType<T>,
  ): T[] => {
    // Without its own file, a kind may ride along in the tickets file as one JSON document.
    if (!file)
      return validate(readEmbeddedRecords(files.tickets.text, kind), files.tickets.name, kind, schema);
    const { records, problems: unreadable } = readRecords(file.text, kind, file.name);
    problems.push(...unreadable);
    return validate(records, file.name, kind, schema);
  };
  const organizations = parse(files.organizations, "organizations", zendeskOrganization);
  const users = parse(files.users, "users", zendeskUser);
  const groups = parse(files.groups, "groups", zendeskGroup);
  const tickets = parse(files.tickets, "tickets", zendeskTicket);

  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const plannedOrganizations: ImportedOrganization[] = organizations.map((organization) => ({
    key: organization.id,
    name: organization.name.trim(),
    domains: (organization.domain_names ?? []).map((domain) => domain.trim().toLowerCase()),
    plan: "cloud",
    notes: organization.notes ?? "",
  }));
  const organizationKeys = new Set(plannedOrganizations.map((organization) => organization.key));
  const people: ImportedPerson[] = users.map((user) => {
    let email = user.email?.trim().toLowerCase() ?? "";
    if (!email.includes("@")) {
      // Zendesk keeps people known only by phone or social profile; Tend needs an address.
      email = `zendesk-user-${user.id}@import.invalid`;
      warnings.push({ where: `user ${user.id}`, message: `has no email address: imported as ${email}` });
    }
    const role = user.role === "admin" ? "admin" : user.role === "agent" ? "agent" : "customer";
    const organizationKey =
      role === "customer" && user.organization_id && organizationKeys.has(user.organization_id)
        ? user.organization_id
        : null;
    if (role === "customer" && user.organization_id && !organizationKey)
      warnings.push({
        where: `user ${user.id}`,
        message: `organization ${user.organization_id} is not in the export: imported without one`,
      });
    return {
      key: user.id,
      email,
      name: user.name?.trim() || email.split("@")[0] || email,
      role,
      organizationKey,
    };
  });

  const plannedTickets: ImportedTicket[] = tickets.map((ticket) => {
    const origin = `Zendesk ticket ${ticket.id}`;
    const createdAt = normalizeInstant(ticket.created_at);
    const updatedAt = ticket.updated_at ? normalizeInstant(ticket.updated_at) : createdAt;
    if (!createdAt || !updatedAt)
      problems.push({ where: origin, message: "has a date that is not ISO 8601" });
    const status = statusOf[ticket.status];
    if (!status)
      problems.push({ where: origin, message: `has status "${ticket.status}", which Tend does not know` });
    const tags = (ticket.tags ?? [])
      .map((tag) => tag.trim().toLowerCase())
      .filter((tag) => tagPattern.test(tag));
    if (ticket.status === "hold") tags.push("zendesk_on_hold");
    const channel = channelOf[ticket.via?.channel ?? ""] ?? "api";
    const comments: ImportedComment[] = (ticket.comments ?? []).map((comment, index) => {
      const at = normalizeInstant(comment.created_at);
      if (!at)
        problems.push({
          where: `${origin}, comment ${index + 1}`,
          message: "has a date that is not ISO 8601",
        });
      const html = comment.html_body?.trim() || null;
      return {
        authorKey: comment.author_id,
        text: comment.plain_body ?? comment.body ?? (html ? htmlToText(html) : ""),
        html,
        visibility: comment.public === false ? "internal" : "public",
        createdAt: at ?? "",
      };
    });
    if (comments.length === 0 && ticket.description)
      comments.push({
        authorKey: ticket.requester_id,
        text: ticket.description,
        html: null,
        visibility: "public",
        createdAt: createdAt ?? "",
      });
    return {
      origin,
      number: Number(ticket.id),
      subject: (ticket.subject ?? ticket.raw_subject ?? "").trim(),
      requesterKey: ticket.requester_id,
      assigneeKey: ticket.assignee_id ?? null,
      groupName: ticket.group_id ? (groupNames.get(ticket.group_id) ?? null) : null,
      status: status ?? "open",
      severity: ticket.priority === "urgent" ? "sev1" : "sev2",
      channel,
      tags: [...new Set(tags)].sort(),
      createdAt: createdAt ?? "",
      updatedAt: updatedAt ?? "",
      comments,
    };
  });
  return {
    source: "zendesk",
    organizations: plannedOrganizations,
    people,
    tickets: plannedTickets,
    problems,
    warnings,
  };
}
