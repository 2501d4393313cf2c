import { MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { systemActor } from "../identity/actor.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { stepAfter } from "../oncall/escalation.js";
import { checkedWebhookUrl } from "../oncall/manage-schedules.js";
import { openPage } from "./manage-pages.js";
import { insertPageSlackReply } from "./page-channel-repository.js";
import { peopleToNotify, stepName } from "./page-escalation.js";
import { slackEscape } from "./page-webhook-delivery.js";
import { storedPolicy } from "./paging-presenter.js";
import { listPolicyRows } from "./paging-repository.js";
import { parseSlackPageCommand, slackCommandUsage } from "./slack-command.js";
import { slackResponseUrlLifetimeMs } from "./slack-replies.js";

/** The fields of Slack's slash-command form that Tend reads (the request's signature is checked already). */
export interface SlackSlashCommand {
  text: string;
  userId: string;
  userName: string;
  teamId: string;
  channelId: string;
  channelName: string;
  responseUrl: string | null;
}

/** Slack's answer shape: `in_channel` is seen by the channel, `ephemeral` by the caller alone. */
export interface SlackCommandAnswer {
  response_type: "in_channel" | "ephemeral";
  text: string;
}

function ephemeral(text: string): SlackCommandAnswer {
  return { response_type: "ephemeral", text };
}

/** Who acted, for the page's log and the audit trail: no Tend account stands behind a Slack user. */
export function slackActorReason(command: SlackSlashCommand): string {
  const channel = command.channelName ? `#${command.channelName}` : command.channelId;
  return `Slack /page by @${command.userName} (${command.userId}) in ${channel}, team ${command.teamId}`;
}

function policyList(names: readonly string[]): string {
  return names.length > 0 ? names.map((name) => `\`${slackEscape(name)}\``).join(", ") : "none yet";
}

/**
 * `/page <policy> [sev] <message>` from a chat channel: opens the page through `openPage` as the
 * system acting for the Slack user (a page's `opened_by` names Tend accounts only), keeps the
 * command's response_url for later news, and answers with who is being notified now.
 */
export async function answerSlackPageCommand(
  ctx: Context,
  command: SlackSlashCommand,
): Promise<SlackCommandAnswer> {
  const policies = await listPolicyRows(ctx.db);
  const names = policies.map((policy) => policy.name);
  const parsed = parseSlackPageCommand(command.text, names);
  if (parsed.kind === "help") return ephemeral(`${slackCommandUsage}\nPolicies: ${policyList(names)}.`);
  if (parsed.kind === "unknown-policy")
    return ephemeral(
      `No escalation policy "${slackEscape(parsed.given)}". Policies: ${policyList(names)}.\n${slackCommandUsage}`,
    );
  if (parsed.kind === "no-message")
    return ephemeral(`Say what is wrong after the policy's name.\n${slackCommandUsage}`);
  const policy = policies.find((row) => row.name === parsed.policy);
  if (!policy) return ephemeral(`No escalation policy "${slackEscape(parsed.policy)}".`);

  const asSlackUser = withActor(ctx, systemActor(slackActorReason(command)), "chat");
  return inTransaction(asSlackUser, async (tx) => {
    const page = await openPage({
      ctx: tx,
      input: { title: parsed.title, details: parsed.details, severity: parsed.severity, policyId: policy.id },
    });
    // Slack's response_url is https on hooks.slack.com; anything else (a forged form that somehow
    // passed the signature) is not followed.
    const responseUrl = command.responseUrl && safeResponseUrl(command.responseUrl);
    if (responseUrl)
      await insertPageSlackReply(tx.db, {
        page_id: page.id,
        response_url: responseUrl,
        slack_user: slackActorReason(command),
        created_at: tx.clock.now().toISOString(),
        expires_at: new Date(tx.clock.now().getTime() + slackResponseUrlLifetimeMs).toISOString(),
      });
    // Who the first step reaches, read now as the step job will: the channel learns it at once.
    const definition = storedPolicy(policy);
    const openedAt = Date.parse(page.openedAt);
    const first = stepAfter(definition, openedAt, 0);
    const next = stepAfter(definition, openedAt, 1);
    const reached = first ? await peopleToNotify(tx, first.targets, tx.clock.now().getTime()) : [];
    const people = await findPeopleByIds(tx.db, systemScope("paging reaches staff"), reached);
    const who =
      people.length > 0 ? people.map((person) => slackEscape(person.name)).join(", ") : "nobody reachable";
    const lines = [
      `[${page.severity.toUpperCase()}] Page opened: *${slackEscape(page.title)}* (by ${slackEscape(`@${command.userName}`)}, policy ${slackEscape(policy.name)})`,
      `Notifying ${first ? stepName(first) : "nobody"}: ${who}.`,
      ...(next
        ? [
            `Unacknowledged, it escalates to ${stepName(next)} in ${Math.round((next.notifyAt - openedAt) / MINUTE)} minutes.`,
          ]
        : []),
    ];
    return { response_type: "in_channel", text: lines.join("\n") } satisfies SlackCommandAnswer;
  });
}

function safeResponseUrl(url: string): string | null {
  try {
    return checkedWebhookUrl(url);
  } catch {
    return null;
  }
}
