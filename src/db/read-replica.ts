import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db } from "./database.js";
import { hasReplayed, laterOf, type WalPosition } from "./wal-position.js";

/** How long what is known of the replica is trusted before both servers are asked again. */
const checkEveryMs = 1_000;
/** A replica that failed is left alone this long before it is tried again. */
const unreachableBackoffMs = 5_000;
/** A person's own write stops mattering once the replica has it; these bound what is remembered meanwhile. */
const rememberedWritesMax = 10_000;
const rememberedWriteMs = 5 * 60_000;
/** Samples of the primary's position not yet replayed: at one a second, enough for any sane lag limit. */
const maxPrimarySamples = 3_600;

interface PrimarySample {
  at: number;
  written: WalPosition;
}

/**
 * Routes the reads that can bear a moment's lag (ticket lists, queue counts, reports) to a streaming
 * replica, and keeps read-your-writes: after a person's write, their reads go to the primary until the
 * replica has replayed the primary's position at that write.
 *
 * The position is remembered in this process and also handed to the client (`Tend-Read-After`), which
 * sends it back with its next reads: a client whose next request reaches another web process behind
 * the load balancer still reads its own writes.
 *
 * Everyone's reads go to the primary while the replica is unreachable (left out for a few seconds,
 * then tried again) or further behind than `maxLagMs`: lag is measured in time, by sampling the
 * primary's position every second and finding the latest sample the replica has replayed, so an idle
 * primary does not look like a lagging replica.
 */
export class ReadReplica {
  readonly #lastWrites = new Map<string, { position: WalPosition; at: number }>();
  readonly #primarySamples: PrimarySample[] = [];
  #replayed: WalPosition | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | undefined;
  #unreachableUntil = Number.NEGATIVE_INFINITY;
  #lagging = false;

  constructor(
    readonly primary: Db,
    readonly replica: Db,
    private readonly options: { logger: Logger; maxLagMs: number; now?: () => number },
  ) {}

  /**
   * The primary's position once a write has committed; remembered for the person who wrote, and for
   * the client to send back.
   */
  async recordWrite(personId: string): Promise<WalPosition> {
    const position = await this.#primaryPosition();
    const at = this.#now();
    this.#lastWrites.delete(personId);
    this.#lastWrites.set(personId, { position, at });
    // Insertion order is age order: the oldest go first.
    for (const [oldest, write] of this.#lastWrites) {
      if (this.#lastWrites.size <= rememberedWritesMax && at - write.at <= rememberedWriteMs) break;
      this.#lastWrites.delete(oldest);
    }
    return position;
  }

  /**
   * The database a lag-tolerant read of this person's should go to: the replica unless it is
   * unreachable, lagging, or has not yet replayed their last write (the one this process remembers,
   * or the one their client sent back).
   */
  async readerFor(personId: string | undefined, clientPosition: WalPosition | undefined): Promise<Db> {
    if (this.#now() < this.#unreachableUntil) return this.primary;
    const remembered = personId === undefined ? undefined : this.#lastWrites.get(personId)?.position;
    const mustHave = laterOf(remembered, clientPosition);
    const stale = this.#now() - this.#checkedAt > checkEveryMs;
    if (stale || (mustHave !== undefined && !this.#has(mustHave))) await this.#check();
    if (this.#replayed === undefined || this.#lagging) return this.primary;
    if (mustHave === undefined) return this.replica;
    if (!this.#has(mustHave)) return this.primary;
    // The replica has this person's writes: their reads need not ask again until they write again.
    if (personId !== undefined && remembered !== undefined && this.#has(remembered))
      this.#lastWrites.delete(personId);
    return this.replica;
  }

  /** A read on the replica failed for want of it: the next ones go to the primary for a while. */
  replicaUnreachable(error: Error): void {
    if (this.#now() >= this.#unreachableUntil)
      this.options.logger.warn(
        { err: error, retryInMs: unreachableBackoffMs },
        "read replica unreachable: its reads go to the primary",
      );
    this.#unreachableUntil = this.#now() + unreachableBackoffMs;
    this.#replayed = undefined;
  }

  #has(position: WalPosition): boolean {
    return this.#replayed !== undefined && hasReplayed(this.#replayed, position);
  }

  /** One check in flight however many requests wait on it. */
  #check(): Promise<void> {
    this.#checking ??= this.#checkBothServers().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #checkBothServers(): Promise<void> {
    let replayed: WalPosition;
    let written: WalPosition;
    try {
      [replayed, written] = await Promise.all([this.#replicaPosition(), this.#primaryPosition()]);
    } catch (error) {
      // The primary failing is the request's own problem (answered 503); the replica is left out either way.
      this.replicaUnreachable(error as Error);
      return;
    }
    const at = this.#now();
    this.#replayed = replayed;
    this.#checkedAt = at;
    this.#primarySamples.push({ at, written });
    // A sample the replica has replayed says nothing more; the oldest one it has not is how far behind it is.
    while (this.#primarySamples[0] && hasReplayed(replayed, this.#primarySamples[0].written))
      this.#primarySamples.shift();
    if (this.#primarySamples.length > maxPrimarySamples) this.#primarySamples.splice(1, 1);
    const oldestMissing = this.#primarySamples[0];
    const lagging = oldestMissing !== undefined && at - oldestMissing.at > this.options.maxLagMs;
    if (lagging !== this.#lagging)
      this.options.logger.warn(
        { replayed, written, maxLagMs: this.options.maxLagMs },
        lagging
          ? "read replica lagging: its reads go to the primary until it catches up"
          : "read replica caught up: lists and reports read from it again",
      );
    this.#lagging = lagging;
  }

  async #primaryPosition(): Promise<WalPosition> {
    const { rows } = await sql<{ position: string }>`select pg_current_wal_lsn()::text as position`.execute(
      this.primary,
    );
    return rows[0]?.position as WalPosition;
  }

  async #replicaPosition(): Promise<WalPosition> {
    // A server out of recovery (a promoted replica, or the primary itself named as replica) has all it wrote.
    const { rows } = await sql<{ position: string }>`
      select coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text as position`.execute(
      this.replica,
    );
    return rows[0]?.position as WalPosition;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}
