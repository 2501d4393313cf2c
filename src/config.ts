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
  TEND_PUBLIC_URL: z.url().optional().describe("The address people use to reach Tend, for links in mail"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TEND_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe("Largest accepted request body"),
  TEND_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe("PostgreSQL pool size"),
  TEND_TRUST_PROXY: z
    .string()
    .regex(/^(false|true|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/, {
      message: "must be false, true, or a comma-separated list of proxy addresses or CIDR ranges",
    })
    .default("false")
    .describe("Which reverse proxies to believe in X-Forwarded-For"),
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

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: "sqlite"; file: string } | { kind: "postgres"; url: string; poolSize: number };
  publicUrl: string;
  logLevel: z.infer<typeof environmentSchema>["LOG_LEVEL"];
  bodyLimitBytes: number;
  trustProxy: TrustProxy;
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
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir,
    database: env.DATABASE_URL
      ? { kind: "postgres", url: env.DATABASE_URL, poolSize: env.TEND_DB_POOL_SIZE }
      : { kind: "sqlite", file: path.join(dataDir, "tend.sqlite") },
    publicUrl: (env.TEND_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.TEND_BODY_LIMIT_BYTES,
    trustProxy: parseTrustProxy(env.TEND_TRUST_PROXY),
  };
}
