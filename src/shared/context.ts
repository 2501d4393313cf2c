import type { Db, DialectKind } from "../db/database.js";
import type { Actor } from "../modules/identity/actor.js";
import type { Clock } from "./clock.js";
import type { Logger } from "./logger.js";
import type { SecretBox } from "./secret-box.js";

/** How a change reached Tend; recorded on every ticket event. */
export type Channel = "web" | "api" | "email" | "chat" | "portal" | "phone" | "cli" | "system";

/** Where an HTTP request came from, for the audit trail. The CLI and jobs have none. */
export interface Origin {
  ip: string | null;
  userAgent: string | null;
  /** The API token the caller authenticated with, when it did. */
  tokenId: string | null;
}

/**
 * What every use case receives: who acts, through which channel, the database (or the open
 * transaction), the clock and the logger.
 */
export interface Context {
  actor: Actor;
  channel: Channel;
  origin?: Origin;
  db: Db;
  dialect: DialectKind;
  clock: Clock;
  logger: Logger;
  /** Encrypts secrets kept for reading back (TOTP seeds); absent when TEND_SECRET_KEY is unset. */
  secretBox?: SecretBox;
  /** The attachment store, `$TEND_DATA_DIR/attachments`; absent where nothing reads or writes files. */
  attachmentsDir?: string;
}

export function withActor(ctx: Context, actor: Actor, channel: Channel = ctx.channel): Context {
  return { ...ctx, actor, channel };
}

/** Runs `work` in one transaction with a context bound to it: a use case commits whole or not at all. */
export async function inTransaction<T>(ctx: Context, work: (trxCtx: Context) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  return ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
}
