import { NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { purgeRemovedSearchTerms } from "../tickets/ticket-search.js";
import { type ErasureFinding, type ErasureSubject, erasureContributors } from "./erasure-contributors.js";
import { requireErasable } from "./privacy-policy.js";
import { compactAfterErasure, ticketsRequestedBy } from "./privacy-repository.js";

export interface ErasureReport {
  personId: string;
  dryRun: boolean;
  /** When the data went; null for a dry run. */
  erasedAt: string | null;
  /** What goes (or went), by kind, in the contributors' order. */
  items: { kind: string; count: number }[];
  /** The tickets the person requested: they stay, with their subject and the person's words gone. */
  ticketNumbers: number[];
}

/**
 * Erases a person's data at their request: each contributor lists what it holds for them (the dry
 * run stops there) and erases it, all in one transaction that ends with an audit record of who
 * erased whom and how much, naming the person by id only. After commit, the storage is compacted
 * so the erased bytes leave the database files (SQLite) or the live tables (PostgreSQL).
 */
export async function erasePerson({
  ctx,
  input,
}: {
  ctx: Context;
  input: { personId: string; dryRun: boolean };
}): Promise<ErasureReport> {
  requireAdmin(ctx.actor);
  const findings: ErasureFinding[] = [];
  const report = await inTransaction(ctx, async (tx) => {
    const person = await findPersonById(tx.db, input.personId);
    if (!person) throw new NotFoundError(`No person ${input.personId}.`);
    requireErasable(tx.actor, person);
    const subject: ErasureSubject = { person, requestedTickets: await ticketsRequestedBy(tx.db, person.id) };
    for (const contributor of erasureContributors) findings.push(await contributor.find(tx, subject));
    const counts = Object.assign({}, ...findings.map((finding) => finding.counts)) as Record<string, number>;
    const result: ErasureReport = {
      personId: person.id,
      dryRun: input.dryRun,
      erasedAt: null,
      items: Object.entries(counts).map(([kind, count]) => ({ kind, count })),
      ticketNumbers: subject.requestedTickets.map((ticket) => ticket.number),
    };
    if (input.dryRun) return result;

    for (const finding of findings) await finding.erase();
    await purgeRemovedSearchTerms(tx.db, tx.dialect);
    await recordAudit(tx, {
      action: "person.erased",
      targetType: "person",
      targetId: person.id,
      after: counts,
    });
    tx.logger.info({ personId: person.id, ...counts }, "person erased");
    return { ...result, erasedAt: tx.clock.now().toISOString() };
  });
  if (!input.dryRun) for (const finding of findings) await finding.afterCommit?.(ctx);
  // Inside a caller's transaction nothing is committed yet: the bytes leave at the next checkpoint or VACUUM.
  if (!input.dryRun && !ctx.db.isTransaction) await compactAfterErasure(ctx.db, ctx.dialect, ctx.logger);
  return report;
}
