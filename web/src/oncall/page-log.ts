import { type EscalationStep, escalationSteps } from "../../../src/modules/oncall/escalation.js";
import type { PageEventView, PageView } from "../../../src/modules/paging/paging-presenter.js";
import type { EscalationPolicyView, EscalationTarget } from "./escalation-policy-draft.js";

export type { PageEventView, PageView };

export const severityNames = {
  sev1: "Sev 1: service down",
  sev2: "Sev 2: badly degraded",
  sev3: "Sev 3: degraded",
  sev4: "Sev 4: minor",
};

export const statusNames: Record<PageView["status"], string> = {
  open: "Open",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
};

/** A log event's kind as the team reads it in the page's history. */
export const eventKindNames: Record<string, string> = {
  opened: "Opened",
  escalated: "Escalated",
  notified: "Notified",
  notification_failed: "Notification failed",
  posted_to_chat: "Posted to chat",
  exhausted: "Policy spent",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
};

export const eventKindName = (kind: string) => eventKindNames[kind] ?? kind.replace(/_/g, " ");

/**
 * How the event reached someone: the escalation job writes "notified via email (level 1)" and
 * "posted to the chat webhook (level 1)"; a failed mail came by email too.
 */
export function notificationChannel(event: Pick<PageEventView, "kind" | "detail">): string | null {
  if (event.kind === "posted_to_chat") return "chat webhook";
  if (event.kind === "notification_failed" && /\bmail\b/.test(event.detail)) return "email";
  const via = /\bvia ([\w-]+(?: webhook)?)/.exec(event.detail);
  return via?.[1] ?? null;
}

/** Events that tell of one person being reached, or not. */
const notifications = new Set(["notified", "notification_failed"]);

/**
 * What a log line says after its kind: who was reached and by which channel, who acted, or what
 * the escalation did, without saying a thing twice ("Acknowledged by Sam", not "acknowledged").
 */
export function eventSentence(event: PageEventView): string {
  if (event.person && notifications.has(event.kind)) {
    const channel = notificationChannel(event);
    const whom = event.kind === "notified" ? event.person.name : `for ${event.person.name}`;
    return ` ${whom}${channel ? ` by ${channel}` : ""}: ${event.detail}`;
  }
  if (event.person)
    return ` by ${event.person.name}${event.detail === event.kind ? "" : `: ${event.detail}`}`;
  const by = event.actor === "escalation" ? "" : ` (${event.actor})`;
  return `: ${event.detail}${by}`;
}

/** A step as the log names it: "level 2", "level 1 (repeat 1)", "fallback". */
export function stepLabel(step: Pick<EscalationStep, "pass" | "level">): string {
  const level = step.level === "fallback" ? "fallback" : `level ${step.level + 1}`;
  return step.pass > 0 && step.level !== "fallback" ? `${level} (repeat ${step.pass})` : level;
}

export interface PlannedStep {
  label: string;
  targets: readonly EscalationTarget[];
  /** When the step notifies if nobody acknowledges first. */
  at: number;
  /** How long it waits before the next step; null for the last. */
  waitMinutes: number | null;
  state: "done" | "next" | "later" | "skipped";
}

/**
 * The policy's steps for this page, timed from when it opened, each marked by what the log says:
 * done when an escalation event for it is logged, the first one not logged is next while the page
 * is open, and once it is answered the rest were never needed.
 */
export function plannedSteps(
  policy: Pick<EscalationPolicyView, "levels" | "repeats" | "fallback">,
  page: Pick<PageView, "openedAt" | "status">,
  log: readonly Pick<PageEventView, "kind">[],
): PlannedStep[] {
  const steps = escalationSteps(policy, Date.parse(page.openedAt));
  const done = log.filter((event) => event.kind === "escalated").length;
  return steps.map((step, index) => {
    const following = steps[index + 1];
    let state: PlannedStep["state"] = "later";
    if (index < done) state = "done";
    else if (page.status !== "open") state = "skipped";
    else if (index === done) state = "next";
    return {
      label: stepLabel(step),
      targets: step.targets,
      at: step.notifyAt,
      waitMinutes: following ? Math.round((following.notifyAt - step.notifyAt) / 60_000) : null,
      state,
    };
  });
}
