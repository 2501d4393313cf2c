import type { TicketListFilter } from "../tickets/read-tickets.js";

/** A view before it is counted: its filter is a ticket-list query. */
export interface ViewDefinition {
  id: string;
  name: string;
  builtIn: boolean;
  filter: TicketListFilter;
}

const twoBusinessHoursMs = 2 * 3_600_000;
const solvedRecentlyMs = 7 * 24 * 3_600_000;

/** "Breaching soon" looks this far ahead, counted in the support calendar's open hours. */
export const breachingSoonBusinessMs = twoBusinessHoursMs;

/**
 * The queues every desk starts with. `breachingBefore` is now plus two business hours on the
 * support calendar; a group view is left out when its group is gone.
 */
export function builtInViews({
  now,
  breachingBefore,
  tierOneGroupId,
  expertsGroupId,
}: {
  now: Date;
  breachingBefore: Date;
  tierOneGroupId: string | null;
  expertsGroupId: string | null;
}): ViewDefinition[] {
  const unsolved: TicketListFilter["status"] = ["new", "open", "pending"];
  const views: (ViewDefinition | null)[] = [
    {
      id: "my-open",
      name: "My open tickets",
      builtIn: true,
      filter: { assignee: "me", status: ["new", "open"] },
    },
    {
      id: "unassigned-new",
      name: "Unassigned New",
      builtIn: true,
      // Oldest first: the next one to take is at the top.
      filter: { assignee: "none", status: ["new"], sort: "createdAt" },
    },
    tierOneGroupId
      ? { id: "tier-1", name: "Tier 1", builtIn: true, filter: { groupId: tierOneGroupId, status: unsolved } }
      : null,
    expertsGroupId
      ? {
          id: "platform-experts",
          name: "Platform experts",
          builtIn: true,
          filter: { groupId: expertsGroupId, status: unsolved },
        }
      : null,
    {
      id: "breaching-soon",
      name: "Breaching soon",
      builtIn: true,
      // A ticket's next_sla_due_at is its nearest owed clock, so "any clock due by then" is one range.
      filter: { status: unsolved, slaDueBefore: breachingBefore.toISOString(), sort: "slaDueAt" },
    },
    { id: "pending", name: "Pending", builtIn: true, filter: { status: ["pending"] } },
    {
      id: "solved-recently",
      name: "Solved recently",
      builtIn: true,
      filter: {
        status: ["solved", "closed"],
        solvedAfter: new Date(now.getTime() - solvedRecentlyMs).toISOString(),
      },
    },
  ];
  return views.filter((view): view is ViewDefinition => view !== null);
}

const queryKeys = [
  "status",
  "groupId",
  "assignee",
  "organizationId",
  "requesterId",
  "severity",
  "category",
  "tag",
  "text",
  "slaDueBefore",
  "solvedAfter",
  "sort",
] as const satisfies readonly (keyof TicketListFilter)[];

/** The filter as GET /api/v1/tickets takes it: `status=new,open&assignee=me`. */
export function viewQueryString(filter: TicketListFilter): string {
  const parts: string[] = [];
  for (const key of queryKeys) {
    const value = filter[key];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(encodeURIComponent).join(",") : encodeURIComponent(value);
    parts.push(`${key}=${text}`);
  }
  return parts.join("&");
}
