import { describe, expect, it } from "vitest";
import { slackMessageOf, subjectOf } from "./slack-events.js";

// Envelopes as Slack documents them (api.slack.com/apis/events-api, the `message` event).
const envelope = (event: Record<string, unknown>) => ({
  token: "XXYYZZ",
  team_id: "T0001",
  api_app_id: "A0TEND",
  type: "event_callback",
  event_id: "Ev0001",
  event_time: 1_763_888_400,
  event: {
    type: "message",
    channel: "C0SUPPORT",
    user: "U0ALICE",
    text: "Export fails",
    ts: "1.000100",
    ...event,
  },
});

describe("the Slack messages Tend takes", () => {
  it("takes a person's top-level message and a reply in a thread", () => {
    expect(slackMessageOf(envelope({}))).toEqual({
      eventId: "Ev0001",
      channel: "C0SUPPORT",
      user: "U0ALICE",
      text: "Export fails",
      ts: "1.000100",
      threadTs: null,
    });
    expect(slackMessageOf(envelope({ ts: "2.000200", thread_ts: "1.000100" }))?.threadTs).toBe("1.000100");
    // A thread's first message carries its own ts as thread_ts: it is top-level.
    expect(slackMessageOf(envelope({ thread_ts: "1.000100" }))?.threadTs).toBeNull();
  });

  it("ignores bots, edits, deletions, joins and other event types", () => {
    expect(slackMessageOf(envelope({ bot_id: "B0TEND", subtype: "bot_message" }))).toBeNull();
    expect(slackMessageOf(envelope({ bot_id: "B0OTHER" }))).toBeNull();
    expect(slackMessageOf(envelope({ subtype: "message_changed" }))).toBeNull();
    expect(slackMessageOf(envelope({ subtype: "message_deleted" }))).toBeNull();
    expect(slackMessageOf(envelope({ subtype: "channel_join" }))).toBeNull();
    expect(slackMessageOf(envelope({ type: "reaction_added" }))).toBeNull();
    expect(slackMessageOf(envelope({ text: "   " }))).toBeNull();
    expect(slackMessageOf({ type: "url_verification", challenge: "x" })).toBeNull();
  });

  it("makes a subject of the first line, shortened", () => {
    expect(subjectOf("  Export fails\nSince this morning")).toBe("Export fails");
    expect(subjectOf("x".repeat(200))).toHaveLength(120);
  });
});
