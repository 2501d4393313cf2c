import { describe, expect, it } from "vitest";
import {
  checklistBodyOfDraft,
  composerRequest,
  conflictProblem,
  detailsBodyOfDraft,
  followUpBodyOfDraft,
  followUpStatusText,
  type IncidentLogEntryView,
  type IncidentView,
  openedByText,
  retrospectiveBodyOfDraft,
  ruleText,
  timelineDays,
} from "./incident-drafts.js";

const incident: IncidentView = {
  id: "i1",
  title: "Checkout slow",
  kind: "incident",
  state: "investigating",
  impact: "minor",
  published: true,
  firedRule: null,
  firedFigures: null,
  openedBy: { id: "p1", name: "Ada" },
  componentIds: ["c1"],
  startedAt: "2026-12-01T10:00:00.000Z",
  resolvedAt: null,
  version: 3,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-01T10:00:00.000Z",
};

const entry = (over: Partial<IncidentLogEntryView>): IncidentLogEntryView => ({
  id: "e",
  visibility: "public",
  kind: "update",
  state: "investigating",
  body: "text",
  author: null,
  at: "2026-12-01T10:00:00.000Z",
  ...over,
});

describe("who opened an incident", () => {
  it("names the person, or the rule in words with what was measured", () => {
    expect(openedByText(incident)).toBe("Ada");
    expect(
      openedByText({
        ...incident,
        openedBy: null,
        firedRule: JSON.stringify({ kind: "availability_below", windowMs: 3_600_000, threshold: 0.9 }),
        firedFigures: {
          fired: [
            {
              rule: { kind: "availability_below", windowMs: 3_600_000, threshold: 0.9 },
              measured: 0.85499,
            },
          ],
        },
      }),
    ).toBe(
      "Tend, by the rule “availability under 90% over the last hour” (measured 85.499% against availability under 90% over the last hour)",
    );
  });

  it("says the users rule, and shows a rule it does not know as stored", () => {
    expect(ruleText({ kind: "users_affected_above", share: 0.1 })).toBe("more than 10% of users affected");
    expect(
      ruleText(JSON.stringify({ kind: "availability_below", windowMs: 86_400_000, threshold: 0.97 })),
    ).toBe("availability under 97% over the last 24 hours");
    expect(ruleText("latency_above")).toBe("latency_above");
  });
});

describe("the composer", () => {
  it("sends a public update with the version and only the moves that change something", () => {
    expect(
      composerRequest(
        { visibility: "public", state: "identified", impact: "minor", body: " Found it " },
        incident,
      ),
    ).toEqual({
      path: "/status/incidents/i1/updates",
      body: { version: 3, body: "Found it", state: "identified" },
    });
  });

  it("sends an internal note as words only, whatever the state picker says", () => {
    expect(
      composerRequest(
        { visibility: "internal", state: "resolved", impact: "critical", body: "db failover" },
        incident,
      ),
    ).toEqual({ path: "/status/incidents/i1/notes", body: { body: "db failover" } });
  });
});

describe("editing details", () => {
  it("sends only what changed, with the version read", () => {
    expect(
      detailsBodyOfDraft({ title: "Checkout slow", impact: "major", componentIds: ["c1"] }, incident),
    ).toEqual({
      version: 3,
      impact: "major",
    });
    expect(detailsBodyOfDraft({ title: " New ", impact: "minor", componentIds: [] }, incident)).toEqual({
      version: 3,
      title: "New",
      componentIds: [],
    });
  });
});

