import { describe, expect, it } from "vitest";
import {
  acknowledgementEffect,
  type DebriefView,
  debriefFilterOf,
  debriefListPath,
  debriefsAwaiting,
  feedSubject,
  notesChanges,
  notesDraftOf,
  ownsFeed,
  searchOfDebriefFilter,
} from "./debrief-data.js";

const olga = { id: "olga", name: "Olga Outgoing" };
const ian = { id: "ian", name: "Ian Incoming" };

function debrief(overrides: Partial<DebriefView> = {}): DebriefView {
  const matter = (ticketId: string, number: number, notes = "") => ({
    ticketId,
    notes,
    outcome: null,
    ticket: {
      number,
      subject: `Ticket ${number}`,
      status: "open",
      severity: "sev1",
      slaClocks: [],
      lastPublicUpdate: null,
      lastInternalUpdate: null,
    },
  });
  return {
    id: "d1",
    scheduleId: "s1",
    outgoing: olga,
    incoming: ian,
    handoffAt: "2026-12-07T17:00:00.000Z",
    overallNotes: "",
    status: "prepared",
    reassignMode: "reassign",
    completedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    leadNotifiedAt: null,
    createdAt: "2026-12-06T17:00:00.000Z",
    version: 3,
    items: [matter("t1", 101), matter("t2", 102, "Waiting on the customer.")],
    ...overrides,
  };
}

describe("the debrief list's filter", () => {
  it("round-trips through the address bar, leaving out what is empty", () => {
    const filter = { text: "  cluster  ", scheduleId: "s1", status: "completed" as const };
    const search = searchOfDebriefFilter(filter);
    expect(search.toString()).toBe("text=cluster&scheduleId=s1&status=completed");
    expect(debriefFilterOf(search)).toEqual({ text: "cluster", scheduleId: "s1", status: "completed" });
    expect(searchOfDebriefFilter({ text: " ", scheduleId: "", status: "" }).toString()).toBe("");
  });

  it("drops a status the API does not know instead of sending it to be refused", () => {
    expect(debriefFilterOf(new URLSearchParams("status=lost&text=a")).status).toBe("");
    expect(debriefFilterOf(new URLSearchParams("status=acknowledged")).status).toBe("acknowledged");
  });

  it("asks the API for a page after the cursor, with the filter encoded", () => {
    expect(debriefListPath({ text: "EU & US", scheduleId: "", status: "" }, "abc/+=", 10)).toBe(
      "/oncall/debriefs?text=EU+%26+US&limit=10&cursor=abc%2F%2B%3D",
    );
  });
});

describe("what a debrief waits for", () => {
  it("waits for the outgoing engineer until completed, then for the incoming one, then nobody", () => {
    const prepared = debrief();
    const completed = debrief({ id: "d2", status: "completed", handoffAt: "2026-12-01T17:00:00.000Z" });
    const acknowledged = debrief({ id: "d3", status: "acknowledged" });
    expect(debriefsAwaiting("olga", [prepared, completed, acknowledged])).toEqual([
      { debrief: prepared, duty: "complete" },
    ]);
    // Soonest handoff first; the same debrief from two queries is listed once.
    expect(
      debriefsAwaiting("ian", [prepared, completed, completed, acknowledged]).map((w) => [
        w.debrief.id,
        w.duty,
      ]),
    ).toEqual([["d2", "acknowledge"]]);
    expect(debriefsAwaiting("someone-else", [prepared, completed])).toEqual([]);
  });

  it("says before acknowledging whether the tickets move or are followed", () => {
    expect(acknowledgementEffect(debrief())).toBe(
      "The 2 listed tickets still open and assigned to Olga Outgoing will be reassigned to Ian Incoming.",
    );
    expect(
      acknowledgementEffect(debrief({ reassignMode: "follow", items: debrief().items.slice(0, 1) })),
    ).toBe("The 1 listed ticket stays with Olga Outgoing; Ian Incoming will follow it.");
    expect(acknowledgementEffect(debrief({ items: [] }))).toMatch(/^No open tickets are listed/);
  });
});

describe("saving debrief notes", () => {
  it("sends nothing when nothing changed", () => {
    const saved = debrief();
    expect(notesChanges(saved, notesDraftOf(saved))).toBeNull();
  });

  it("sends only what changed, against the version last read", () => {
    const saved = debrief();
    const draft = notesDraftOf(saved);
    draft.itemNotes.t1 = "Network team owns the fix.";
    draft.overallNotes = "Quiet week apart from the EU cluster.";
    expect(notesChanges(saved, draft)).toEqual({
      version: 3,
      overallNotes: "Quiet week apart from the EU cluster.",
      items: [{ ticketId: "t1", notes: "Network team owns the fix." }],
    });
    expect(notesChanges(saved, { ...notesDraftOf(saved), reassignMode: "follow" })).toEqual({
      version: 3,
      reassignMode: "follow",
    });
  });

  it("sends a note cleared to empty", () => {
    const saved = debrief();
    const draft = notesDraftOf(saved);
    draft.itemNotes.t2 = "";
    expect(notesChanges(saved, draft)?.items).toEqual([{ ticketId: "t2", notes: "" }]);
  });
});

describe("calendar feeds", () => {
  const feed = { id: "f1", createdAt: "2026-12-01T00:00:00.000Z" };
  const names = new Map([["s1", "Support"]]);

  it("are someone's when they made them or they show that person's shifts", () => {
    expect(ownsFeed("olga", { ...feed, scheduleId: "s1", personId: null, createdBy: "olga" })).toBe(true);
    expect(ownsFeed("olga", { ...feed, scheduleId: null, personId: "olga", createdBy: "admin" })).toBe(true);
    expect(ownsFeed("olga", { ...feed, scheduleId: "s1", personId: null, createdBy: "ian" })).toBe(false);
  });

  it("are named by what they show", () => {
    expect(feedSubject({ ...feed, scheduleId: "s1", personId: null, createdBy: "olga" }, "olga", names)).toBe(
      "Schedule “Support”",
    );
    expect(
      feedSubject({ ...feed, scheduleId: "gone", personId: null, createdBy: "olga" }, "olga", names),
    ).toBe("Schedule “a deleted schedule”");
    expect(
      feedSubject({ ...feed, scheduleId: null, personId: "olga", createdBy: "olga" }, "olga", names),
    ).toBe("My shifts in every schedule");
  });
});
