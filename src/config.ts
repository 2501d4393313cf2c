import path from "node:path";
import { z } from "zod";

/**
 * Every setting Tend reads, parsed once at start. Nothing else reads `process.env`.
 * A bad value stops start-up with a message naming the variable.
 */
const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe("HTTP port"),
  HOST: z.string().min(1).default("0.0.0.0").describe("HTTP listen address"),
  TEND_DATA_DIR: z.string().min(1).default("./data").describe("Where the embedded database and files live"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (leave unset for the embedded SQLite store)")
    .optional()
    .describe("PostgreSQL connection string (secret); unset means SQLite in TEND_DATA_DIR"),
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .describe(
      "PostgreSQL server itself for LISTEN, when DATABASE_URL goes through PgBouncer in transaction mode (secret); default DATABASE_URL",
    ),
  TEND_DATABASE_PREPARED_STATEMENTS: z
    .enum(["on", "off"])
    .optional()
    .describe(
      "Send repeated statements as named prepared statements, planned once per connection; default on, off when DATABASE_LISTEN_URL differs from DATABASE_URL (PgBouncer in transaction mode before 1.21 cannot carry them)",
    ),
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .describe(
      "A streaming replica of DATABASE_URL for ticket lists, queue counts and reports (secret); unset, they read the primary",
    ),
  TEND_REPLICA_MAX_LAG_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(30)
    .describe("A replica further behind the primary than this is left out until it catches up"),
  TEND_PUBLIC_URL: z.url().optional().describe("The address people use to reach Tend, for links in mail"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TEND_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe("Largest accepted request body"),
  TEND_DB_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .describe("PostgreSQL connections per process; default from its roles (db/pool-size.ts)"),
  TEND_SQLITE_CACHE_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .optional()
    .describe("SQLite's page cache in the process, in MB; default 2 (db/database.ts)"),
  TEND_DB_REPLICA_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .describe("Connections to DATABASE_REPLICA_URL per web process; default 10"),
  TEND_WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe("Jobs a worker runs at once (keep it below TEND_DB_POOL_SIZE on PostgreSQL)"),
  TEND_JOB_LOCK_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(86_400)
    .default(300)
    .describe(
      "How long a claimed job is its worker's; a worker that died mid-job leaves it to another after this",
    ),
  TEND_WORKER_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(1000)
    .describe(
      "How often an idle worker looks for due jobs; jobs queued in this process, or on PostgreSQL in any, wake it at once",
    ),
  TEND_TRUST_PROXY: z
    .string()
    .regex(/^(false|true|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/, {
      message: "must be false, true, or a comma-separated list of proxy addresses or CIDR ranges",
    })
    .default("false")
    .describe("Which reverse proxies to believe in X-Forwarded-For"),
  TEND_SECRET_KEY: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .describe("Encrypts two-factor secrets in the database (secret); unset stores them unencrypted"),
  TEND_SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^\S{16,}$/, "must be the Slack app's signing secret (Basic Information → App Credentials)")
    .optional()
    .describe("Verifies Slack's slash-command posts (secret); unset refuses them"),
  TEND_SLACK_API_URL: z
    .url()
    .default("https://slack.com/api")
    .describe(
      "The Slack Web API base chat routes and connected channels call (chat.postMessage, users.info)",
    ),
  TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: z
    .enum(["true", "false"])
    .default("false")
    .describe(
      "true: outgoing webhook endpoints may point at private, link-local or reserved addresses (and plain http there); loopback is always allowed",
    ),
  TEND_METRICS_TOKEN: z
    .string()
    .regex(/^\S{32,}$/, "must be at least 32 characters without spaces")
    .optional()
    .describe("Bearer token for GET /metrics (secret); unset serves metrics to loopback clients only"),
  TEND_OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("OpenID Connect issuer for agents' single sign-on; unset turns single sign-on off"),
  TEND_OIDC_CLIENT_ID: z.string().min(1).optional().describe("Tend's client id at the OpenID provider"),
  TEND_OIDC_CLIENT_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe("Tend's client secret at the provider (secret); unset means a public client (PKCE only)"),
  TEND_OIDC_DEFAULT_GROUP: z
    .string()
    .min(1)
    .max(100)
    .default("Tier 1")
    .describe("The group agents provisioned at their first single sign-on join, if it exists"),
  TEND_OIDC_MANDATORY: z
    .enum(["true", "false"])
    .default("false")
    .describe("true: agents sign in only through single sign-on; admins keep password sign-in"),
  TEND_OIDC_ALLOWED_DOMAINS: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}(\s*,\s*[a-zA-Z0-9.-]+\.[a-zA-Z]{2,})*$/, {
      message: "must be a comma-separated list of email domains",
    })
    .optional()
    .describe("Email domains single sign-on may provision new agents from; unset allows any"),
  TEND_OIDC_ALLOW_INSECURE_ISSUER: z
    .enum(["true", "false"])
    .default("false")
    .describe("true: accept an http:// issuer on another host (test rigs only; loopback is always allowed)"),
  TEND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525).describe("Inbound SMTP port"),
  TEND_SMTP_HOST: z.string().min(1).optional().describe("Inbound SMTP listen address; defaults to HOST"),
  TEND_SUPPORT_ADDRESSES: z
    .string()
    .regex(/^[^\s@,]+@[^\s@,]+(\s*,\s*[^\s@,]+@[^\s@,]+)*$/, "must be a comma-separated list of addresses")
    .optional()
    .describe("The addresses Tend accepts mail for; defaults to support@<host of TEND_PUBLIC_URL>"),
  TEND_SMTP_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024)
    .describe("Largest inbound message; larger ones are refused with 552"),
  TEND_SMTP_RELAY_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional()
    .describe("Outbound relay (secret: may carry credentials); unset keeps outbound mail queued"),
  TEND_SMTP_TLS_CERT: z
    .string()
    .min(1)
    .optional()
    .describe("PEM certificate (chain) file: the SMTP listener offers STARTTLS; needs TEND_SMTP_TLS_KEY"),
  TEND_SMTP_TLS_KEY: z
    .string()
    .min(1)
    .optional()
    .describe("PEM private key file for TEND_SMTP_TLS_CERT (secret)"),
  TEND_SMTP_SENDER_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("Messages one sender may send in 10 minutes; more are deferred with 451"),
  TEND_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(25 * 1024 * 1024)
    .describe(
      "Largest attachment kept from an inbound message (larger ones are noted, not stored) or taken by POST /api/v1/uploads",
    ),
  TEND_MAIL_FROM: z
    .string()
    .min(3)
    .optional()
    .describe("From address of outbound mail; defaults to the first support address"),
  TEND_IMAP_URL: z
    .string()
    .regex(
      /^imaps?:\/\/[^/@\s]+@[^/\s]+/,
      "must be imaps://user:password@host[:port][/mailbox] (or imap://; no password with OAuth2)",
    )
    .optional()
    .describe("Mailbox to poll for inbound mail instead of, or besides, SMTP (secret: carries credentials)"),
  TEND_IMAP_POLL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("How often the mailbox is polled"),
  TEND_IMAP_PROCESSED_MAILBOX: z
    .string()
    .min(1)
    .optional()
    .describe("Move stored mail to this mailbox; unset flags it \\Seen and $TendStored in place"),
  TEND_IMAP_OAUTH2_TOKEN_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Sign in to the mailbox with OAuth2 (XOAUTH2): the provider's token endpoint"),
  TEND_IMAP_OAUTH2_CLIENT_ID: z.string().min(1).optional().describe("Tend's client id at that provider"),
  TEND_IMAP_OAUTH2_CLIENT_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe("Tend's client secret there (secret); unset for a public client"),
  TEND_IMAP_OAUTH2_REFRESH_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("The mailbox owner's refresh token (secret); the ones the provider rotates in are kept sealed"),
  TEND_IMAP_OAUTH2_SCOPE: z
    .string()
    .min(1)
    .optional()
    .describe("Scope asked for on refresh, where the provider wants one (Microsoft: its IMAP scope)"),
});

