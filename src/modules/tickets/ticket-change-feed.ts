import type { CommittedTicketChange, Context, TicketCommitSink } from "../../shared/context.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { ticketChangeFacts } from "./ticket-repository.js";

/** A committed change to a ticket, as the live stream announces it. */
export interface TicketChange {
  number: number;
  version: number;
  /** Who made it; null for Tend's own rules and timers. */
  changedBy: { id: string; name: string } | null;
  /** Whose ticket it is: each listener keeps only the changes its actor may see. */
  organizationId: string | null;
  requesterId: string;
}

export type TicketChangeListener = (change: TicketChange) => void;

/**
 * Where committed ticket changes go and who hears them. `inTransaction` reports every commit that
 * touched a ticket; the stream route subscribes. `InProcessTicketChangeFeed` hears the web role, the
 * worker and the SMTP listener running in its process; on PostgreSQL, where several processes may
 * share the database, `ClusterTicketChangeFeed` adds the others' through LISTEN/NOTIFY.
 */
export interface TicketChangeFeed extends TicketCommitSink {
  subscribe(listener: TicketChangeListener): () => void;
}

export class InProcessTicketChangeFeed implements TicketChangeFeed {
  readonly #listeners = new Set<TicketChangeListener>();

  subscribe(listener: TicketChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Called after the commit: the write's caller is not kept waiting, and nothing is read when nobody listens. */
  ticketsCommitted(ctx: Context, changes: CommittedTicketChange[]): void {
    if (this.#listeners.size === 0) return;
    this.#announce(ctx, changes).catch((error: unknown) =>
      ctx.logger.warn({ err: error }, "could not announce committed ticket changes"),
    );
  }

  async #announce(ctx: Context, changes: CommittedTicketChange[]): Promise<void> {
    // Every listener filters by its own actor's scope, so the facts are read for all of them at once.
    const scope = systemScope("the live stream: each listener keeps only the tickets its actor may see");
    const changedBy = new Map(changes.map((change) => [change.ticketId, change.changedById]));
    const personIds = [...new Set(changes.flatMap((c) => (c.changedById ? [c.changedById] : [])))];
    const [tickets, people] = await Promise.all([
      ticketChangeFacts(ctx.db, scope, [...changedBy.keys()]),
      findPeopleByIds(ctx.db, scope, personIds),
    ]);
    const names = new Map(people.map((person) => [person.id, person.name]));
    for (const ticket of tickets) {
      const personId = changedBy.get(ticket.id) ?? null;
      const change: TicketChange = {
        number: ticket.number,
        version: ticket.version,
        changedBy: personId ? { id: personId, name: names.get(personId) ?? "" } : null,
        organizationId: ticket.organization_id,
        requesterId: ticket.requester_id,
      };
      for (const listener of this.#listeners) listener(change);
    }
  }
}
