import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * Mail written by real clients (Gmail, Outlook, Apple Mail, iPhone, Thunderbird, Yahoo, AOL, …) from
 * three public reply-parser projects (Apache-2.0 and MIT; see the corpus README), read in place and
 * never copied into this repository. CI has it at ../shared/data; elsewhere the suite skips.
 */
const corpus = path.resolve(import.meta.dirname, "../../../shared/data/email-corpora");
const present = existsSync(path.join(corpus, "README.md"));
if (!present) console.warn(`test/email/corpus.test.ts skipped: no email corpus at ${corpus}`);

interface Sample {
  name: string;
  kind: "eml" | "text" | "html";
  bytes: Buffer;
}

function samples(): Sample[] {
  if (!present) return [];
  const inFolder = (folder: string, extension: string, kind: Sample["kind"]) =>
    readdirSync(path.join(corpus, folder))
      .filter((file) => file.endsWith(extension))
      .sort()
      .map((file) => ({
        name: `${folder}/${file}`,
        kind,
        bytes: readFileSync(path.join(corpus, folder, file)),
      }));
  return [
    ...inFolder("talon/standard_replies", ".eml", "eml"),
    ...inFolder("talon/html_replies", ".html", "html"),
    ...inFolder("github-email_reply_parser", ".txt", "text"),
    ...inFolder("crisp-email-reply-parser", ".txt", "text"),
  ];
}

describe.skipIf(!present)("a corpus of real clients' mail through the SMTP listener", () => {
  // The production default: a corpus file above the test desk's small limit is still ordinary mail.
  const email = useEmailDesk({ maxMessageBytes: 25 * 1024 * 1024 });
  const all = samples();
  const outcomes = new Map<string, { rawEmailId: string; sample: Sample }>();

  // ~125 messages over SMTP, then parsing and threading each: longer than a unit test's default.
  it("accepts every message with 250 and stores each as a ticket, or as ignored or failed with a reason", {
    timeout: 180_000,
  }, async () => {
    for (const [index, sample] of all.entries()) {
      // A sender per message: the per-sender flood limit is not what this suite measures.
      const from = `corpus-${index}@corpus.example`;
      const subject = `Corpus ${sample.name}`;
      const message =
        sample.kind === "eml"
          ? { envelope: { from, to: [supportAddress] }, raw: sample.bytes }
          : sample.kind === "html"
            ? { from, to: supportAddress, subject, html: sample.bytes.toString("utf8") }
            : { from, to: supportAddress, subject, text: sample.bytes.toString("utf8") };
      const delivery = await email.send(message);
      expect(delivery.response, sample.name).toMatch(/^250 /);
      if (!delivery.rawEmailId) throw new Error(`${sample.name}: stored nothing`);
      outcomes.set(sample.name, { rawEmailId: delivery.rawEmailId, sample });
    }
    await email.processInbound();
    const counts: Record<string, number> = {};
    for (const [name, { rawEmailId }] of outcomes) {
      const inbound = await email.inbound(rawEmailId);
      counts[inbound.status] = (counts[inbound.status] ?? 0) + 1;
      if (inbound.status === "processed") expect(inbound.ticketNumber, name).not.toBeNull();
      else
        expect({ name, status: inbound.status, reason: inbound.reason }).toMatchObject({
          reason: expect.any(String),
        });
    }
    console.info(`email corpus: ${all.length} messages`, counts);
    expect(all.length).toBeGreaterThan(100);
  });

  /** What the ticket shows (the reply) and what the message record keeps (the whole text). */
  async function storedText(name: string) {
    const outcome = outcomes.get(name);
    if (!outcome) throw new Error(`${name} was not delivered`);
    return email.desk.database.db
      .selectFrom("email_messages")
      .leftJoin("comments", "comments.id", "email_messages.comment_id")
      .select(["email_messages.body_text as full", "comments.body_text as reply"])
      .where("email_messages.raw_email_id", "=", outcome.rawEmailId)
      .executeTakeFirstOrThrow();
  }

  it("decodes every declared charset without replacement characters, and keeps the words", async () => {
    expect(outcomes.size).toBe(all.length);
    for (const [name, { sample }] of outcomes) {
      const stored = await storedText(name);
      expect(stored.full, name).not.toContain("\uFFFD");
      expect(stored.reply ?? "", name).not.toContain("\uFFFD");
      if (sample.kind === "text") {
        const firstWords = sample.bytes.toString("utf8").trim().split(/\s+/).slice(0, 3).join(" ");
        expect(stored.full.replace(/\s+/g, " "), name).toContain(firstWords);
      }
    }
    // Base64 UTF-8 Cyrillic from Android's mail app, and ISO-8859-1 from Apple Mail.
    expect((await storedText("talon/standard_replies/android.eml")).full).toContain("написал");
    expect((await storedText("crisp-email-reply-parser/email_russian.txt")).full).toMatch(/[а-яА-Я]/);
  });

  it("shows the reply without quoted history or the phone's signature, as the corpora's own tests expect", async () => {
    const firstLine = async (name: string) => (await storedText(name)).reply?.split("\n")[0]?.trim();
    // Every talon reply says "Hello" (iphone and sparrow keep a signature in their _reply_text; Tend drops it).
    for (const name of [...outcomes.keys()].filter((key) => key.startsWith("talon/standard_replies/")))
      expect(await firstLine(name), name).toBe("Hello");
    for (const name of [...outcomes.keys()].filter((key) => key.startsWith("talon/html_replies/")))
      expect(await firstLine(name), name).toBe("Hi. I am fine.");
    expect((await storedText("talon/html_replies/gmail.html")).reply).not.toContain("wrote:");
    expect(await firstLine("github-email_reply_parser/email_2_1.txt")).toBe("Outlook with a reply");
    expect((await storedText("github-email_reply_parser/email_iPhone.txt")).reply).toBe(
      "Here is another email",
    );
    expect((await storedText("github-email_reply_parser/email_BlackBerry.txt")).reply).toBe(
      "Here is another email",
    );
    // Tend's decision where parsers disagree: email-reply-parser drops any last line starting "Sent
    // from my" — here a real sentence the Ruby parser keeps. The ticket shows the reply above it;
    // the sentence stays in the whole message, one click away.
    const notSignature = await storedText("github-email_reply_parser/email_sent_from_my_not_signature.txt");
    expect(notSignature.reply).toBe("Here is another email");
    expect(notSignature.full).toContain("Sent from my desk, is much easier then my mobile phone.");
    // 750 KB of quotes: the reply parser reads only the head, so the worker is not held for minutes.
    expect(await firstLine("github-email_reply_parser/email_long_quote.txt")).toBe("Hi folks");
  });
});