/**
 * Fastify's `trustProxy`: false (default: the connection's address is the client), the proxies'
 * addresses or ranges, or true (any sender — only when nothing but the proxy can reach Tend).
 */
export type TrustProxy = boolean | string;

function parseTrustProxy(value: string): TrustProxy {
  if (value === "false") return false;
  if (value === "true") return true;
  return value;
}

export interface SingleSignOnConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** TEND_PUBLIC_URL + the callback route: what the provider must have registered for Tend. */
  redirectUri: string;
  defaultGroup: string;
  /** Agents may not sign in with a password; admins may, as break-glass when the provider is down. */
  mandatory: boolean;
  /** Lower-case; null means any domain may be provisioned. */
  allowedDomains: string[] | null;
  /** Plain-HTTP issuer: only on this machine (tests, a local provider) or by explicit choice. */
  allowInsecureRequests: boolean;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

function parseSingleSignOn(env: z.infer<typeof environmentSchema>): SingleSignOnConfig | null {
  const refuse = (variable: string, message: string) =>
    new ConfigError(`Invalid configuration:\n  ${variable}: ${message}`);
  if (!env.TEND_OIDC_ISSUER) {
    // Mandatory single sign-on without a provider would lock every agent out.
    if (env.TEND_OIDC_MANDATORY === "true")
      throw refuse("TEND_OIDC_MANDATORY", "needs TEND_OIDC_ISSUER (single sign-on is off without it)");
    if (env.TEND_OIDC_CLIENT_ID)
      throw refuse("TEND_OIDC_CLIENT_ID", "set without TEND_OIDC_ISSUER (single sign-on is off without it)");
    return null;
  }
  if (!env.TEND_OIDC_CLIENT_ID) throw refuse("TEND_OIDC_CLIENT_ID", "is required with TEND_OIDC_ISSUER");
  // The provider redirects browsers to a registered address; a guessed localhost one never matches.
  if (!env.TEND_PUBLIC_URL) throw refuse("TEND_PUBLIC_URL", "is required with TEND_OIDC_ISSUER");
  const issuer = new URL(env.TEND_OIDC_ISSUER);
  const insecure = issuer.protocol === "http:";
  if (insecure && !loopbackHosts.has(issuer.hostname) && env.TEND_OIDC_ALLOW_INSECURE_ISSUER !== "true") {
    throw refuse(
      "TEND_OIDC_ISSUER",
      "must be https:// (plain http is accepted on loopback, or with TEND_OIDC_ALLOW_INSECURE_ISSUER=true)",
    );
  }
  return {
    issuer: env.TEND_OIDC_ISSUER,
    clientId: env.TEND_OIDC_CLIENT_ID,
    clientSecret: env.TEND_OIDC_CLIENT_SECRET ?? null,
    redirectUri: `${env.TEND_PUBLIC_URL.replace(/\/$/, "")}/api/v1/auth/sso/callback`,
    defaultGroup: env.TEND_OIDC_DEFAULT_GROUP,
    mandatory: env.TEND_OIDC_MANDATORY === "true",
    allowedDomains: env.TEND_OIDC_ALLOWED_DOMAINS
      ? env.TEND_OIDC_ALLOWED_DOMAINS.split(",").map((domain) => domain.trim().toLowerCase())
      : null,
    allowInsecureRequests: insecure,
  };
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database:
    | { kind: "sqlite"; file: string; cacheMb?: number | undefined }
    /**
     * `listenUrl`: where processes hear each other's changes (`db/postgres-notifications.ts`); `replica`:
     * where lag-tolerant reads go (`db/read-replica.ts`). Pool sizes unset follow the roles (`db/pool-size.ts`).
     */
    | {
        kind: "postgres";
        url: string;
        poolSize: number | undefined;
        listenUrl: string;
        /** Named prepared statements (`db/prepared-statements.ts`). */
        preparedStatements: boolean;
        replica: { url: string; poolSize: number | undefined; maxLagMs: number } | undefined;
      };
  workerConcurrency: number;
  workerPollMs: number;
  jobLockMs: number;
  publicUrl: string;
  logLevel: z.infer<typeof environmentSchema>["LOG_LEVEL"];
  bodyLimitBytes: number;
  trustProxy: TrustProxy;
  /** Key material for the secret box (src/shared/secret-box.ts); null when unset. */
  secretKey: string | null;
  /** The Slack app's signing secret for `/page` slash commands; null refuses them. */
  slackSigningSecret: string | null;
  /** The Slack Web API base, without a trailing slash. */
  slackApiUrl: string;
  /** Null when single sign-on is off (no TEND_OIDC_ISSUER). */
  singleSignOn: SingleSignOnConfig | null;
  /** TEND_METRICS_TOKEN; null: `/metrics` answers loopback clients only. */
  metricsToken: string | null;
  /** TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: where outgoing webhook endpoints may point (SSRF). */
  webhooks: { allowPrivateNetworks: boolean };
  email: EmailConfig;
}

