import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countMessagesFromSender } from "../../src/modules/email/email-repository.js";
import { type SmtpListener, startSmtpListener } from "../../src/modules/email/inbound-smtp-listener.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { selfSignedCertificate } from "../support/self-signed-certificate.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

const tls = selfSignedCertificate();
const senderLimit = 3;
const email = useEmailDesk({ tls, senderLimit });

const transport = (port: number, options: { requireTLS?: boolean; ignoreTLS?: boolean }) =>
  nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    secure: false,
    ...options,
    // The test's own certificate: the client checks it is this one, not that a CA signed it.
    tls: { ca: [tls.cert], servername: "localhost" },
  });

describe("STARTTLS", () => {
  it("upgrades the session when the client requires TLS, with the configured certificate", async () => {
    const client = transport(email.listener.port, { requireTLS: true });
    const info = await client.sendMail({
      from: "tls-sender@secure.example",
      to: supportAddress,
      subject: "Sent over TLS",
      text: "Encrypted on the wire.",
    });
    expect(info.response).toMatch(/^250 .*Queued as/);
  });

  it("fails a client that does not trust the certificate: the session really is TLS", async () => {
    const stranger = nodemailer.createTransport({
      host: "127.0.0.1",
      port: email.listener.port,
      secure: false,
      requireTLS: true,
      tls: { servername: "localhost" },
    });
    await expect(
      stranger.sendMail({ from: "x@secure.example", to: supportAddress, subject: "s", text: "t" }),
    ).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});

describe("the per-sender flood stop", () => {
  let other: SmtpListener;
  beforeAll(async () => {
    other = await startSmtpListener(email.desk.as(systemActor("inbound email"), "email"), {
      host: "127.0.0.1",
      port: 0,
      supportAddresses: [supportAddress],
      maxMessageBytes: 64 * 1024,
      senderLimit,
    });
  });
  afterAll(async () => other?.close());

  it("defers a sender's messages past the limit with 451 4.7.1, counted across listeners in the database", async () => {
    const flooder = "flood@loud.example";
    const message = (index: number) => ({
      from: flooder,
      to: supportAddress,
      subject: `Flood ${index}`,
      text: `message ${index}`,
    });
    await transport(email.listener.port, { ignoreTLS: true }).sendMail(message(1));
    // Another listener process on the same database sees the same count.
    await transport(other.port, { ignoreTLS: true }).sendMail(message(2));
    await transport(email.listener.port, { ignoreTLS: true }).sendMail(message(3));
    const refused = await transport(other.port, { ignoreTLS: true })
      .sendMail(message(4))
      .catch((error: { responseCode?: number; response?: string }) => error);
    expect(refused).toMatchObject({ responseCode: 451 });
    expect((refused as { response: string }).response).toContain("4.7.1");
    const stored = await email.desk.database.db
      .selectFrom("raw_emails")
      .select("id")
      .where("mail_from", "=", flooder)
      .execute();
    expect(stored).toHaveLength(senderLimit);
    // The count stops where the limit is, however far past it a flood goes.
    const windowStart = new Date(email.desk.clock.now().getTime() - 10 * 60 * 1000).toISOString();
    const db = email.desk.database.db;
    expect(await countMessagesFromSender(db, flooder, windowStart, senderLimit - 1)).toBe(senderLimit - 1);
    expect(await countMessagesFromSender(db, flooder, windowStart, senderLimit + 5)).toBe(senderLimit);

    // Another sender is unaffected, and the flooder is welcome again once the window has passed.
    const calm = await transport(email.listener.port, { ignoreTLS: true }).sendMail({
      ...message(5),
      from: "calm@quiet.example",
    });
    expect(calm.response).toMatch(/^250/);
    email.desk.clock.advance(11 * 60 * 1000);
    const later = await transport(other.port, { ignoreTLS: true }).sendMail(message(6));
    expect(later.response).toMatch(/^250/);
  });
});
