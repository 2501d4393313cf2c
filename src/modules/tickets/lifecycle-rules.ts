import { ConflictError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { systemScope } from "../identity/tenant-scope.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { applyTicketChanges } from "./ticket-changes.js";
import { findTicketById, findTicketsIdleSince } from "./ticket-repository.js";
import {
  isDueForAutoClose,
  isDueForAutoSolve,
  pendingAutoSolveAfterMs,
  solvedAutoCloseAfterMs,
  type TicketStatus,
} from "./ticket-status.js";

const batchSize = 200;

interface TimedRule {
  from: "pending" | "solved";
  to: TicketStatus;
  afterMs: number;
  reason: string;
  isDue: (row: { status: string; last_activity_at: string; solved_at: string | null }, now: Date) => boolean;
}

/** The reason on the status event an auto-solve records: how the Flow report tells it from a person's solve. */
export const pendingAutoSolveReason = "Pending with no reply for 5 days: solved automatically";

const autoSolve: TimedRule = {
  from: "pending",
  to: "solved",
  afterMs: pendingAutoSolveAfterMs,
  reason: pendingAutoSolveReason,
  isDue: (row, now) => isDueForAutoSolve(row.status as TicketStatus, new Date(row.last_activity_at), now),
};

const autoClose: TimedRule = {
  from: "solved",
  to: "closed",
  afterMs: solvedAutoCloseAfterMs,
  reason: "Solved 4 days ago: closed automatically",
  isDue: (row, now) =>
    isDueForAutoClose(row.status as TicketStatus, row.solved_at ? new Date(row.solved_at) : null, now),
};

/**
 * Applies one timed rule to every ticket it is due for. Each ticket is its own transaction and is
 * re-read inside it, so a reply that lands during the sweep wins: the rule re-checks and skips.
 */
const lifecycleScope = systemScope("lifecycle timers act on every organization's tickets");

async function sweep(ctx: Context, rule: TimedRule): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - rule.afterMs).toISOString();
  let changed = 0;
  for (;;) {
    const due = await findTicketsIdleSince(ctx.db, lifecycleScope, rule.from, cutoff, batchSize);
    const changedBefore = changed;
    for (const candidate of due) {
      try {
        await inTransaction(ctx, async (tx) => {
          const ticket = await findTicketById(tx.db, lifecycleScope, candidate.id);
          if (!ticket || !rule.isDue(ticket, now)) return;
          await applyTicketChanges(
            tx,
            ticket,
            { status: rule.to },
            { reasons: { status: rule.reason }, activity: false },
          );
          await recomputeTicketSla(tx, ticket.id);
          changed += 1;
        });
      } catch (error) {
        // Someone changed the ticket between our read and our write: they acted, so the rule yields.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    // A batch that changed nothing would come back identical: stop rather than spin.
    if (due.length < batchSize || changed === changedBefore) return changed;
  }
}

export const autoSolvePendingTickets = (ctx: Context) => sweep(ctx, autoSolve);
export const autoCloseSolvedTickets = (ctx: Context) => sweep(ctx, autoClose);
