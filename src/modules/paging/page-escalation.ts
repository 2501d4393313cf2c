import { NotFoundError } from "../../errors.js";
import type { ClaimedJob } from "../../jobs/job-runner.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { postToChat } from "../../shared/chat-webhook.js";
import { DAY } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { deliverMail, newMessageId } from "../email/deliver-mail.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { memberIdsByGroup } from "../identity/group-repository.js";
import { findPeopleByIds, findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { type EscalationStep, type EscalationTarget, stepAfter } from "../oncall/escalation.js";
import { loadScheduleById } from "../oncall/read-schedules.js";
import { onCallAt } from "../oncall/rotation.js";
import { personIdsWithPageWebhooks } from "./page-channel-repository.js";
import { pageMail } from "./page-mail.js";
import { issuePageActionLinks, notifyPersonWebhookJob } from "./page-webhook-delivery.js";
import { isPageable } from "./pageable-person.js";
import { storedPolicy } from "./paging-presenter.js";
import {
  claimStep,
  findPageById,
  findPolicyById,
  insertPageEvents,
  type PageEventRow,
} from "./paging-repository.js";

export const escalatePageJob = "paging.escalate";
export const notifyPagedPersonJob = "paging.notify-person";
export const postPageToChatJob = "paging.post-to-chat";
/** A page link outlives a night's sleep and a weekend morning, not a week in an inbox. */
export const pageLinkLifetimeMs = DAY;

const escalation = "escalation";

export function stepName(step: EscalationStep): string {
  const level = step.level === "fallback" ? "fallback" : `level ${step.level + 1}`;
  return step.pass > 0 && step.level !== "fallback" ? `${level} (repeat ${step.pass})` : level;
}

/**
 * The people a step reaches now: a schedule's on-call person, a group's members, a person; each
 * once, and only active staff (someone deactivated or erased since the policy was written is skipped).
 */
export async function peopleToNotify(
  ctx: Context,
  targets: readonly EscalationTarget[],
  at: number,
): Promise<string[]> {
  const ids: string[] = [];
  const groups = await memberIdsByGroup(
    ctx.db,
    targets.flatMap((t) => (t.kind === "group" ? [t.groupId] : [])),
  );
  for (const target of targets) {
    if (target.kind === "person") ids.push(target.personId);
    else if (target.kind === "group") ids.push(...(groups.get(target.groupId) ?? []));
    else {
      // A schedule deleted since the policy was written reaches nobody; the step's event says how many.
      const schedule = await loadScheduleById(ctx.db, target.scheduleId).catch((error: unknown) => {
        if (error instanceof NotFoundError) return null;
        throw error;
      });
      const onCall = schedule && onCallAt(schedule.compiled, at);
      if (onCall) ids.push(onCall.personId);
    }
  }
  const people = await findPeopleByIds(ctx.db, systemScope("paging reaches staff"), [...new Set(ids)]);
  return people.filter(isPageable).map((p) => p.id);
}

/**
 * The `paging.escalate` job: notifies step `step` of a page and schedules the next at its time.
 * The page's `steps_done` is the guard: a step runs once, and not at all once the page was
 * acknowledged or resolved. Each person's mail is a job of its own, so one failing relay answer
 * retries that mail, not the step.
 */
export async function escalatePage(ctx: Context, payload: { pageId: string; step: number }, job: ClaimedJob) {
  await inTransaction(ctx, async (tx) => {
    const page = await findPageById(tx.db, payload.pageId);
    const policyRow = page && (await findPolicyById(tx.db, page.policy_id));
    if (!page || !policyRow || !(await claimStep(tx.db, page.id, payload.step))) {
      await job.markSucceededIn(tx);
      return;
    }
    const policy = storedPolicy(policyRow);
    const openedAt = Date.parse(page.opened_at);
    const step = stepAfter(policy, openedAt, payload.step);
    const now = tx.clock.now();
    const events: PageEventRow[] = [];
    const event = (kind: string, detail: string) =>
      events.push({
        id: newId(),
        page_id: page.id,
        kind,
        person_id: null,
        detail,
        actor: escalation,
        at: now.toISOString(),
      });
    if (step) {
      const people = await peopleToNotify(tx, step.targets, now.getTime());
      event("escalated", `escalated to ${stepName(step)}: ${people.length} to notify`);
      // Mail and a person's own webhook are separate jobs: one failing retries without repeating the other.
      const withWebhooks = await personIdsWithPageWebhooks(tx.db, people);
      for (const personId of people) {
        await enqueueJob(tx, notifyPagedPersonJob, { pageId: page.id, personId, step: stepName(step) });
        if (withWebhooks.has(personId))
          await enqueueJob(tx, notifyPersonWebhookJob, { pageId: page.id, personId, step: stepName(step) });
      }
      if (policyRow.chat_webhook_url)
        await enqueueJob(tx, postPageToChatJob, { pageId: page.id, personIds: people, step: stepName(step) });
      const next = stepAfter(policy, openedAt, payload.step + 1);
      if (next)
        await enqueueJob(
          tx,
          escalatePageJob,
          { pageId: page.id, step: payload.step + 1 },
          { runAt: new Date(next.notifyAt) },
        );
      else event("exhausted", "the escalation policy is spent: nobody further to notify");
    }
    await insertPageEvents(tx.db, events);
    await job.markSucceededIn(tx);
  });
}

/**
 * The `paging.notify-person` job: one paged person's mail with their acknowledge and resolve
 * links. The secrets are made here, at sending, and only their hashes stored: they exist only in
 * the mail. A page answered before its mail went out sends nothing.
 */
export async function notifyPagedPerson(
  ctx: Context,
  payload: { pageId: string; personId: string; step: string },
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<void> {
  const page = await findPageById(ctx.db, payload.pageId);
  const person = await findPersonById(ctx.db, payload.personId);
  if (page?.status !== "open" || !person || !isPageable(person)) return;
  const links = await issuePageActionLinks(ctx, {
    pageId: page.id,
    personId: person.id,
    publicUrl: settings.publicUrl,
    lifetimeMs: pageLinkLifetimeMs,
  });
  const outcome = await deliverMail(settings.relayUrl, {
    ...pageMail({
      title: page.title,
      details: page.details,
      severity: page.severity,
      step: payload.step,
      acknowledgeLink: links.acknowledge,
      resolveLink: links.resolve,
      expiresAt: links.expiresAt,
    }),
    messageId: newMessageId(settings.mailFrom),
    from: settings.mailFrom,
    to: { name: person.name, address: person.email },
  });
  await inTransaction(ctx, async (tx) => {
    await insertPageEvents(tx.db, [
      {
        id: newId(),
        page_id: page.id,
        kind: outcome.state === "sent" ? "notified" : "notification_failed",
        person_id: person.id,
        detail:
          outcome.state === "sent"
            ? `notified via email (${payload.step})`
            : `the relay refused the mail: ${outcome.answer}`,
        actor: escalation,
        at: tx.clock.now().toISOString(),
      },
    ]);
    await job.markSucceededIn(tx);
  });
}

export function chatLine(page: { title: string; severity: string }, step: string, names: string[]): string {
  const who = names.length > 0 ? names.join(", ") : "nobody reachable";
  return `[${page.severity.toUpperCase()}] Page: ${page.title.replace(/\s+/g, " ").trim()} — ${step}, paging ${who}`;
}

/**
 * The `paging.post-to-chat` job: the step, said in the policy's chat channel, so the team sees who
 * is paged. A chat server that refuses fails the job, which retries with backoff; a page answered
 * meanwhile posts nothing.
 */
export async function postPageToChat(
  ctx: Context,
  payload: { pageId: string; personIds: string[]; step: string },
  job: ClaimedJob,
): Promise<void> {
  const page = await findPageById(ctx.db, payload.pageId);
  const policy = page && (await findPolicyById(ctx.db, page.policy_id));
  if (page?.status !== "open" || !policy?.chat_webhook_url) return;
  const people = await findPeopleByIds(ctx.db, systemScope("paging reaches staff"), payload.personIds);
  await postToChat(
    policy.chat_webhook_url,
    chatLine(
      page,
      payload.step,
      people.map((p) => p.name),
    ),
  );
  await inTransaction(ctx, async (tx) => {
    await insertPageEvents(tx.db, [
      {
        id: newId(),
        page_id: page.id,
        kind: "posted_to_chat",
        person_id: null,
        detail: `posted to the chat webhook (${payload.step})`,
        actor: escalation,
        at: tx.clock.now().toISOString(),
      },
    ]);
    await job.markSucceededIn(tx);
  });
}
