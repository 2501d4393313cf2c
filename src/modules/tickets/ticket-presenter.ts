import type { AttachmentView } from "../attachments/attachment-presenter.js";
import type { EmailDeliveryView } from "../email/email-presenter.js";
import type { Actor, Role } from "../identity/actor.js";
import { isStaff } from "../identity/identity-policy.js";
import type { Plan, Stage } from "../identity/organization.js";
import type { SlaMetric } from "../sla/sla-types.js";
import type { Category, Severity, TicketChannel, TicketStatus, Visibility } from "./ticket.js";
import type { CommentRow, TicketEventRow, TicketListRow } from "./ticket-repository.js";

export interface TicketView {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  severity: Severity;
  category: Category;
  channel: TicketChannel;
  requester: { id: string; name: string; email: string };
  organization: { id: string; name: string; plan: Plan; stage: Stage } | null;
  group: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  tags: string[];
  /** Number of the closed ticket this one follows up. */
  followUpOf: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  /** The nearest due time of a promise still owed (past when breached); null when none runs. */
  slaDueAt: string | null;
  /** The promise owed first, for the queue's badge; null when none runs. */
  slaClock: SlaClockBadge | null;
}

export interface SlaClockBadge {
  metric: SlaMetric;
  dueAt: string;
  /** When the warning share of the target is reached; null for a target without one. */
  warningAt: string | null;
  breached: boolean;
}

/**
 * The ticket as `viewer` may see it. A customer gets the conversation's facts — subject, status,
 * severity, who asked and who answers — but not how the desk routes and measures it: no group or
 * tags, and no SLA due times (the portal promises an answer time of its own,
 * `sla/promised-answer.ts`). Stripped here, so every route that hands a ticket out follows.
 */
export function presentTicket(row: TicketListRow, tags: string[], viewer: Actor): TicketView {
  const view = presentFullTicket(row, tags);
  if (isStaff(viewer)) return view;
  return {
    ...view,
    group: null,
    tags: [],
    slaDueAt: null,
    slaClock: null,
  };
}

function presentFullTicket(row: TicketListRow, tags: string[]): TicketView {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    status: row.status as TicketStatus,
    severity: row.severity as Severity,
    category: row.category as Category,
    channel: row.channel as TicketChannel,
    requester: { id: row.requester_id, name: row.requester_name, email: row.requester_email },
    organization:
      row.organization_id && row.organization_name
        ? {
            id: row.organization_id,
            name: row.organization_name,
            plan: row.organization_plan as Plan,
            stage: row.organization_stage as Stage,
          }
        : null,
    group: row.group_id && row.group_name ? { id: row.group_id, name: row.group_name } : null,
    assignee: row.assignee_id && row.assignee_name ? { id: row.assignee_id, name: row.assignee_name } : null,
    tags,
    followUpOf: row.follow_up_of_number,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    solvedAt: row.solved_at,
    closedAt: row.closed_at,
    slaDueAt: row.next_sla_due_at,
    slaClock: row.sla_clock
      ? {
          metric: row.sla_clock.metric as SlaMetric,
          dueAt: row.sla_clock.due_at,
          warningAt: row.sla_clock.warn_at,
          breached: row.sla_clock.state === "breached",
        }
      : null,
  };
}

export interface CommentView {
  id: string;
  visibility: Visibility;
  author: { id: string; name: string; role: Role };
  channel: string;
  bodyText: string;
  bodyHtml: string;
  /** Whether this public reply meets a response SLA (summary and next steps, or marked with a reason). */
  qualifying: boolean;
  summary: string | null;
  nextSteps: string | null;
  qualifyingReason: string | null;
  workaround: boolean;
  createdAt: string;
  /** Staff only: where the mail carrying this reply stands; null when none was sent. */
  emailDelivery: EmailDeliveryView | null;
  /** Files that came with this message, to download from /tickets/{number}/attachments/{id}. */
  attachments: AttachmentView[];
}

/** Whether a reply met a response target is the desk's measure: a customer reads it as false. */
export function presentComment(
  row: CommentRow & { author_name: string; author_role: string },
  viewer: Actor,
  emailDelivery: EmailDeliveryView | null = null,
  attachments: AttachmentView[] = [],
): CommentView {
  const staff = isStaff(viewer);
  return {
    id: row.id,
    visibility: row.visibility as Visibility,
    author: { id: row.author_id, name: row.author_name, role: row.author_role as Role },
    channel: row.channel,
    bodyText: row.body_text,
    bodyHtml: row.body_html,
    qualifying: staff && row.qualifying === 1,
    summary: row.summary,
    nextSteps: row.next_steps,
    qualifyingReason: staff ? row.qualifying_reason : null,
    workaround: row.workaround === 1,
    createdAt: row.created_at,
    emailDelivery,
    attachments,
  };
}

export interface TicketEventView {
  id: string;
  kind: string;
  actor: { id: string; name: string } | null;
  channel: string;
  field: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  createdAt: string;
}

export function presentTicketEvent(row: TicketEventRow & { actor_name: string | null }): TicketEventView {
  return {
    id: row.id,
    kind: row.kind,
    actor: row.actor_id && row.actor_name ? { id: row.actor_id, name: row.actor_name } : null,
    channel: row.channel,
    field: row.field,
    from: row.from_value,
    to: row.to_value,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
