import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImapMailboxSettings, pollImapMailbox } from "../../src/modules/email/poll-imap-mailbox.js";
import { HOUR } from "../../src/shared/clock.js";
import { type Dovecot, dovecotBinary, startDovecot } from "./dovecot.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

if (!dovecotBinary)
  console.warn("test/email/imap-oauth2.test.ts skipped: no dovecot binary (apt-get install dovecot-imapd)");

const clientId = "tend-desk";
const clientSecret = "tend desk client secret";

/**
 * A small OAuth2 provider run by the test: a token endpoint that rotates refresh tokens on every
 * use (as Microsoft's does) and an RFC 7662 introspection endpoint Dovecot asks about each token.
 */
interface Provider {
  url: string;
  refreshTokens: Set<string>;
  accessTokens: Set<string>;
  refreshed: string[];
  introspected: string[];
  close(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  let issued = 0;
  const provider = {
    url: "",
    refreshTokens: new Set<string>(),
    accessTokens: new Set<string>(),
    refreshed: [] as string[],
    introspected: [] as string[],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const form = new URLSearchParams(body);
      const reply = (status: number, json: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(json));
      };
      if (request.url === "/introspect") {
        const token = form.get("token") ?? "";
        provider.introspected.push(token);
        return reply(
          200,
          provider.accessTokens.has(token) ? { active: true, username: "tend" } : { active: false },
        );
      }
      const refreshToken = form.get("refresh_token") ?? "";
      provider.refreshed.push(refreshToken);
      const clientOk = form.get("client_id") === clientId && form.get("client_secret") === clientSecret;
      if (
        form.get("grant_type") !== "refresh_token" ||
        !clientOk ||
        !provider.refreshTokens.delete(refreshToken)
      ) {
        return reply(400, { error: "invalid_grant", error_description: "The refresh token was revoked." });
      }
      issued += 1;
      provider.refreshTokens.add(`refresh-${issued}`);
      provider.accessTokens.add(`access-${issued}`);
      return reply(200, {
        token_type: "Bearer",
        access_token: `access-${issued}`,
        expires_in: 3600,
        refresh_token: `refresh-${issued}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return provider;
}

describe.skipIf(!dovecotBinary)("polling a mailbox signed in with OAuth2 (XOAUTH2, a real Dovecot)", () => {
  const email = useEmailDesk();
  let provider: Provider;
  let dovecot: Dovecot;
  let serial = 0;

  beforeAll(async () => {
    provider = await startProvider();
    dovecot = await startDovecot(dovecotBinary as string, {
      oauth2IntrospectionUrl: `${provider.url}/introspect`,
    });
  });
  afterAll(async () => {
    await dovecot?.stop();
    await provider?.close();
  });

  /**
   * A mailbox of its own, whose owner just consented: the provider holds a fresh refresh token for
   * it, and the mailbox's settings carry it as TEND_IMAP_OAUTH2_REFRESH_TOKEN would.
   */
  function consentedMailbox(): ImapMailboxSettings {
    serial += 1;
    const refreshToken = `consent-${serial}`;
    provider.refreshTokens.add(refreshToken);
    return {
      host: "127.0.0.1",
      port: dovecot.port,
      secure: false,
      user: dovecot.user,
      password: "",
      mailbox: `Support${serial}`,
      processedMailbox: null,
      maxMessageBytes: 256 * 1024,
      oauth2: { tokenUrl: `${provider.url}/token`, clientId, clientSecret, refreshToken, scope: null },
    };
  }

  /** What the provider saw from here on. */
  function providerLog() {
    const refreshedFrom = provider.refreshed.length;
    const introspectedFrom = provider.introspected.length;
    return {
      refreshed: () => provider.refreshed.slice(refreshedFrom),
      introspected: () => provider.introspected.slice(introspectedFrom),
    };
  }

  async function customerWrites(mailbox: string, subject: string) {
    serial += 1;
    const client = await dovecot.client();
    await client.mailboxCreate(mailbox);
    await client.append(
      mailbox,
      [
        `From: Oauth Customer ${serial} <oauth${serial}@imap-customer.example>`,
        `To: ${supportAddress}`,
        `Subject: ${subject}`,
        `Message-ID: <oauth-${serial}-${email.desk.unique()}@imap-customer.example>`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        `${subject}: please call me back.`,
        "",
      ].join("\r\n"),
    );
    await client.logout();
  }

  async function storedTokens(settings: ImapMailboxSettings) {
    return email.desk.database.db
      .selectFrom("imap_mailboxes")
      .select(["oauth_refresh_token", "oauth_access_token", "lease_owner"])
      .where("mailbox_key", "like", `%/${settings.mailbox}`)
      .executeTakeFirstOrThrow();
  }

  it("signs in with an access token from the refresh token and turns the mail into a ticket", async () => {
    const mailbox = consentedMailbox();
    const seen = providerLog();
    await customerWrites(mailbox.mailbox, "Phone line dead");
    const before = await email.ticketCount();
    expect(await pollImapMailbox(email.desk.system, mailbox)).toMatchObject({ polled: true, stored: 1 });
    await email.processInbound();
    expect(await email.ticketCount()).toBe(before + 1);
    expect(seen.refreshed()).toEqual([mailbox.oauth2?.refreshToken]);
    // Dovecot asked the provider about the token Tend signed in with, and nothing else.
    const [accessToken, ...others] = seen.introspected();
    expect(others).toEqual([]);
    expect(provider.accessTokens.has(accessToken as string)).toBe(true);
    // Both tokens are kept, sealed: the database alone yields neither.
    const stored = await storedTokens(mailbox);
    for (const sealed of [stored.oauth_refresh_token, stored.oauth_access_token]) {
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain("refresh-");
      expect(sealed).not.toContain(accessToken);
    }
  });

  it("reuses the access token until it nearly expires, then refreshes with the rotated refresh token", async () => {
    const mailbox = consentedMailbox();
    const seen = providerLog();
    await customerWrites(mailbox.mailbox, "Fax line dead");
    expect(await pollImapMailbox(email.desk.system, mailbox)).toMatchObject({ stored: 1 });
    await customerWrites(mailbox.mailbox, "Door bell dead");
    expect(await pollImapMailbox(email.desk.system, mailbox)).toMatchObject({ stored: 1 });
    expect(seen.refreshed()).toEqual([mailbox.oauth2?.refreshToken]);
    const [first, again] = seen.introspected();
    expect(again).toBe(first);

    email.desk.clock.advance(HOUR);
    await customerWrites(mailbox.mailbox, "Intercom dead");
    expect(await pollImapMailbox(email.desk.system, mailbox)).toMatchObject({ stored: 1 });
    // The consented token was spent on the first refresh: only the rotated one, stored, could
    // buy the new access token.
    const [consented, rotated] = seen.refreshed();
    expect(consented).toBe(mailbox.oauth2?.refreshToken);
    expect(rotated).toMatch(/^refresh-\d+$/);
    expect(seen.introspected().at(-1)).not.toBe(first);
  });

  it("fails the poll with the provider's answer when the refresh token is revoked, and frees the mailbox", async () => {
    const mailbox = consentedMailbox();
    // The owner withdrew consent before Tend's first poll.
    provider.refreshTokens.delete(mailbox.oauth2?.refreshToken as string);
    await expect(pollImapMailbox(email.desk.system, mailbox)).rejects.toThrow(
      "IMAP OAuth2 token refresh refused (400 invalid_grant: The refresh token was revoked.)",
    );
    expect((await storedTokens(mailbox)).lease_owner).toBeNull();
  });
});
