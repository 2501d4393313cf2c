import type { EscalationPolicy, EscalationTarget } from "../oncall/escalation.js";
import type { EscalationPolicyRow, PageEventRow, PageListRow, PageStatus } from "./paging-repository.js";

export interface EscalationPolicyView {
  levels: { targets: EscalationTarget[]; timeoutMinutes: number }[];
  repeats: number;
  fallback: EscalationTarget[];
  chatWebhookConfigured: boolean;
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface PageEventView {
  kind: string;
  /** The person notified, or who opened, acknowledged or resolved the page. */
  person: { id: string; name: string } | null;
  detail: string;
  /** Who acted: the person's name, or what the system was doing ("escalation"). */
  actor: string;
  at: string;
}

export interface PageView {
  id: string;
  title: string;
  details: string;
  severity: string;
  ticketNumber: number | null;
  policy: { id: string; name: string };
  status: PageStatus;
  openedBy: string | null;
  /** Who opened it when no Tend account did: `Slack /page by @ana (U1) in #ops, team T1`, a paging trigger. */
  openedByActor: string | null;
  openedAt: string;
  acknowledgedBy: string | null;
  acknowledgedByActor: string | null;
  acknowledgedAt: string | null;
  resolvedBy: string | null;
  resolvedByActor: string | null;
  resolvedAt: string | null;
}

export function storedPolicy(row: EscalationPolicyRow): EscalationPolicy {
  return JSON.parse(row.definition) as EscalationPolicy;
}

export function presentPolicy(row: EscalationPolicyRow): EscalationPolicyView {
  // Parsed afresh, so the view owns its arrays.
  const { levels, repeats, fallback } = JSON.parse(row.definition) as EscalationPolicyView;
  return {
    id: row.id,
    name: row.name,
    levels,
    repeats,
    fallback,
    chatWebhookConfigured: row.chat_webhook_url !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentPage(row: PageListRow): PageView {
  return {
    id: row.id,
    title: row.title,
    details: row.details,
    severity: row.severity,
    ticketNumber: row.ticket_number === null ? null : Number(row.ticket_number),
    policy: { id: row.policy_id, name: row.policy_name },
    status: row.status as PageStatus,
    openedBy: row.opened_by,
    openedByActor: row.opened_by ? null : row.opened_by_actor,
    openedAt: row.opened_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedByActor: row.acknowledged_by ? null : row.acknowledged_by_actor,
    acknowledgedAt: row.acknowledged_at,
    resolvedBy: row.resolved_by,
    resolvedByActor: row.resolved_by ? null : row.resolved_by_actor,
    resolvedAt: row.resolved_at,
  };
}

export function presentPageEvent(row: PageEventRow, names: ReadonlyMap<string, string>): PageEventView {
  const person = row.person_id ? { id: row.person_id, name: names.get(row.person_id) ?? "someone" } : null;
  return {
    kind: row.kind,
    person,
    detail: row.detail,
    actor: row.actor ?? person?.name ?? "someone",
    at: row.at,
  };
}
