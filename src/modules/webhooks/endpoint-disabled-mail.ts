import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, mailDomainOf } from "../email/deliver-mail.js";
import { escapeHtml, type RenderedMail } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { activeAdminIds } from "../satisfaction/satisfaction-repository.js";
import { findEndpoint } from "./webhook-repository.js";

const adminsScope = systemScope("a disabled webhook endpoint is told to every active admin");

/** The mail telling admins an endpoint was disabled (pure): which, why, and where to enable it again. */
export function endpointDisabledMail(input: {
  url: string;
  description: string;
  reason: string;
  adminLink: string;
}): RenderedMail {
  const name = input.description || input.url;
  const subject = `Webhook endpoint disabled: ${name}`;
  const text = [
    `Tend stopped sending webhooks to ${input.url}: ${input.reason}.`,
    "",
    "Fix the receiver, then enable the endpoint again; its failure count starts afresh.",
    `See its deliveries and the receiver's answers: ${input.adminLink}`,
  ].join("\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    `<p>Tend stopped sending webhooks to <code>${escapeHtml(input.url)}</code>: ${escapeHtml(input.reason)}.</p>` +
    "<p>Fix the receiver, then enable the endpoint again; its failure count starts afresh.</p>" +
    `<p><a href="${escapeHtml(input.adminLink)}">See its deliveries and the receiver's answers</a></p>` +
    "</body></html>";
  return { subject, text, html };
}

/**
 * The `webhooks.mail-endpoint-disabled` job (relay only): one mail per active admin, each with a
 * Message-ID stable across attempts, so a retry after a partial send is one message to clients.
 */
export async function mailEndpointDisabled(
  ctx: Context,
  payload: { endpointId: string },
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<number> {
  const endpoint = await findEndpoint(ctx.db, payload.endpointId);
  let mailed = 0;
  if (endpoint && endpoint.enabled === 0) {
    const admins = await findPeopleByIds(ctx.db, adminsScope, await activeAdminIds(ctx.db, adminsScope));
    const domain = mailDomainOf(settings.mailFrom);
    const mail = endpointDisabledMail({
      url: endpoint.url,
      description: endpoint.description,
      reason: endpoint.disabled_reason ?? "it was disabled",
      adminLink: `${settings.publicUrl.replace(/\/$/, "")}/admin/webhooks`,
    });
    for (const admin of admins) {
      const delivery = await deliverMail(settings.relayUrl, {
        ...mail,
        messageId:
          `<webhook-disabled-${endpoint.id}.${endpoint.disabled_at ?? ""}.${admin.id}@${domain}>`.replace(
            /:/g,
            "",
          ),
        from: settings.mailFrom,
        to: { name: admin.name, address: admin.email },
      });
      if (delivery.state === "sent") mailed += 1;
      else
        ctx.logger.warn(
          { endpointId: endpoint.id, answer: delivery.answer },
          "the relay refused a webhook mail",
        );
    }
  }
  await inTransaction(ctx, async (tx) => job.markSucceededIn(tx));
  return mailed;
}
