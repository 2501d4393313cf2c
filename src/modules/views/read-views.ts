import type { Context } from "../../shared/context.js";
import { loadHealthRules } from "../health/health-rules-in-force.js";
import { findGroupByName } from "../identity/group-repository.js";
import { requireStaff } from "../identity/identity-policy.js";
import { defaultGroupName } from "../tickets/create-ticket.js";
import { escalationGroupName } from "../tickets/escalate-ticket.js";
import { countTickets } from "../tickets/read-tickets.js";
import { breachingSoonBusinessMs, builtInViews, type ViewDefinition } from "./view-definitions.js";
import { presentView, type ViewView } from "./view-presenter.js";
import { listViewRows, type ViewRow } from "./view-repository.js";

/** Counting stops here: past it a queue says "1000+", and no count reads more of the index than this. */
const countCap = 1000;

/** The built-in queues, then the admins' own, each with how many tickets it holds now. */
export async function listViews(ctx: Context): Promise<ViewView[]> {
  requireStaff(ctx.actor);
  const now = ctx.clock.now();
  const [tierOne, experts, rules, stored] = await Promise.all([
    findGroupByName(ctx.db, defaultGroupName),
    findGroupByName(ctx.db, escalationGroupName),
    loadHealthRules(ctx.db),
    listViewRows(ctx.db),
  ]);
  // "Within two business hours" on the support calendar; without one, two hours of the clock.
  const breachingBefore = rules.calendar
    ? rules.calendar.add(now, breachingSoonBusinessMs)
    : new Date(now.getTime() + breachingSoonBusinessMs);
  const views = [
    ...builtInViews({
      now,
      breachingBefore,
      tierOneGroupId: tierOne?.id ?? null,
      expertsGroupId: experts?.id ?? null,
    }),
    ...stored.map(storedView),
  ];
  return Promise.all(views.map(async (view) => presentView(view, await countView(ctx, view))));
}

export async function countView(
  ctx: Context,
  view: ViewDefinition,
): Promise<{ count: number; capped: boolean }> {
  const count = await countTickets({ ctx, filter: view.filter, cap: countCap + 1 });
  return { count: Math.min(count, countCap), capped: count > countCap };
}

export function storedView(row: ViewRow): ViewDefinition {
  return { id: row.id, name: row.name, builtIn: false, filter: JSON.parse(row.filter) };
}
