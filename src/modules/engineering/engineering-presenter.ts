import type { TicketEngineeringRow } from "./engineering-repository.js";
import { engineeringPrompt } from "./issue-summary.js";

export interface LinkedIssueView {
  repository: string;
  number: number;
  url: string;
  state: "open" | "closed";
  title: string;
  labels: string[];
  linkedAt: string;
}

export interface TicketEngineeringView {
  ticketNumber: number;
  needsEngineering: boolean;
  /** The objectives' rule, for the workspace to ask, while the ticket needs engineering and has no issue. */
  prompt: string | null;
  issue: LinkedIssueView | null;
  github: { connected: boolean; repositories: string[]; defaultLabels: string[] };
  /** What the create form starts from: the subject, and the customer's words without contact details. */
  draft: { title: string; summary: string };
}

export function presentLinkedIssue(row: TicketEngineeringRow | undefined): LinkedIssueView | null {
  if (!row?.issue_repository || row.issue_number === null || !row.issue_url || !row.linked_at) return null;
  return {
    repository: row.issue_repository,
    number: row.issue_number,
    url: row.issue_url,
    state: row.issue_state === "closed" ? "closed" : "open",
    title: row.issue_title ?? "",
    labels: row.issue_labels ? (JSON.parse(row.issue_labels) as string[]) : [],
    linkedAt: row.linked_at,
  };
}

export function presentTicketEngineering(input: {
  ticketNumber: number;
  row: TicketEngineeringRow | undefined;
  github: TicketEngineeringView["github"];
  draft: TicketEngineeringView["draft"];
}): TicketEngineeringView {
  const needsEngineering = input.row?.needs_engineering === 1;
  const issue = presentLinkedIssue(input.row);
  return {
    ticketNumber: input.ticketNumber,
    needsEngineering,
    prompt: needsEngineering && !issue ? engineeringPrompt : null,
    issue,
    github: input.github,
    draft: input.draft,
  };
}
