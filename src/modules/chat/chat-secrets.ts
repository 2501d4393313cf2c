import type { Context } from "../../shared/context.js";
import { isSealed } from "../../shared/secret-box.js";

/**
 * Webhook URLs and bot tokens are credentials to post in a team's chat: sealed with
 * TEND_SECRET_KEY when set, bound to their row and column so a sealed value moved elsewhere does
 * not open. Never shown back: answers carry a webhook's host and whether a token is set.
 */
export function sealChatSecret(ctx: Context, plain: string, binding: string): string {
  return ctx.secretBox ? ctx.secretBox.seal(plain, binding) : plain;
}

export function openChatSecret(ctx: Context, stored: string, binding: string): string {
  if (!isSealed(stored)) return stored;
  if (!ctx.secretBox) throw new Error("a sealed chat credential needs TEND_SECRET_KEY to be read");
  return ctx.secretBox.open(stored, binding);
}

export const routeWebhookBinding = (routeId: string) => `chat-route:${routeId}:webhook-url`;
export const routeTokenBinding = (routeId: string) => `chat-route:${routeId}:bot-token`;
export const channelTokenBinding = (channelId: string) => `chat-channel:${channelId}:bot-token`;