describe("the timeline", () => {
  it("groups by day in time order, tells notes from updates and offers Resolve on the latest suggestion only", () => {
    const log = [
      entry({ id: "b", at: "2026-12-02T09:00:00.000Z", kind: "recovery_suggestion", visibility: "internal" }),
      entry({ id: "a", kind: "opened" }),
      entry({ id: "n", at: "2026-12-01T11:00:00.000Z", visibility: "internal" }),
      entry({ id: "c", at: "2026-12-02T10:00:00.000Z", kind: "recovery_suggestion", visibility: "internal" }),
    ];
    const days = timelineDays(log, "identified", (iso) => iso.slice(0, 10));
    expect(days.map((day) => [day.day, day.entries.map((e) => e.id)])).toEqual([
      ["2026-12-01", ["a", "n"]],
      ["2026-12-02", ["b", "c"]],
    ]);
    expect(days[0]?.entries.map((e) => e.label)).toEqual([
      "Public update, opening — Investigating",
      "Internal note — Investigating",
    ]);
    expect(days[1]?.entries.map((e) => e.resolvable)).toEqual([false, true]);
    expect(
      timelineDays(log, "resolved", (iso) => iso.slice(0, 10))[1]?.entries.some((e) => e.resolvable),
    ).toBe(false);
  });
});

describe("the retrospective", () => {
  it("drops blank timeline entries and sorts the rest by time", () => {
    const body = retrospectiveBodyOfDraft(
      {
        summary: "s",
        timeline: [
          { at: "2026-12-01T12:00:00.000Z", body: " later ", visibility: "public" },
          { at: "2026-12-01T11:00:00.000Z", body: "  ", visibility: "internal" },
          { at: "2026-12-01T10:00:00.000Z", body: "first", visibility: "internal" },
        ],
        contributingFactors: "c",
        lessonsLearned: "l",
      },
      2,
    );
    expect(body.version).toBe(2);
    expect(body.timeline.map((e) => e.body)).toEqual(["first", "later"]);
  });

  it("reads a follow-up's reference as a ticket number or a URL", () => {
    const base = { title: " Add alert ", ownerId: "p1", dueOn: "" };
    expect(followUpBodyOfDraft({ ...base, reference: "#42" })).toEqual({
      title: "Add alert",
      ownerId: "p1",
      dueOn: null,
      ticketNumber: 42,
      url: null,
    });
    expect(
      followUpBodyOfDraft({ ...base, dueOn: "2026-12-10", reference: "https://x.example/T-1" }),
    ).toMatchObject({
      dueOn: "2026-12-10",
      ticketNumber: null,
      url: "https://x.example/T-1",
    });
  });

  it("says a follow-up's state", () => {
    const followUp = {
      id: "f",
      title: "t",
      owner: { id: "p1", name: "Ada" },
      dueOn: "2026-12-03",
      done: false,
      doneAt: null,
      doneBy: null,
      overdue: true,
      ticketNumber: null,
      url: null,
      createdAt: "",
      updatedAt: "",
    };
    expect(followUpStatusText(followUp)).toBe("Overdue (was due 2026-12-03)");
    expect(
      followUpStatusText({
        ...followUp,
        overdue: false,
        done: true,
        doneBy: { id: "p1", name: "Ada" },
        doneAt: "2026-12-04T08:00:00Z",
      }),
    ).toBe("Done by Ada on 2026-12-04");
  });
});

describe("the security checklist's configuration", () => {
  it("sends a blank deadline as none, and a word as typed so the API refuses it rather than reading none", () => {
    expect(
      checklistBodyOfDraft([
        { title: " Contain ", deadlineHours: "" },
        { title: "Notify authorities", deadlineHours: "72" },
        { title: "Communicate", deadlineHours: "soon" },
      ]),
    ).toEqual({
      steps: [
        { title: "Contain", deadlineHours: null },
        { title: "Notify authorities", deadlineHours: 72 },
        { title: "Communicate", deadlineHours: "soon" },
      ],
    });
  });
});

describe("a version conflict", () => {
  it("is said in words, and other refusals pass unchanged", () => {
    const conflict = {
      type: "about:blank",
      title: "Conflict",
      status: 409,
      detail: "The incident was changed by someone else; review the current version and try again.",
    };
    expect(conflictProblem(conflict, "incident").detail).toMatch(/^Someone changed this incident/);
    expect(
      conflictProblem({ ...conflict, detail: "This maintenance is over." }, "maintenance window").detail,
    ).toBe("This maintenance is over. The maintenance window has been reloaded.");
    const invalid = { ...conflict, status: 422 };
    expect(conflictProblem(invalid, "incident")).toBe(invalid);
  });
});
