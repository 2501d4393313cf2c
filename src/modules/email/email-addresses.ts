/**
 * Addresses and subject tags, pure. Support addresses are configured lower-case; a recipient
 * `support+1042@example.com` is the support address `support@example.com` naming ticket #1042.
 */

export type SupportRecipient = { address: string; ticketNumber: number | null };

/** The support address a recipient reaches, with the ticket its plus-address names; null if none. */
export function supportRecipient(
  recipient: string,
  supportAddresses: readonly string[],
): SupportRecipient | null {
  const address = recipient.trim().toLowerCase();
  if (supportAddresses.includes(address)) return { address, ticketNumber: null };
  const match = /^([^+@]+)\+([^@]*)@(.+)$/.exec(address);
  if (!match) return null;
  const [, local, detail, domain] = match;
  const base = `${local}@${domain}`;
  if (!supportAddresses.includes(base)) return null;
  // An unrecognized detail (`support+billing@`) still reaches support, naming no ticket.
  const ticketNumber = /^[1-9][0-9]{0,9}$/.test(detail ?? "") ? Number(detail) : null;
  return { address: base, ticketNumber };
}

/** `support+1042@example.com`: where a customer's reply to ticket #1042 should go. */
export function plusAddress(supportAddress: string, ticketNumber: number): string {
  const at = supportAddress.lastIndexOf("@");
  return `${supportAddress.slice(0, at)}+${ticketNumber}${supportAddress.slice(at)}`;
}

/** The ticket number a `[#1042]` tag in a subject names; the first tag wins. */
export function ticketNumberInSubject(subject: string): number | null {
  const match = /\[#([1-9][0-9]{0,9})\]/.exec(subject);
  return match ? Number(match[1]) : null;
}

/**
 * The subject of outbound mail: the ticket's subject with its tag, once. CR and LF become spaces:
 * a subject is one header line, and a line break in it would start a header of the sender's choosing.
 */
export function taggedSubject(subject: string, ticketNumber: number): string {
  const oneLine = subject.replace(/[\r\n]+/g, " ").trim();
  const tag = `[#${ticketNumber}]`;
  return oneLine.includes(tag) ? oneLine : `${oneLine} ${tag}`;
}

/** `mailer-daemon@…` and `postmaster@…` speak for mail systems, never for a person with a question. */
export function isMailSystemAddress(address: string): boolean {
  const local = address.slice(0, address.lastIndexOf("@")).toLowerCase();
  return local === "mailer-daemon" || local === "postmaster";
}
