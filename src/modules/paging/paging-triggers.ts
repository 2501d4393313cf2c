/**
 * What can page a policy by itself, without anyone pressing "Page". The list is explicit on
 * purpose: a new occasion (issue 8's "a status-page incident is opened") is one more entry here,
 * its description, and a call to `queuePagingTriggers` from the use case where it happens — the
 * table, the admin API and the UI offer whatever this list holds.
 */
export const pagingTriggerKinds = [
  "sev1_ticket_created",
  "sev1_sla_breached",
  "status_incident_opened",
] as const;
export type PagingTriggerKind = (typeof pagingTriggerKinds)[number];

/** In the support team's words: the admin UI and every page's log say these. */
export const pagingTriggerDescriptions: Record<PagingTriggerKind, string> = {
  sev1_ticket_created: "A Sev 1 ticket is created",
  sev1_sla_breached: "An SLA clock is breached on a Sev 1 ticket",
  status_incident_opened: "A status-page incident opens",
};

/** What happened, as the use case that saw it says it. */
export type PagingOccasion =
  | { kind: "sev1_ticket_created"; ticketId: string }
  | {
      kind: "sev1_sla_breached";
      ticketId: string;
      /** The clock's identity: its SLA policy, target and cycle. A clock breaches at most once each. */
      clockKey: string;
      /** "first response", "resolution", …: said in the page's details. */
      metric: string;
      slaPolicyName: string;
      dueAt: string | null;
    }
  | {
      kind: "status_incident_opened";
      incidentId: string;
      title: string;
      impact: string;
      /** A security incident pages as urgently as a critical one, whatever impact it was opened with. */
      security?: boolean;
      /** The rule that opened it, in words; absent when a person did. */
      firedRule?: string;
      /** The rule's explanation with its measured figures. */
      explanation?: string;
    };

/** The occasions about a ticket: their firings are keyed by trigger, ticket and occasion. */
export type TicketPagingOccasion = Exclude<PagingOccasion, { kind: "status_incident_opened" }>;
export type IncidentPagingOccasion = Extract<PagingOccasion, { kind: "status_incident_opened" }>;

/** The occasion's part of a firing's key: one page per trigger, ticket and occasion. */
export function occasionKey(occasion: TicketPagingOccasion): string {
  return occasion.kind === "sev1_ticket_created" ? "created" : `breach:${occasion.clockKey}`;
}

/** Page titles are at most 200 characters (the pages API's own limit). */
const titleLimit = 200;

function clipped(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

export interface TriggeredTicket {
  number: number;
  subject: string;
  severity: string;
  /** The workspace's address of the ticket, when Tend knows its public URL. */
  link: string | null;
}

/**
 * The page a trigger opens for a ticket: a title an on-call engineer understands from a phone's
 * lock screen, details with the link. Only Sev 1 tickets page today, so the page is sev1 too; the
 * ticket's severity passes through unchanged should a trigger for other severities be added.
 */
export function triggeredPage(
  occasion: TicketPagingOccasion,
  ticket: TriggeredTicket,
): { title: string; details: string; severity: string } {
  const ticketName = `Sev ${ticket.severity.replace(/^sev/, "")} ticket #${ticket.number}`;
  const subject = clipped(ticket.subject, titleLimit);
  const what =
    occasion.kind === "sev1_ticket_created"
      ? `${ticketName}: ${subject}`
      : `SLA breached on ${ticketName}: ${subject}`;
  const lines = [
    occasion.kind === "sev1_ticket_created"
      ? `${ticketName} was created: ${subject}`
      : `The ${occasion.metric} promise (${occasion.slaPolicyName}) was breached on ${ticketName}` +
        `${occasion.dueAt ? `; it was due ${occasion.dueAt}` : ""}.`,
    ...(ticket.link ? [`Ticket: ${ticket.link}`] : []),
    `Paged because: ${pagingTriggerDescriptions[occasion.kind]}.`,
  ];
  return { title: clipped(what, titleLimit), details: lines.join("\n"), severity: ticket.severity };
}

const incidentSeverities: Record<string, string> = {
  critical: "sev1",
  major: "sev2",
  minor: "sev3",
  none: "sev4",
};

/**
 * The page a trigger opens when a status incident opens: its title with the impact up front, and
 * in the details the rule and its figures when a rule opened it, then the workspace's incident
 * page. The page's severity follows the impact (a security incident is always sev1): the impact
 * is the team's own measure of how bad it is.
 */
export function triggeredIncidentPage(
  occasion: IncidentPagingOccasion,
  link: string | null,
): { title: string; details: string; severity: string } {
  const what = occasion.security ? "Security incident" : "Status incident";
  const lines = [
    `${what} opened (${occasion.impact} impact): ${clipped(occasion.title, titleLimit)}`,
    ...(occasion.firedRule ? [`Opened by the rule: ${occasion.firedRule}`] : []),
    ...(occasion.explanation ? [clipped(occasion.explanation, 2000)] : []),
    ...(link ? [`Incident: ${link}`] : []),
    `Paged because: ${pagingTriggerDescriptions[occasion.kind]}.`,
  ];
  return {
    title: clipped(`${what} (${occasion.impact}): ${occasion.title}`, titleLimit),
    details: lines.join("\n"),
    severity: occasion.security ? "sev1" : (incidentSeverities[occasion.impact] ?? "sev1"),
  };
}

/**
 * A triggered page with the ticket's subject erased (its requester's right to erasure): the
 * subject is what follows "#<number>: " in the title and " was created: " in the details' first
 * line — both written by `triggeredPage` — so it goes even if the ticket was renamed since.
 */
export function withoutSubject(
  page: { title: string; details: string },
  tombstone: string,
): { title: string; details: string } {
  const cut = (text: string, marker: RegExp) => {
    const found = marker.exec(text);
    return found ? `${text.slice(0, found.index + found[0].length)}${tombstone}` : text;
  };
  const [first = "", ...rest] = page.details.split("\n");
  return {
    title: cut(page.title, /#\d+: /),
    details: [cut(first, / was created: /), ...rest].join("\n"),
  };
}
