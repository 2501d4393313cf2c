import { describe, expect, it } from "vitest";
import {
  atInZone,
  draftOfSchedule,
  layerSummary,
  layersOfDraft,
  moveEarlier,
  newLayer,
  scheduleFields,
} from "./schedule-draft.js";

describe("an on-call schedule as an admin edits it", () => {
  it("sends a new layer as the API's two-week default, leaving the weekday to the start date", () => {
    const layer = { ...newLayer("2026-12-07"), participants: ["a", "b"] };
    expect(layersOfDraft([layer])).toEqual([
      {
        participants: ["a", "b"],
        rotation: { every: 2, unit: "weeks" },
        startDate: "2026-12-07",
        handoffTime: "09:00",
      },
    ]);
  });

  it("keeps layer ids and restrictions through an edit, and drops a weekday from a daily rotation", () => {
    const layers = [
      {
        id: "layer-1",
        participants: ["a"],
        rotation: { every: 1, unit: "days" as const },
        startDate: "2026-12-07",
        handoffTime: "08:30",
        handoffWeekday: "mon" as const,
        restriction: [{ days: ["mon" as const], from: "09:00", to: "17:00" }],
      },
    ];
    const draft = draftOfSchedule({
      id: "s",
      name: "Support",
      timeZone: "Europe/Paris",
      layers,
      chatWebhookConfigured: false,
      supportLeadId: null,
      version: 3,
      createdAt: "",
      updatedAt: "",
    });
    const [sent] = layersOfDraft(draft.layers);
    expect(sent).toEqual({ ...layers[0], handoffWeekday: undefined });
    expect(sent).not.toHaveProperty("handoffWeekday");
  });

  it("sends an empty rotation length as 0, for the API to name the field", () => {
    expect(layersOfDraft([{ ...newLayer("2026-12-07"), every: "" }])[0]?.rotation.every).toBe(0);
  });

  it("names every field the API may refuse, down to a restriction window's times", () => {
    const layer = { ...newLayer("2026-12-07"), restriction: [{ days: [], from: "", to: "" }] };
    const fields = scheduleFields([layer]);
    expect(fields).toContain("layers/0/handoffTime");
    expect(fields).toContain("layers/0/restriction/0/to");
    expect(fields).not.toContain("layers/1/handoffTime");
  });

  it("moves a participant one turn earlier, and leaves the first where it is", () => {
    expect(moveEarlier(["a", "b", "c"], 2)).toEqual(["a", "c", "b"]);
    expect(moveEarlier(["a", "b", "c"], 0)).toEqual(["a", "b", "c"]);
  });

  it("describes a layer and an instant in the schedule's zone", () => {
    const layer = {
      id: "l",
      participants: [],
      rotation: { every: 2, unit: "weeks" as const },
      startDate: "2026-12-07",
      handoffTime: "09:00",
      handoffWeekday: "mon" as const,
      restriction: [{ days: ["mon" as const, "tue" as const], from: "09:00", to: "17:00" }],
    };
    expect(layerSummary(layer)).toBe(
      "every 2 weeks, handing off Monday at 09:00 from 2026-12-07; only Mon, Tue 09:00–17:00",
    );
    expect(layerSummary({ ...layer, rotation: { every: 1, unit: "days" }, restriction: [] })).toBe(
      "every day, handing off at 09:00 from 2026-12-07",
    );
    expect(atInZone("2026-12-07T08:00:00Z", "Europe/Paris")).toBe("Mon 7 Dec, 09:00");
  });
});