export interface EmailConfig {
  smtpPort: number;
  smtpHost: string;
  /** Lower-case; mail to these and their plus-addresses (`support+1042@…`) is accepted. */
  supportAddresses: string[];
  maxMessageBytes: number;
  relayUrl: string | null;
  mailFrom: string;
  /** TEND_PUBLIC_URL again: the links in mail lead to the web app there. */
  publicUrl: string;
  /** PEM file paths; null: no STARTTLS. */
  smtpTls: { certFile: string; keyFile: string } | null;
  /** Messages per sender address in 10 minutes before the listener answers 451. */
  senderLimit: number;
  maxAttachmentBytes: number;
  /** Null unless TEND_IMAP_URL is set. */
  imap: ImapConfig | null;
}

export interface ImapConfig {
  host: string;
  port: number;
  /** imaps:// — TLS from the first byte. */
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  pollSeconds: number;
  /** Null: stored mail stays where it is, flagged. */
  processedMailbox: string | null;
  /** Null: the password in TEND_IMAP_URL signs in. */
  oauth2: ImapOAuth2Config | null;
}

/** XOAUTH2 sign-in: access tokens come from the token endpoint by refresh token. */
export interface ImapOAuth2Config {
  tokenUrl: string;
  clientId: string;
  clientSecret: string | null;
  refreshToken: string;
  scope: string | null;
}

