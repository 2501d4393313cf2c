import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("defaults to the embedded store on port 8080", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database).toMatchObject({ kind: "sqlite" });
    expect(config.database.kind === "sqlite" && config.database.file.endsWith("data/tend.sqlite")).toBe(true);
    expect(config.publicUrl).toBe("http://localhost:8080");
  });

  it("selects PostgreSQL from DATABASE_URL", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://tend@db:5432/tend" });
    expect(config.database).toEqual({
      kind: "postgres",
      url: "postgres://tend@db:5432/tend",
      poolSize: undefined,
      listenUrl: "postgres://tend@db:5432/tend",
      preparedStatements: true,
      replica: undefined,
    });
  });

  it("reads lists and reports from DATABASE_REPLICA_URL, left out past its lag limit", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://tend@primary:5432/tend",
      DATABASE_REPLICA_URL: "postgres://tend@replica:5432/tend",
      TEND_DB_POOL_SIZE: "6",
      TEND_DB_REPLICA_POOL_SIZE: "4",
    });
    expect(config.database).toMatchObject({
      poolSize: 6,
      replica: { url: "postgres://tend@replica:5432/tend", poolSize: 4, maxLagMs: 30_000 },
    });
    expect(() => loadConfig({ DATABASE_REPLICA_URL: "mysql://replica" })).toThrow(/DATABASE_REPLICA_URL/);
    expect(() => loadConfig({ TEND_REPLICA_MAX_LAG_SECONDS: "0" })).toThrow(/TEND_REPLICA_MAX_LAG_SECONDS/);
  });

  it("listens on the server itself when the pool goes through PgBouncer", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://tend@pgbouncer:6432/tend",
      DATABASE_LISTEN_URL: "postgres://tend@db:5432/tend",
    });
    expect(config.database).toMatchObject({
      url: "postgres://tend@pgbouncer:6432/tend",
      listenUrl: "postgres://tend@db:5432/tend",
    });
    expect(() => loadConfig({ DATABASE_LISTEN_URL: "redis://db" })).toThrow(/DATABASE_LISTEN_URL/);
    expect(config.database).toMatchObject({ preparedStatements: false });
    expect(loadConfig({}).workerPollMs).toBe(1000);
    expect(() => loadConfig({ TEND_WORKER_POLL_MS: "5" })).toThrow(/TEND_WORKER_POLL_MS/);
  });

  it("sends prepared statements unless the pool goes through PgBouncer, or told otherwise", () => {
    const direct = "postgres://tend@db:5432/tend";
    const bouncer = "postgres://tend@pgbouncer:6432/tend";
    const prepared = (env: Record<string, string>) => {
      const { database } = loadConfig({ DATABASE_URL: direct, ...env });
      return database.kind === "postgres" && database.preparedStatements;
    };
    expect(prepared({})).toBe(true);
    expect(prepared({ DATABASE_LISTEN_URL: direct })).toBe(true);
    expect(prepared({ DATABASE_URL: bouncer, DATABASE_LISTEN_URL: direct })).toBe(false);
    expect(prepared({ TEND_DATABASE_PREPARED_STATEMENTS: "off" })).toBe(false);
    expect(
      prepared({
        DATABASE_URL: bouncer,
        DATABASE_LISTEN_URL: direct,
        TEND_DATABASE_PREPARED_STATEMENTS: "on",
      }),
    ).toBe(true);
    expect(() => prepared({ TEND_DATABASE_PREPARED_STATEMENTS: "yes" })).toThrow(
      /TEND_DATABASE_PREPARED_STATEMENTS/,
    );
  });

  it("stops with a message naming the bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("reads the metrics token, refusing a short one", () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    const token = "a-scraper-token-of-forty-characters-0001";
    expect(loadConfig({ TEND_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(() => loadConfig({ TEND_METRICS_TOKEN: "short" })).toThrow(
      /TEND_METRICS_TOKEN: must be at least 32/,
    );
  });

  it("reads which proxies to trust for the client address", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TEND_TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TEND_TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).trustProxy).toBe(
      "10.0.0.0/8, 127.0.0.1",
    );
    expect(() => loadConfig({ TEND_TRUST_PROXY: "everyone" })).toThrow(/TEND_TRUST_PROXY/);
  });

  it("reads the key that encrypts two-factor secrets, refusing a short one", () => {
    expect(loadConfig({}).secretKey).toBeNull();
    const key = "k".repeat(32);
    expect(loadConfig({ TEND_SECRET_KEY: key }).secretKey).toBe(key);
    expect(() => loadConfig({ TEND_SECRET_KEY: "short" })).toThrow(/TEND_SECRET_KEY: must be at least 32/);
  });

  it("turns single sign-on on with an issuer, and stops on combinations that cannot work", () => {
    expect(loadConfig({}).singleSignOn).toBeNull();
    const sso = {
      TEND_PUBLIC_URL: "https://desk.agency.example/",
      TEND_OIDC_ISSUER: "https://login.agency.example",
      TEND_OIDC_CLIENT_ID: "tend",
    };
    expect(
      loadConfig({ ...sso, TEND_OIDC_ALLOWED_DOMAINS: "Agency.example, field.agency.example" }).singleSignOn,
    ).toEqual({
      issuer: "https://login.agency.example",
      clientId: "tend",
      clientSecret: null,
      redirectUri: "https://desk.agency.example/api/v1/auth/sso/callback",
      defaultGroup: "Tier 1",
      mandatory: false,
      allowedDomains: ["agency.example", "field.agency.example"],
      allowInsecureRequests: false,
    });
    expect(() => loadConfig({ TEND_OIDC_MANDATORY: "true" })).toThrow(
      /TEND_OIDC_MANDATORY: needs TEND_OIDC_ISSUER/,
    );
    expect(() => loadConfig({ ...sso, TEND_OIDC_CLIENT_ID: "" })).toThrow(/TEND_OIDC_CLIENT_ID/);
    expect(() => loadConfig({ ...sso, TEND_PUBLIC_URL: "" })).toThrow(/TEND_PUBLIC_URL/);
    expect(() => loadConfig({ ...sso, TEND_OIDC_MANDATORY: "yes" })).toThrow(/TEND_OIDC_MANDATORY/);
    expect(() => loadConfig({ ...sso, TEND_OIDC_ALLOWED_DOMAINS: "agency" })).toThrow(
      /TEND_OIDC_ALLOWED_DOMAINS/,
    );
    expect(() => loadConfig({ ...sso, TEND_OIDC_ISSUER: "ftp://login.agency.example" })).toThrow(
      /TEND_OIDC_ISSUER/,
    );
  });

  it("accepts a plain-HTTP issuer only on loopback or when told to", () => {
    const sso = { TEND_PUBLIC_URL: "http://localhost:8080", TEND_OIDC_CLIENT_ID: "tend" };
    expect(
      loadConfig({ ...sso, TEND_OIDC_ISSUER: "http://127.0.0.1:9000" }).singleSignOn?.allowInsecureRequests,
    ).toBe(true);
    expect(() => loadConfig({ ...sso, TEND_OIDC_ISSUER: "http://login.agency.example" })).toThrow(
      /TEND_OIDC_ISSUER: must be https/,
    );
    expect(
      loadConfig({ ...sso, TEND_OIDC_ISSUER: "http://idp.test", TEND_OIDC_ALLOW_INSECURE_ISSUER: "true" })
        .singleSignOn?.allowInsecureRequests,
    ).toBe(true);
  });

  it("derives the email settings from the public address unless told otherwise", () => {
    expect(loadConfig({ TEND_PUBLIC_URL: "https://help.example.com", HOST: "127.0.0.1" }).email).toEqual({
      smtpPort: 2525,
      smtpHost: "127.0.0.1",
      supportAddresses: ["support@help.example.com"],
      maxMessageBytes: 25 * 1024 * 1024,
      relayUrl: null,
      mailFrom: "support@help.example.com",
      publicUrl: "https://help.example.com",
      imap: null,
      smtpTls: null,
      senderLimit: 30,
      maxAttachmentBytes: 25 * 1024 * 1024,
    });
    const email = loadConfig({
      TEND_SUPPORT_ADDRESSES: "Help@Example.com, billing@example.com",
      TEND_SMTP_PORT: "25",
      TEND_SMTP_RELAY_URL: "smtp://relay.example.com:587",
      TEND_MAIL_FROM: "Example Support <help@example.com>",
    }).email;
    expect(email).toMatchObject({
      smtpPort: 25,
      supportAddresses: ["help@example.com", "billing@example.com"],
      relayUrl: "smtp://relay.example.com:587",
      mailFrom: "Example Support <help@example.com>",
    });
    expect(() => loadConfig({ TEND_SUPPORT_ADDRESSES: "support" })).toThrow(/TEND_SUPPORT_ADDRESSES/);
    expect(() => loadConfig({ TEND_SMTP_RELAY_URL: "http://relay" })).toThrow(/TEND_SMTP_RELAY_URL/);
  });

  it("offers STARTTLS only with both a certificate and a key", () => {
    expect(
      loadConfig({ TEND_SMTP_TLS_CERT: "/etc/tend/cert.pem", TEND_SMTP_TLS_KEY: "/etc/tend/key.pem" }).email
        .smtpTls,
    ).toEqual({ certFile: "/etc/tend/cert.pem", keyFile: "/etc/tend/key.pem" });
    expect(() => loadConfig({ TEND_SMTP_TLS_CERT: "/etc/tend/cert.pem" })).toThrow(/go together/);
  });

  it("reads the IMAP mailbox to poll from one URL", () => {
    expect(
      loadConfig({ TEND_IMAP_URL: "imaps://help%40example.com:p%40ss@imap.example.com" }).email.imap,
    ).toEqual({
      host: "imap.example.com",
      port: 993,
      secure: true,
      user: "help@example.com",
      password: "p@ss",
      mailbox: "INBOX",
      pollSeconds: 30,
      processedMailbox: null,
      oauth2: null,
    });
    const imap = loadConfig({
      TEND_IMAP_URL: "imap://tend:secret@127.0.0.1:1143/Support%20Desk",
      TEND_IMAP_POLL_SECONDS: "5",
      TEND_IMAP_PROCESSED_MAILBOX: "Tend/Stored",
    }).email.imap;
    expect(imap).toMatchObject({ port: 1143, secure: false, mailbox: "Support Desk", pollSeconds: 5 });
    expect(imap?.processedMailbox).toBe("Tend/Stored");
    expect(() => loadConfig({ TEND_IMAP_URL: "imaps://imap.example.com" })).toThrow(/TEND_IMAP_URL/);
  });

  it("reads XOAUTH2 sign-in for the mailbox, all of it or none, with a key to seal its tokens", () => {
    const oauth2 = {
      TEND_IMAP_URL: "imaps://help%40example.com@outlook.office365.com/INBOX",
      TEND_IMAP_OAUTH2_TOKEN_URL: "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
      TEND_IMAP_OAUTH2_CLIENT_ID: "0d5b-client",
      TEND_IMAP_OAUTH2_REFRESH_TOKEN: "M.R3_refresh",
      TEND_IMAP_OAUTH2_SCOPE: "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
      TEND_SECRET_KEY: "a secret key long enough for the secret box",
    };
    expect(loadConfig(oauth2).email.imap).toMatchObject({
      user: "help@example.com",
      password: "",
      oauth2: {
        tokenUrl: "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
        clientId: "0d5b-client",
        clientSecret: null,
        refreshToken: "M.R3_refresh",
        scope: "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
      },
    });
    const { TEND_IMAP_OAUTH2_REFRESH_TOKEN: _refresh, ...withoutRefresh } = oauth2;
    expect(() => loadConfig(withoutRefresh)).toThrow(/go together/);
    const { TEND_SECRET_KEY: _key, ...withoutKey } = oauth2;
    expect(() => loadConfig(withoutKey)).toThrow(/need TEND_SECRET_KEY/);
    const { TEND_IMAP_URL: _url, ...withoutMailbox } = oauth2;
    expect(() => loadConfig(withoutMailbox)).toThrow(/need TEND_IMAP_URL/);
  });
});
