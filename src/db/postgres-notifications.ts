import { sql } from "kysely";
import type pg from "pg";
import type { Logger } from "pino";
import type { Db } from "./database.js";
import { postgresDriver } from "./postgres-driver.js";

export type NotificationHandler = (payload: string) => void;

const firstRetryMs = 500;
const maxRetryMs = 30_000;
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const maxNotificationBytes = 7_900;

/**
 * What several Tend processes on one PostgreSQL tell each other: a committed ticket change for the
 * agents connected to another web process, a queued job for a worker in another process.
 *
 * Sending is `pg_notify` through the ordinary pool, which works behind PgBouncer in transaction mode.
 * Hearing needs `LISTEN`, which holds a session, so it has a connection of its own: to `listenUrl`,
 * the server itself when the pool goes through PgBouncer. When that connection drops it reconnects
 * with backoff and listens again; what was sent meanwhile is not heard again, so every use is a
 * hint that makes something happen sooner (a live update, a job run before the next poll), never the
 * only way it happens.
 */
export class PostgresNotifications {
  readonly #handlers = new Map<string, Set<NotificationHandler>>();
  #client: pg.Client | undefined;
  /** The channels the current connection has said LISTEN on. */
  #listening = new Set<string>();
  #connecting: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs = firstRetryMs;
  #closed = false;

  constructor(
    private readonly db: Db,
    private readonly listenUrl: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Calls `handler` with each payload sent on `channel` by any process, this one included, until the
   * notifications are closed (`tend.stop()`).
   */
  async listen(channel: string, handler: NotificationHandler): Promise<void> {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    await this.#connect();
    if (this.#client) await this.#listenOn(this.#client, channel);
  }

  /** Sends `payload` on `channel` to every listening process; delivered once the sender's statement commits. */
  async publish(channel: string, payload: string): Promise<void> {
    if (Buffer.byteLength(payload) > maxNotificationBytes)
      throw new Error(`a notification on ${channel} is over ${maxNotificationBytes} bytes`);
    await sql`select pg_notify(${channel}, ${payload})`.execute(this.db);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #connect(): Promise<void> {
    if (this.#client || this.#closed) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const client = new (postgresDriver().Client)({ connectionString: this.listenUrl });
    client.on("notification", (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? []) {
        try {
          handler(message.payload ?? "");
        } catch (error) {
          this.logger.warn({ err: error, channel: message.channel }, "a notification handler failed");
        }
      }
    });
    // Both fire when the server goes away; the one that comes first schedules the reconnect.
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client, new Error("the listening connection ended")));
    try {
      await client.connect();
      this.#listening = new Set();
      for (const channel of this.#handlers.keys()) await this.#listenOn(client, channel);
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => {});
      this.#scheduleReconnect(error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    if (this.#retryMs !== firstRetryMs)
      this.logger.info("listening for other processes' changes again; any sent meanwhile were missed");
    this.#retryMs = firstRetryMs;
    this.#client = client;
  }

  async #listenOn(client: pg.Client, channel: string): Promise<void> {
    if (this.#listening.has(channel)) return;
    this.#listening.add(channel);
    await client.query(`LISTEN ${postgresDriver().escapeIdentifier(channel)}`);
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    if (!this.#closed) this.#scheduleReconnect(error);
  }

  #scheduleReconnect(error: unknown): void {
    if (this.#closed || this.#retryTimer) return;
    this.logger.warn(
      { err: error, retryInMs: this.#retryMs },
      "cannot listen for other processes' changes; retrying",
    );
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, maxRetryMs);
  }
}