function parseImapOAuth2(env: z.infer<typeof environmentSchema>): ImapOAuth2Config | null {
  const { TEND_IMAP_OAUTH2_TOKEN_URL: tokenUrl, TEND_IMAP_OAUTH2_CLIENT_ID: clientId } = env;
  const refreshToken = env.TEND_IMAP_OAUTH2_REFRESH_TOKEN;
  const clientSecret = env.TEND_IMAP_OAUTH2_CLIENT_SECRET;
  if (!tokenUrl && !clientId && !refreshToken && !clientSecret && !env.TEND_IMAP_OAUTH2_SCOPE) return null;
  const problems = [
    !env.TEND_IMAP_URL && "TEND_IMAP_OAUTH2_* need TEND_IMAP_URL (imaps://user@host/INBOX)",
    !(tokenUrl && clientId && refreshToken) &&
      "TEND_IMAP_OAUTH2_TOKEN_URL, TEND_IMAP_OAUTH2_CLIENT_ID and TEND_IMAP_OAUTH2_REFRESH_TOKEN go together",
    // Providers rotate refresh tokens: the current one is stored, and only ever sealed.
    !env.TEND_SECRET_KEY && "TEND_IMAP_OAUTH2_* need TEND_SECRET_KEY (the rotated tokens are stored sealed)",
  ].filter((problem): problem is string => typeof problem === "string");
  if (problems.length > 0 || !tokenUrl || !clientId || !refreshToken) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
  }
  return {
    tokenUrl,
    clientId,
    clientSecret: clientSecret ?? null,
    refreshToken,
    scope: env.TEND_IMAP_OAUTH2_SCOPE ?? null,
  };
}

