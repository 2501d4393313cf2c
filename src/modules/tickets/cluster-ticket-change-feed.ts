import type { Logger } from "pino";
import { maxNotificationBytes, type PostgresNotifications } from "../../db/postgres-notifications.js";
import type { CommittedTicketChange, Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import {
  InProcessTicketChangeFeed,
  type TicketChangeFeed,
  type TicketChangeListener,
} from "./ticket-change-feed.js";

export const ticketChangesChannel = "tend_ticket_changes";

/** [ticket id, id of the person who changed it or null], as sent between processes. */
type SentChange = [string, string | null];

interface SentChanges {
  /** The sending process: it has told its own listeners already. */
  origin: string;
  changes: SentChange[];
}

/**
 * The live stream's feed when several Tend processes share one PostgreSQL: a change committed in
 * any process (a reply through another web process, mail turned into a ticket by a worker) reaches
 * the agents connected to this one. The committing process tells its own listeners at once and the
 * others through NOTIFY; each process then reads the changed tickets' facts itself, so what travels is
 * ids only and each listener still keeps only what its actor may see.
 */
export class ClusterTicketChangeFeed implements TicketChangeFeed {
  readonly #local = new InProcessTicketChangeFeed();
  readonly #origin = newId();

  private constructor(
    private readonly notifications: PostgresNotifications,
    /** For reading the facts of changes heard from other processes. */
    private readonly readContext: () => Context,
    private readonly logger: Logger,
  ) {}

  static async start(
    notifications: PostgresNotifications,
    readContext: () => Context,
    logger: Logger,
  ): Promise<ClusterTicketChangeFeed> {
    const feed = new ClusterTicketChangeFeed(notifications, readContext, logger);
    // For the process's lifetime: closing the notifications connection (`tend.stop()`) ends it.
    await notifications.listen(ticketChangesChannel, (payload) => feed.#heard(payload));
    return feed;
  }

  subscribe(listener: TicketChangeListener): () => void {
    return this.#local.subscribe(listener);
  }

  ticketsCommitted(ctx: Context, changes: CommittedTicketChange[]): void {
    this.#local.ticketsCommitted(ctx, changes);
    for (const payload of this.#payloads(changes)) {
      this.notifications.publish(ticketChangesChannel, payload).catch((error: unknown) =>
        // The change is committed and this process's agents have it; others see it when they next load.
        this.logger.warn({ err: error }, "could not tell other processes of committed ticket changes"),
      );
    }
  }

  /** As few notifications as fit PostgreSQL's payload limit: a bulk update may change thousands of tickets. */
  #payloads(changes: CommittedTicketChange[]): string[] {
    const payloads: string[] = [];
    let batch: SentChange[] = [];
    const flush = () => {
      if (batch.length > 0) payloads.push(JSON.stringify({ origin: this.#origin, changes: batch }));
      batch = [];
    };
    // Two uuids and JSON punctuation, about 80 bytes a change.
    const perNotification = Math.floor(maxNotificationBytes / 100);
    for (const change of changes) {
      batch.push([change.ticketId, change.changedById]);
      if (batch.length === perNotification) flush();
    }
    flush();
    return payloads;
  }

  #heard(payload: string): void {
    const sent = parseSentChanges(payload);
    if (!sent) {
      this.logger.warn({ payload: payload.slice(0, 200) }, "ignored a malformed ticket-change notification");
      return;
    }
    if (sent.origin === this.#origin) return;
    this.#local.ticketsCommitted(
      this.readContext(),
      sent.changes.map(([ticketId, changedById]) => ({ ticketId, changedById })),
    );
  }
}

function parseSentChanges(payload: string): SentChanges | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { origin, changes } = value as Record<string, unknown>;
  if (typeof origin !== "string" || !Array.isArray(changes)) return null;
  const wellFormed = changes.every(
    (change): change is SentChange =>
      Array.isArray(change) &&
      change.length === 2 &&
      typeof change[0] === "string" &&
      (typeof change[1] === "string" || change[1] === null),
  );
  return wellFormed ? { origin, changes } : null;
}
