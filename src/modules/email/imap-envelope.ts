import type { InboundEnvelope } from "./store-inbound-email.js";

/**
 * The SMTP envelope of a message fetched from a mailbox, as far as its headers still tell it. The
 * delivering server records MAIL FROM as `Return-Path` (`<>` for bounces, which loop detection must
 * see as the null sender) and RCPT TO as `Delivered-To` / `X-Original-To` (which carry the
 * plus-address when a forwarding rule rewrote `To`). Without `Return-Path` the From address stands
 * in: a missing header must not make an ordinary message look like a bounce.
 */
export function imapEnvelope(
  headers: string,
  fromAddress: string | null,
): Omit<InboundEnvelope, "remoteAddress"> {
  const values = (name: string) =>
    [...unfold(headers).matchAll(new RegExp(`^${name}:[ \\t]*(.*)$`, "gim"))].map((match) =>
      (match[1] ?? "").trim(),
    );
  const returnPath = values("Return-Path")[0];
  const mailFrom = returnPath === undefined ? fromAddress : addressIn(returnPath);
  const rcptTo = [...values("Delivered-To"), ...values("X-Original-To")]
    .map(addressIn)
    .filter((address): address is string => address !== null);
  return { mailFrom: mailFrom ? mailFrom.toLowerCase() : null, rcptTo: [...new Set(rcptTo)] };
}

/** RFC 5322 folding: a line starting with white space continues the header above it. */
function unfold(headers: string): string {
  return headers.replace(/\r?\n(?=[ \t])/g, "");
}

function addressIn(value: string): string | null {
  const address = (/<([^>]*)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
  return address.includes("@") ? address : null;
}