function parseSmtpTls(env: z.infer<typeof environmentSchema>): EmailConfig["smtpTls"] {
  const { TEND_SMTP_TLS_CERT: certFile, TEND_SMTP_TLS_KEY: keyFile } = env;
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) {
    throw new ConfigError("Invalid configuration:\n  TEND_SMTP_TLS_CERT and TEND_SMTP_TLS_KEY go together");
  }
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

function parseImap(env: z.infer<typeof environmentSchema>): ImapConfig | null {
  const oauth2 = parseImapOAuth2(env);
  if (!env.TEND_IMAP_URL) return null;
  const url = new URL(env.TEND_IMAP_URL);
  const secure = url.protocol === "imaps:";
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, ""));
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    mailbox: mailbox || "INBOX",
    pollSeconds: env.TEND_IMAP_POLL_SECONDS,
    processedMailbox: env.TEND_IMAP_PROCESSED_MAILBOX ?? null,
    oauth2,
  };
}

export class ConfigError extends Error {}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset": that is how most process managers express absence.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ""));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.TEND_DATA_DIR);
  const publicUrl = (env.TEND_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  const supportAddresses = (env.TEND_SUPPORT_ADDRESSES ?? `support@${new URL(publicUrl).hostname}`)
    .split(",")
    .map((address) => address.trim().toLowerCase());
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir,
    database: env.DATABASE_URL
      ? {
          kind: "postgres",
          url: env.DATABASE_URL,
          poolSize: env.TEND_DB_POOL_SIZE,
          listenUrl: env.DATABASE_LISTEN_URL ?? env.DATABASE_URL,
          preparedStatements:
            env.TEND_DATABASE_PREPARED_STATEMENTS === undefined
              ? (env.DATABASE_LISTEN_URL ?? env.DATABASE_URL) === env.DATABASE_URL
              : env.TEND_DATABASE_PREPARED_STATEMENTS === "on",
          replica: env.DATABASE_REPLICA_URL
            ? {
                url: env.DATABASE_REPLICA_URL,
                poolSize: env.TEND_DB_REPLICA_POOL_SIZE,
                maxLagMs: env.TEND_REPLICA_MAX_LAG_SECONDS * 1000,
              }
            : undefined,
        }
      : { kind: "sqlite", file: path.join(dataDir, "tend.sqlite"), cacheMb: env.TEND_SQLITE_CACHE_MB },
    workerConcurrency: env.TEND_WORKER_CONCURRENCY,
    workerPollMs: env.TEND_WORKER_POLL_MS,
    jobLockMs: env.TEND_JOB_LOCK_SECONDS * 1000,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.TEND_BODY_LIMIT_BYTES,
    trustProxy: parseTrustProxy(env.TEND_TRUST_PROXY),
    secretKey: env.TEND_SECRET_KEY ?? null,
    slackSigningSecret: env.TEND_SLACK_SIGNING_SECRET ?? null,
    slackApiUrl: env.TEND_SLACK_API_URL.replace(/\/+$/, ""),
    singleSignOn: parseSingleSignOn(env),
    metricsToken: env.TEND_METRICS_TOKEN ?? null,
    webhooks: { allowPrivateNetworks: env.TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS === "true" },
    email: {
      smtpPort: env.TEND_SMTP_PORT,
      smtpHost: env.TEND_SMTP_HOST ?? env.HOST,
      supportAddresses,
      maxMessageBytes: env.TEND_SMTP_MAX_MESSAGE_BYTES,
      relayUrl: env.TEND_SMTP_RELAY_URL ?? null,
      mailFrom: env.TEND_MAIL_FROM ?? (supportAddresses[0] as string),
      publicUrl,
      imap: parseImap(env),
      smtpTls: parseSmtpTls(env),
      senderLimit: env.TEND_SMTP_SENDER_LIMIT,
      maxAttachmentBytes: env.TEND_ATTACHMENT_MAX_BYTES,
    },
  };
}
