import { sql } from "kysely";
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
  /** Told which tickets a transaction changed once it commits (the live stream); absent, nobody listens. */
  changeFeed?: TicketCommitSink;
  /** Inside a transaction: the tickets it changed so far (id → who, a person id or null for Tend itself). */
  changedTickets?: Map<string, string | null>;
  /** Inside a transaction begun by `inTransaction`: writes made last, just before the commit (`writeBeforeCommit`). */
  beforeCommit?: Map<string, WriteBeforeCommit>;
  /**
   * Told once jobs this context enqueued are committed: the worker in this process starts them now
   * rather than at its next poll (a page's first notification, a reply's mail). Absent, they wait.
   */
  jobsCommitted?: () => void;
  /** Inside a transaction begun by `inTransaction`: whether it enqueued a job so far. */
  enqueuedJobs?: { any: boolean };
  /** Inside a transaction begun by `inTransaction`: what to tell this process once it has committed. */
  afterCommit?: Array<() => void>;
  /** Inside a batch's transaction: the configuration it has read so far (`readOncePerBatch`). */
  batchReads?: Map<string, Promise<unknown>>;
}

/** The items added under one key so far, and the write that takes them all. */
interface WriteBeforeCommit {
  items: unknown[];
  write: (tx: Context, items: readonly unknown[]) => Promise<void>;
}

/**
 * Adds `item` to a write made once, last, just before the transaction commits, with every item added
 * under `key` in the transaction: a batch of inbound messages, each under its savepoint, appends
 * its audit records to the chain in one go rather than a head lock, insert and head update each.
 * A savepoint's items join its transaction's only if it succeeds. Returns false outside a transaction
 * begun by `inTransaction`: the caller writes at once.
 */
export function writeBeforeCommit<T>(
  ctx: Context,
  key: string,
  item: T,
  write: (tx: Context, items: readonly T[]) => Promise<void>,
): boolean {
  const writes = ctx.db.isTransaction ? ctx.beforeCommit : undefined;
  if (!writes) return false;
  const pending = writes.get(key);
  if (pending) pending.items.push(item);
  else writes.set(key, { items: [item], write: write as WriteBeforeCommit["write"] });
  return true;
}

export interface CommittedTicketChange {
  ticketId: string;
  /** The person who made the last change in the transaction; null when only Tend's rules and timers did. */
  changedById: string | null;
}

export interface TicketCommitSink {
  ticketsCommitted(ctx: Context, changes: CommittedTicketChange[]): void;
}

/**
 * Called wherever a ticket's history grows (`eventRow`): the change is announced only if it commits.
 * What Tend does by rule inside a person's transaction (the closed-hours acknowledgement of their new
 * ticket) does not take the change from them: the person stays its author.
 */
export function markTicketChanged(ctx: Context, ticketId: string): void {
  const personId = ctx.actor.kind === "person" ? ctx.actor.personId : null;
  if (personId === null && ctx.changedTickets?.get(ticketId)) return;
  ctx.changedTickets?.set(ticketId, personId);
}

/**
 * Configuration (SLA policies, calendars, the health settings, the default group, event subscriptions)
 * read once for a batch that shares one transaction and writes none of it: inbound mail, where these
 * reads were 6 of a message's 55 statements. The batch sees the configuration as of its first read,
 * as one transaction would. Outside a batch, read each time.
 */
export function readOncePerBatch<T>(
  ctx: Pick<Context, "batchReads">,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  const reads = ctx.batchReads;
  if (!reads) return read();
  let pending = reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    reads.set(key, pending);
    // A failed read is not kept: the next message reads again.
    pending.catch(() => reads.delete(key));
  }
  return pending;
}

export function withActor(ctx: Context, actor: Actor, channel: Channel = ctx.channel): Context {
  return { ...ctx, actor, channel };
}

/**
 * Tells this process of a change once the transaction holding it has committed (an in-memory cache
 * rebuilt earlier would read the old state); outside a transaction begun by `inTransaction`, at once.
 */
export function afterCommit(ctx: Context, tell: () => void): void {
  if (ctx.afterCommit) ctx.afterCommit.push(tell);
  else tell();
}

/** Runs `work` in one transaction with a context bound to it: a use case commits whole or not at all. */
export async function inTransaction<T>(ctx: Context, work: (trxCtx: Context) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  const changedTickets = new Map<string, string | null>();
  const beforeCommit = new Map<string, WriteBeforeCommit>();
  const enqueuedJobs = { any: false };
  const afterCommit: Array<() => void> = [];
  const result = await ctx.db.transaction().execute(async (trx) => {
    const trxCtx: Context = { ...ctx, db: trx, changedTickets, beforeCommit, enqueuedJobs, afterCommit };
    const outcome = await work(trxCtx);
    for (const { items, write } of beforeCommit.values()) await write(trxCtx, items);
    return outcome;
  });
  if (enqueuedJobs.any) ctx.jobsCommitted?.();
  for (const tell of afterCommit) tell();
  if (changedTickets.size > 0) {
    ctx.changeFeed?.ticketsCommitted(
      ctx,
      [...changedTickets].map(([ticketId, changedById]) => ({ ticketId, changedById })),
    );
  }
  return result;
}

/**
 * The transaction could not be rolled back to a savepoint: it has ended (SQLite ends it itself on a
 * full disk) or its connection is gone, so nothing more can run in it.
 */
export class TransactionLostError extends Error {}

/**
 * Runs `work` inside the caller's transaction under a savepoint: if it throws, its writes are rolled
 * back and the transaction goes on, so several units of work (a batch of inbound messages) share one
 * commit without one's failure taking the others down. What `work` queued for the commit (ticket
 * changes, audit records, jobs, in-process notices) is kept only if it succeeds.
 */
export async function inSavepoint<T>(tx: Context, work: (savepointCtx: Context) => Promise<T>): Promise<T> {
  if (!tx.db.isTransaction) throw new Error("inSavepoint needs a transaction begun by inTransaction");
  const changedTickets = new Map<string, string | null>();
  const beforeCommit = new Map<string, WriteBeforeCommit>();
  const enqueuedJobs = { any: false };
  const afterCommit: Array<() => void> = [];
  await sql`savepoint unit_of_work`.execute(tx.db);
  let result: T;
  try {
    result = await work({ ...tx, changedTickets, beforeCommit, enqueuedJobs, afterCommit });
    await sql`release savepoint unit_of_work`.execute(tx.db);
  } catch (error) {
    try {
      await sql`rollback to savepoint unit_of_work`.execute(tx.db);
      await sql`release savepoint unit_of_work`.execute(tx.db);
    } catch (rollbackError) {
      throw new TransactionLostError(
        `the transaction ended under a failed unit of work: ${errorMessage(error)}`,
        { cause: rollbackError },
      );
    }
    throw error;
  }
  for (const [ticketId, changedById] of changedTickets) {
    // As `markTicketChanged`: Tend's own follow-up does not take the change from the person who made it.
    if (changedById === null && tx.changedTickets?.get(ticketId)) continue;
    tx.changedTickets?.set(ticketId, changedById);
  }
  for (const [key, { items, write }] of beforeCommit) {
    const pending = tx.beforeCommit?.get(key);
    if (pending) pending.items.push(...items);
    else tx.beforeCommit?.set(key, { items, write });
  }
  tx.afterCommit?.push(...afterCommit);
  if (enqueuedJobs.any && tx.enqueuedJobs) tx.enqueuedJobs.any = true;
  return result;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
