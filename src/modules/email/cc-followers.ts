import { isMailSystemAddress, supportRecipient } from "./email-addresses.js";

export interface MailRecipient {
  address: string;
  name: string | null;
}

/**
 * A message's To and Cc may be hostile (10,000 addresses): past this many, the rest are not made
 * followers, so one mail cannot create thousands of people or put them on every reply.
 */
export const maxFollowersPerMessage = 20;

/**
 * Who on a message's To and Cc becomes a follower of the ticket it lands on: everyone but the
 * support addresses (plus-addresses included), the sender, the ticket's requester (who gets every
 * reply already) and mail systems (postmaster, mailer-daemon), once each, in header order, at most
 * `maxFollowersPerMessage`. Addresses arrive lower-cased from the parser.
 */
export function followersFromRecipients(
  recipients: readonly MailRecipient[],
  rules: { supportAddresses: readonly string[]; sender: string; requester: string },
): MailRecipient[] {
  const excluded = new Set([rules.sender.toLowerCase(), rules.requester.toLowerCase()]);
  const followers = new Map<string, MailRecipient>();
  for (const recipient of recipients) {
    const address = recipient.address.toLowerCase();
    if (excluded.has(address) || followers.has(address)) continue;
    if (supportRecipient(address, rules.supportAddresses) || isMailSystemAddress(address)) continue;
    followers.set(address, { address, name: recipient.name });
    if (followers.size === maxFollowersPerMessage) break;
  }
  return [...followers.values()];
}
