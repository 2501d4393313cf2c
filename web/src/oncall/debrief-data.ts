import type {
  DebriefClockSnapshot,
  DebriefItemOutcome,
  DebriefItemView,
  DebriefView,
} from "../../../src/modules/oncall/handoff-presenter.js";
import type { FeedView } from "../../../src/modules/oncall/oncall-feeds.js";

export type { DebriefClockSnapshot, DebriefItemOutcome, DebriefItemView, DebriefView };

export type DebriefStatus = DebriefView["status"];

/** The list's filter, as the address bar keeps it: a search shared in chat opens the same list. */
export interface DebriefFilter {
  text: string;
  scheduleId: string;
  status: DebriefStatus | "";
}

/** Each status by what it waits for, the way the team asks about a handoff. */
export const debriefStatusNames: Record<DebriefStatus, string> = {
  prepared: "Awaiting completion",
  completed: "Awaiting acknowledgement",
  acknowledged: "Acknowledged",
};

const isStatus = (value: string): value is DebriefStatus => Object.hasOwn(debriefStatusNames, value);

/** The filter in `?text=…&scheduleId=…&status=…`; an unknown status is dropped, not sent to be refused. */
export function debriefFilterOf(search: URLSearchParams): DebriefFilter {
  const status = search.get("status") ?? "";
  return {
    text: search.get("text") ?? "",
    scheduleId: search.get("scheduleId") ?? "",
    status: isStatus(status) ? status : "",
  };
}

/** The address bar's query for `filter`: empty values are left out, so a plain list has a plain URL. */
export function searchOfDebriefFilter(filter: DebriefFilter): URLSearchParams {
  const search = new URLSearchParams();
  if (filter.text.trim()) search.set("text", filter.text.trim());
  if (filter.scheduleId) search.set("scheduleId", filter.scheduleId);
  if (filter.status) search.set("status", filter.status);
  return search;
}

/** The API path of one page of the list: the filter, then the cursor of the page before. */
export function debriefListPath(filter: DebriefFilter, cursor: string | null, limit = 25): string {
  const search = searchOfDebriefFilter(filter);
  search.set("limit", String(limit));
  if (cursor) search.set("cursor", cursor);
  return `/oncall/debriefs?${search.toString()}`;
}

/** What one person still owes a debrief: their notes (outgoing), or taking the handoff (incoming). */
export type DebriefDuty = "complete" | "acknowledge";

/**
 * The debrief waits for the outgoing engineer until completed, then for the incoming one. Before
 * completion the incoming engineer is not yet asked: the notes they would rely on are unwritten.
 */
export function dutyOf(personId: string, debrief: DebriefView): DebriefDuty | null {
  if (debrief.status === "prepared" && debrief.outgoing.id === personId) return "complete";
  if (debrief.status === "completed" && debrief.incoming.id === personId) return "acknowledge";
  return null;
}

/** The debriefs waiting for this person, soonest handoff first. */
export function debriefsAwaiting(
  personId: string,
  debriefs: readonly DebriefView[],
): { debrief: DebriefView; duty: DebriefDuty }[] {
  const seen = new Set<string>();
  return debriefs
    .filter((debrief) => !seen.has(debrief.id) && seen.add(debrief.id))
    .flatMap((debrief) => {
      const duty = dutyOf(personId, debrief);
      return duty ? [{ debrief, duty }] : [];
    })
    .sort((a, b) => Date.parse(a.debrief.handoffAt) - Date.parse(b.debrief.handoffAt));
}

const personName = (person: { name: string | null }) => person.name ?? "a former staff member";

/** What pressing "Acknowledge" does to the listed tickets, said before it is pressed. */
export function acknowledgementEffect(debrief: DebriefView): string {
  const count = debrief.items.length;
  if (count === 0) return "No open tickets are listed: acknowledging only records that you took the handoff.";
  const tickets = count === 1 ? "The 1 listed ticket" : `The ${count} listed tickets`;
  return debrief.reassignMode === "reassign"
    ? `${tickets} still open and assigned to ${personName(debrief.outgoing)} will be reassigned to ${personName(debrief.incoming)}.`
    : `${tickets} ${count === 1 ? "stays" : "stay"} with ${personName(debrief.outgoing)}; ${personName(debrief.incoming)} will follow ${count === 1 ? "it" : "them"}.`;
}

export const outcomeNames: Record<DebriefItemOutcome, string> = {
  reassigned: "Reassigned",
  followed: "Followed",
  stale: "Not moved: changed at the same moment",
  no_longer_open: "Not moved: no longer open",
  reassigned_elsewhere: "Not moved: already assigned to someone else",
};

/** The notes as the outgoing engineer is writing them, per ticket id and overall. */
export interface NotesDraft {
  overallNotes: string;
  reassignMode: DebriefView["reassignMode"];
  itemNotes: Record<string, string>;
}

export function notesDraftOf(debrief: DebriefView): NotesDraft {
  return {
    overallNotes: debrief.overallNotes,
    reassignMode: debrief.reassignMode,
    itemNotes: Object.fromEntries(debrief.items.map((item) => [item.ticketId, item.notes])),
  };
}

/**
 * The PATCH body saving what changed since `saved`, or null when nothing did. Only changed tickets
 * are sent, so the audit log shows which notes were written, not every ticket's again.
 */
export function notesChanges(
  saved: DebriefView,
  draft: NotesDraft,
): {
  version: number;
  overallNotes?: string;
  reassignMode?: DebriefView["reassignMode"];
  items?: { ticketId: string; notes: string }[];
} | null {
  const items = saved.items
    .filter((item) => (draft.itemNotes[item.ticketId] ?? item.notes) !== item.notes)
    .map((item) => ({ ticketId: item.ticketId, notes: draft.itemNotes[item.ticketId] ?? "" }));
  const overallChanged = draft.overallNotes !== saved.overallNotes;
  const modeChanged = draft.reassignMode !== saved.reassignMode;
  if (!overallChanged && !modeChanged && items.length === 0) return null;
  return {
    version: saved.version,
    ...(overallChanged ? { overallNotes: draft.overallNotes } : {}),
    ...(modeChanged ? { reassignMode: draft.reassignMode } : {}),
    ...(items.length > 0 ? { items } : {}),
  };
}

/** A feed is someone's to revoke when they made it or it is their own shifts (as the API decides). */
export function ownsFeed(personId: string, feed: FeedView): boolean {
  return feed.createdBy === personId || feed.personId === personId;
}

/** What a feed shows, in the words of the button that made it. */
export function feedSubject(
  feed: FeedView,
  viewerId: string,
  scheduleNames: ReadonlyMap<string, string>,
): string {
  if (feed.scheduleId) return `Schedule “${scheduleNames.get(feed.scheduleId) ?? "a deleted schedule"}”`;
  return feed.personId === viewerId
    ? "My shifts in every schedule"
    : "Someone's shifts in every schedule (made by you)";
}
