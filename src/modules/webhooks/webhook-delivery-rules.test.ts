import { describe, expect, it } from "vitest";
import { HOUR, MINUTE, SECOND } from "../../shared/clock.js";
import {
  endpointHears,
  nextRetryDelayMs,
  shouldDisable,
  webhookBody,
  webhookMessage,
} from "./webhook-delivery-rules.js";

describe("webhook delivery rules", () => {
  it("retries on the Standard Webhooks schedule, then gives up after the eighth attempt", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(nextRetryDelayMs)).toEqual([
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
      null,
    ]);
  });

  it("disables an endpoint once every attempt has failed for a day", () => {
    const since = "2026-12-01T08:00:00.000Z";
    expect(shouldDisable(null, new Date("2026-12-09T00:00:00.000Z"))).toBe(false);
    expect(shouldDisable(since, new Date("2026-12-02T07:59:59.999Z"))).toBe(false);
    expect(shouldDisable(since, new Date("2026-12-02T08:00:00.000Z"))).toBe(true);
  });

  it("posts {type, timestamp, data} with the event's own time, so every attempt sends the same bytes", () => {
    const event = {
      id: "e1",
      kind: "ticket.created" as const,
      ticketId: "t1",
      payload: { ticketNumber: 7, subject: "Export" },
      createdAt: "2026-12-01T08:00:00.000Z",
    };
    expect(webhookMessage(event)).toEqual({
      type: "ticket.created",
      timestamp: "2026-12-01T08:00:00.000Z",
      data: { ticketId: "t1", ticketNumber: 7, subject: "Export" },
    });
    expect(webhookMessage({ ...event, ticketId: null }).data).toEqual({ ticketNumber: 7, subject: "Export" });
  });

  it("posts an automation's own rendered body as it is, and the message for every other event", () => {
    const event = {
      id: "e2",
      kind: "automation.webhook_called" as const,
      ticketId: "t1",
      payload: { automation: { name: "Bridge" }, body: '{"text":"#7 is down"}' },
      createdAt: "2026-12-01T08:00:00.000Z",
    };
    expect(webhookBody(event)).toBe('{"text":"#7 is down"}');
    const { body: _, ...withoutBody } = event.payload;
    expect(JSON.parse(webhookBody({ ...event, payload: withoutBody }))).toMatchObject({
      type: "automation.webhook_called",
      data: { automation: { name: "Bridge" } },
    });
    // Another kind's payload field named body is data, not a body to post.
    expect(JSON.parse(webhookBody({ ...event, kind: "ticket.created" }))).toMatchObject({
      type: "ticket.created",
      data: { body: '{"text":"#7 is down"}' },
    });
  });

  it("matches an endpoint's kinds, * for every one", () => {
    expect(endpointHears(["*"], "page.opened")).toBe(true);
    expect(endpointHears(["ticket.created"], "ticket.created")).toBe(true);
    expect(endpointHears(["ticket.created"], "ticket.updated")).toBe(false);
  });
});
