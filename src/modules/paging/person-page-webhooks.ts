import { ForbiddenError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { isSealed } from "../../shared/secret-box.js";
import { recordAudit } from "../audit/record-audit.js";
import { isAdmin, requireStaff } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { checkedWebhookUrl } from "../oncall/manage-schedules.js";
import {
  deletePersonPageWebhook,
  findPersonPageWebhook,
  type PersonPageWebhookRow,
  savePersonPageWebhook,
} from "./page-channel-repository.js";

/**
 * A person's own webhook for the pages that reach them (a Slack or Mattermost incoming webhook to
 * their DMs, a phone bridge): set by the person or an admin. The URL is the credential to post
 * there, so no answer carries it back, only its host; with TEND_SECRET_KEY it is stored sealed.
 */
export interface PersonPageWebhookView {
  configured: boolean;
  /** The host it posts to ("hooks.slack.com"), enough to recognise it without exposing the path. */
  host: string | null;
  updatedAt: string | null;
}

const binding = (personId: string) => `person-page-webhook:${personId}`;

/** Only the person themself or an admin: a webhook decides where someone's pages (and links) go. */
async function webhookOwner(ctx: Context, personId: string) {
  requireStaff(ctx.actor);
  const self = ctx.actor.kind === "person" && ctx.actor.personId === personId;
  if (!self && !isAdmin(ctx.actor)) throw new ForbiddenError("Only the person or an admin may do this.");
  const person = await findPersonById(ctx.db, personId);
  if (!person) throw new NotFoundError(`No person ${personId}.`);
  return person;
}

/** The stored URL, opened: the delivery job reads it at sending, so a change applies to the next post. */
export function storedWebhookUrl(ctx: Context, row: PersonPageWebhookRow): string {
  if (!isSealed(row.url)) return row.url;
  if (!ctx.secretBox) throw new Error("a sealed page webhook needs TEND_SECRET_KEY to be read");
  return ctx.secretBox.open(row.url, binding(row.person_id));
}

function present(ctx: Context, row: PersonPageWebhookRow | undefined): PersonPageWebhookView {
  if (!row) return { configured: false, host: null, updatedAt: null };
  return { configured: true, host: new URL(storedWebhookUrl(ctx, row)).host, updatedAt: row.updated_at };
}

export async function getPersonPageWebhook(ctx: Context, personId: string): Promise<PersonPageWebhookView> {
  await webhookOwner(ctx, personId);
  return present(ctx, await findPersonPageWebhook(ctx.db, personId));
}

/** Sets (a URL) or removes (null) the person's page webhook. */
export async function setPersonPageWebhook({
  ctx,
  personId,
  url,
}: {
  ctx: Context;
  personId: string;
  url: string | null;
}): Promise<PersonPageWebhookView> {
  return inTransaction(ctx, async (tx) => {
    const person = await webhookOwner(tx, personId);
    if (person.role === "customer")
      throw UnprocessableContentError.field("url", "customers are not paged: only staff have a page webhook");
    const before = await findPersonPageWebhook(tx.db, personId);
    if (url === null) {
      await deletePersonPageWebhook(tx.db, personId);
    } else {
      let checked: string;
      try {
        checked = checkedWebhookUrl(url) as string;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw ValidationError.field("url", error.problems[0]?.message ?? "an https URL");
      }
      await savePersonPageWebhook(tx.db, {
        person_id: personId,
        url: tx.secretBox ? tx.secretBox.seal(checked, binding(personId)) : checked,
        updated_at: tx.clock.now().toISOString(),
      });
    }
    const after = await findPersonPageWebhook(tx.db, personId);
    // The audit trail says that it changed and where it points, never the URL's secret path.
    await recordAudit(tx, {
      action: url === null ? "person.page_webhook_removed" : "person.page_webhook_set",
      targetType: "person",
      targetId: personId,
      before: { pageWebhookHost: present(tx, before).host },
      after: { pageWebhookHost: present(tx, after).host },
    });
    return present(tx, after);
  });
}
