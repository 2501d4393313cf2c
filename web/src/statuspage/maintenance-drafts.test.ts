import { describe, expect, it } from "vitest";
import {
  isoOfLocalInput,
  localInputOfIso,
  maintenanceBodyOfDraft,
  overrideText,
  policyBodyOfDraft,
  policyRefusal,
  policyText,
} from "./maintenance-drafts.js";

describe("the maintenance policy in words", () => {
  it("lists the weekdays in order with the zone, notice and length", () => {
    expect(
      policyText({
        allowedWeekdays: [4, 2, 3],
        minimumNoticeMinutes: 1440,
        maximumDurationMinutes: 120,
        timeZone: "Europe/Berlin",
        updatedAt: null,
      }),
    ).toBe(
      "Maintenance runs on Tuesday, Wednesday and Thursday (Europe/Berlin), announced at least 24 h ahead, lasting at most 2 h.",
    );
  });

  it("turns hours as typed into minutes, and what is no number into null for the API to refuse", () => {
    expect(
      policyBodyOfDraft({
        allowedWeekdays: ["3", "1"],
        noticeHours: "1,5",
        maximumHours: "x",
        timeZone: " UTC ",
      }),
    ).toEqual({
      allowedWeekdays: [1, 3],
      minimumNoticeMinutes: 90,
      maximumDurationMinutes: null,
      timeZone: "UTC",
    });
  });
});

describe("local time and ISO", () => {
  it("round-trips a datetime-local value through ISO in the browser's zone", () => {
    const iso = isoOfLocalInput("2026-12-08T10:30");
    expect(iso).toMatch(/^2026-12-0[78]T\d\d:\d0:00\.000Z$/);
    expect(new Date(iso).getHours()).toBe(10);
    expect(localInputOfIso(iso)).toBe("2026-12-08T10:30");
  });

  it("leaves what is not a full local time as typed, for the API to refuse on its field", () => {
    expect(isoOfLocalInput("")).toBe("");
    expect(isoOfLocalInput("2026-12-08")).toBe("2026-12-08");
  });

  it("sends the override only when asked", () => {
    const draft = {
      title: " DB upgrade ",
      description: "",
      startsAt: "2026-12-08T10:00",
      endsAt: "2026-12-08T11:00",
      componentIds: ["c1"],
      overrideReason: "Vendor window is fixed",
    };
    expect(maintenanceBodyOfDraft(draft, false)).not.toHaveProperty("override");
    expect(maintenanceBodyOfDraft(draft, true)).toMatchObject({
      title: "DB upgrade",
      override: { reason: "Vendor window is fixed" },
    });
  });
});

describe("a policy refusal", () => {
  it("gives every broken rule in words, and nothing for other refusals", () => {
    const problem = {
      type: "urn:tend:problem:maintenancepolicybreach",
      title: "Unprocessable",
      status: 422,
      detail: "",
      errors: [
        {
          field: "/startsAt",
          message: "Maintenance may only run on Tuesday (UTC); this window falls on a Monday.",
          rule: "weekday",
        },
        {
          field: "/endsAt",
          message: "Maintenance may last at most 2 h; this window lasts 3 h.",
          rule: "duration",
        },
      ],
    };
    expect(policyRefusal(problem)).toEqual([
      { rule: "weekday", ruleName: "allowed weekdays", message: problem.errors[0]?.message },
      { rule: "duration", ruleName: "maximum length", message: problem.errors[1]?.message },
    ]);
    expect(policyRefusal({ ...problem, type: "about:blank", status: 400 })).toBeNull();
  });

  it("says an override's rules and reason", () => {
    expect(overrideText({ reason: "Vendor fixed it", rules: ["weekday", "notice"] })).toBe(
      "Overrides the policy (allowed weekdays, notice): Vendor fixed it",
    );
  });
});

describe("durations in the policy", () => {
  it("says days beyond two days, and minutes when not whole hours", () => {
    const policy = { allowedWeekdays: [1], timeZone: "UTC", updatedAt: null };
    expect(policyText({ ...policy, minimumNoticeMinutes: 7 * 1440, maximumDurationMinutes: 90 })).toBe(
      "Maintenance runs on Monday (UTC), announced at least 7 d ahead, lasting at most 90 min.",
    );
  });
});
