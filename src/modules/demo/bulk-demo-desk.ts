import { ConflictError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { deskHasOrganizationsOrTickets } from "./demo-repository.js";
import { type SeededDesk, seedDesk } from "./seed-desk.js";

/**
 * `tend demo --bulk`: a big demo desk (up to millions of tickets) loaded in bulk by the bench's own
 * generator, for trying Tend at scale. The rows go straight into the tables, so it needs a desk with no
 * organizations or tickets yet: the generator's people and numbers would otherwise collide with real ones.
 */
export async function buildBulkDemoDesk(
  ctx: Context,
  options: { tickets: number; seed: number },
): Promise<SeededDesk> {
  requireAdmin(ctx.actor);
  if (await deskHasOrganizationsOrTickets(ctx.db))
    throw new ConflictError("a bulk demo desk needs a desk without organizations or tickets");
  const desk = await seedDesk(ctx.db, ctx.dialect, { ...options, now: ctx.clock.now().getTime() });
  await inTransaction(ctx, (tx) =>
    recordAudit(tx, {
      action: "demo.bulk_loaded",
      targetType: "desk",
      targetId: null,
      after: { tickets: desk.tickets, comments: desk.comments, articles: desk.articles, seed: options.seed },
    }),
  );
  return desk;
}
