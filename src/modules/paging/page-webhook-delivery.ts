import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { describeAnswer, postWebhook } from "../../shared/signed-webhook.js";
import { findPersonById } from "../identity/person-repository.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import { findPersonPageWebhook } from "./page-channel-repository.js";
import { findPageById, insertActionTokens, insertPageEvents } from "./paging-repository.js";
import { storedWebhookUrl } from "./person-page-webhooks.js";

export const notifyPersonWebhookJob = "paging.notify-person-webhook";

export interface PageActionLinks {
  acknowledge: string;
  resolve: string;
  expiresAt: Date;
}

/** Where a one-click secret leads: the confirmation page of `GET /api/v1/pages/act/{secret}`. */
export function pageActionUrl(publicUrl: string, secret: string): string {
  return `${publicUrl.replace(/\/$/, "")}/api/v1/pages/act/${secret}`;
}

/**
 * Makes one person's acknowledge and resolve links for one delivery and stores only their hashes.
 * Each channel (the mail, the webhook) gets links of its own, so each stays single-use by itself:
 * spending the mailed one leaves the webhook's unspent, and answering a page twice is refused by the
 * page's status (409), not by a shared link.
 */
export async function issuePageActionLinks(
  ctx: Context,
  input: { pageId: string; personId: string; publicUrl: string; lifetimeMs: number },
): Promise<PageActionLinks> {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.lifetimeMs);
  const secrets = { acknowledge: newSecret(""), resolve: newSecret("") };
  await insertActionTokens(
    ctx.db,
    (["acknowledge", "resolve"] as const).map((action) => ({
      token_hash: hashSecret(secrets[action]),
      page_id: input.pageId,
      person_id: input.personId,
      action,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      used_at: null,
    })),
  );
  return {
    acknowledge: pageActionUrl(input.publicUrl, secrets.acknowledge),
    resolve: pageActionUrl(input.publicUrl, secrets.resolve),
    expiresAt,
  };
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning: a page title must not turn into `<!channel>`. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The JSON posted to a person's webhook: Slack-compatible (`text`, with `<url|label>` links that
 * Slack, Mattermost and Rocket.Chat render), and the same facts as fields under `tend` for a
 * receiver that is not a chat (a phone bridge, a script).
 */
export function personWebhookPayload(input: {
  page: { id: string; title: string; details: string; severity: string };
  step: string;
  links: PageActionLinks;
}) {
  const { page, step, links } = input;
  const title = page.title.replace(/\s+/g, " ").trim();
  const lines = [
    `[${page.severity.toUpperCase()}] Page: ${slackEscape(title)} — you are paged (${step}).`,
    ...(page.details ? [slackEscape(page.details)] : []),
    `<${links.acknowledge}|Acknowledge> · <${links.resolve}|Resolve> ` +
      `(each link works once, until ${links.expiresAt.toISOString()}, and asks you to confirm)`,
  ];
  return {
    text: lines.join("\n"),
    tend: {
      pageId: page.id,
      title,
      severity: page.severity,
      step,
      acknowledgeUrl: links.acknowledge,
      resolveUrl: links.resolve,
      linksExpireAt: links.expiresAt.toISOString(),
    },
  };
}

/**
 * The `paging.notify-person-webhook` job: one delivery to one paged person's own webhook, a job of
 * its own beside their mail, so a failing webhook retries (the runner's backoff) without mailing
 * them again, and a relay down does not hold the webhook back. A page answered, a person
 * deactivated or a webhook removed before it ran sends nothing.
 */
export async function notifyPersonWebhook(
  ctx: Context,
  payload: { pageId: string; personId: string; step: string },
  settings: { publicUrl: string; linkLifetimeMs: number },
  job: ClaimedJob,
): Promise<void> {
  const page = await findPageById(ctx.db, payload.pageId);
  const person = await findPersonById(ctx.db, payload.personId);
  const webhook = await findPersonPageWebhook(ctx.db, payload.personId);
  if (page?.status !== "open" || !person || person.deactivated_at !== null || !webhook) return;
  // Links made per attempt: a retry after a refused post does not resend links the receiver may
  // have logged; an attempt's links that never arrived expire unused.
  const links = await issuePageActionLinks(ctx, {
    pageId: page.id,
    personId: person.id,
    publicUrl: settings.publicUrl,
    lifetimeMs: settings.linkLifetimeMs,
  });
  const posted = await postWebhook({
    url: storedWebhookUrl(ctx, webhook),
    body: JSON.stringify(personWebhookPayload({ page, step: payload.step, links })),
  });
  if (!posted.ok) throw new Error(`the person's page webhook answered ${describeAnswer(posted)}`);
  await inTransaction(ctx, async (tx) => {
    await insertPageEvents(tx.db, [
      {
        id: newId(),
        page_id: page.id,
        kind: "notified",
        person_id: person.id,
        detail: `notified via webhook (${payload.step})`,
        actor: "escalation",
        at: tx.clock.now().toISOString(),
      },
    ]);
    await job.markSucceededIn(tx);
  });
}
