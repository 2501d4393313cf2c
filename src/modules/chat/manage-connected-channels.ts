import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { setDomainEventSubscriptions } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import { type ConnectedChannelView, presentConnectedChannel } from "./chat-presenter.js";
import {
  anyEnabledConnectedChannel,
  type ConnectedChannelRow,
  deleteConnectedChannel as deleteConnectedChannelRow,
  findConnectedChannel,
  findConnectedChannelBySlackId,
  insertConnectedChannel,
  listConnectedChannels as listConnectedChannelRows,
  updateConnectedChannel as updateConnectedChannelRow,
} from "./chat-repository.js";
import { channelTokenBinding, sealChatSecret } from "./chat-secrets.js";

/** The consumer that posts agents' public replies on chat tickets back to their Slack thread. */
export const replyInChatThreadJob = "chat.reply-in-thread";

export interface ConnectedChannelInput {
  name: string;
  slackChannelId: string;
  botToken: string;
  organizationId?: string | null;
  enabled?: boolean;
}

export type ConnectedChannelChanges = Partial<Omit<ConnectedChannelInput, "slackChannelId">>;

const botTokenPattern = /^xoxb-[\w-]{8,}$/;

function checkedToken(token: string): string {
  if (!botTokenPattern.test(token)) throw ValidationError.field("botToken", "a Slack bot token, xoxb-…");
  return token;
}

async function checkedOrganization(ctx: Context, organizationId: string | null | undefined) {
  if (organizationId && !(await findOrganizationById(ctx.db, organizationId)))
    throw UnprocessableContentError.field("organizationId", `no organization ${organizationId}`);
}

/** Replies go back only while some channel is connected: nothing is queued for nobody. */
async function syncThreadReplySubscription(tx: Context): Promise<void> {
  const listening = await anyEnabledConnectedChannel(tx.db);
  await setDomainEventSubscriptions(tx.db, replyInChatThreadJob, listening ? ["ticket.commented"] : []);
}

function audited(row: ConnectedChannelRow) {
  return { ...presentConnectedChannel(row), botTokenSet: true };
}

export async function listConnectedChannels(ctx: Context): Promise<ConnectedChannelView[]> {
  requireAdmin(ctx.actor);
  return (await listConnectedChannelRows(ctx.db)).map(presentConnectedChannel);
}

export async function connectChannel({
  ctx,
  input,
}: {
  ctx: Context;
  input: ConnectedChannelInput;
}): Promise<ConnectedChannelView> {
  requireAdmin(ctx.actor);
  const name = input.name.trim();
  if (!name) throw ValidationError.field("name", "must not be empty");
  if (!/^[CG][A-Z0-9]{4,}$/.test(input.slackChannelId))
    throw ValidationError.field("slackChannelId", "the Slack channel's id, C…");
  const token = checkedToken(input.botToken);
  return inTransaction(ctx, async (tx) => {
    await checkedOrganization(tx, input.organizationId);
    if (await findConnectedChannelBySlackId(tx.db, input.slackChannelId))
      throw new ConflictError(`Slack channel ${input.slackChannelId} is connected already.`);
    const id = newId();
    const now = tx.clock.now().toISOString();
    const row: ConnectedChannelRow = {
      id,
      name,
      slack_channel_id: input.slackChannelId,
      bot_token: sealChatSecret(tx, token, channelTokenBinding(id)),
      organization_id: input.organizationId ?? null,
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await insertConnectedChannel(tx.db, row);
    await syncThreadReplySubscription(tx);
    await recordAudit(tx, {
      action: "chat_channel.connected",
      targetType: "chat_channel",
      targetId: id,
      before: null,
      after: audited(row),
    });
    return presentConnectedChannel(row);
  });
}

async function channelOrNotFound(ctx: Context, id: string): Promise<ConnectedChannelRow> {
  const row = await findConnectedChannel(ctx.db, id);
  if (!row) throw new NotFoundError(`No connected channel ${id}.`);
  return row;
}

export async function updateConnectedChannel({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: ConnectedChannelChanges;
}): Promise<ConnectedChannelView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const before = await channelOrNotFound(tx, id);
    await checkedOrganization(tx, input.organizationId);
    const columns: Partial<ConnectedChannelRow> = { updated_at: tx.clock.now().toISOString() };
    if (input.name !== undefined) {
      columns.name = input.name.trim();
      if (!columns.name) throw ValidationError.field("name", "must not be empty");
    }
    if (input.botToken !== undefined)
      columns.bot_token = sealChatSecret(tx, checkedToken(input.botToken), channelTokenBinding(id));
    if (input.organizationId !== undefined) columns.organization_id = input.organizationId;
    if (input.enabled !== undefined) columns.enabled = input.enabled ? 1 : 0;
    await updateConnectedChannelRow(tx.db, id, columns);
    const after = { ...before, ...columns };
    await syncThreadReplySubscription(tx);
    await recordAudit(tx, {
      action: "chat_channel.updated",
      targetType: "chat_channel",
      targetId: id,
      before: audited(before),
      after: { ...audited(after), botTokenReplaced: input.botToken !== undefined },
    });
    return presentConnectedChannel(after);
  });
}

/** Disconnecting keeps the tickets; their threads no longer hear agents' replies. */
export async function disconnectChannel({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const before = await channelOrNotFound(tx, id);
    await deleteConnectedChannelRow(tx.db, id);
    await syncThreadReplySubscription(tx);
    await recordAudit(tx, {
      action: "chat_channel.disconnected",
      targetType: "chat_channel",
      targetId: id,
      before: audited(before),
      after: null,
    });
  });
}
