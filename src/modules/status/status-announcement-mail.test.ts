import { describe, expect, it } from "vitest";
import { statusAnnouncementMail, subscriptionConfirmationMail } from "./status-announcement-mail.js";
import { statusWebhookPayload } from "./status-webhook-delivery.js";
import {
  subscriptionConfirmedPage,
  subscriptionFormPage,
  unsubscribeConfirmPage,
} from "./subscription-pages.js";

const incident = {
  id: "0193-incident",
  title: "API <errors>\nfor some",
  state: "identified",
  impact: "major",
  startedAt: "2026-12-01T10:02:33.000Z",
  resolvedAt: null,
  components: [{ id: "c1", name: "API & Webhooks" }],
  url: "https://status.example/status/incidents/0193-incident",
};
const unsubscribe = "https://status.example/status/subscriptions/unsubscribe?token=abc";

describe("announcement mail", () => {
  it("says the state in the subject, quotes the public update and links the incident and the unsubscribe page", () => {
    const mail = statusAnnouncementMail(
      {
        kind: "incident_updated",
        incident,
        update: {
          id: "u1",
          state: "monitoring",
          body: "A fix is out; <b>watching</b>.",
          at: "2026-12-01T10:30:00.000Z",
        },
      },
      unsubscribe,
    );
    expect(mail.subject).toBe("[Monitoring] API <errors> for some");
    expect(mail.text).toContain("A fix is out; <b>watching</b>.");
    expect(mail.text).toContain("Affected: API & Webhooks");
    expect(mail.text).toContain("Started: 2026-12-01 10:02 UTC");
    expect(mail.text).toContain(`Details: ${incident.url}`);
    expect(mail.text).toContain(`Unsubscribe: ${unsubscribe}`);
    expect(mail.html).toContain("&lt;b&gt;watching&lt;/b&gt;");
    expect(mail.html).toContain("API &amp; Webhooks");
    expect(mail.html).not.toContain("<b>watching");
  });

  it("names a maintenance window in UTC and what it touches", () => {
    const mail = statusAnnouncementMail(
      {
        kind: "maintenance_scheduled",
        maintenance: {
          id: "m1",
          title: "Database upgrade",
          description: "Read-only for up to 30 minutes.",
          startsAt: "2026-12-08T09:00:00.000Z",
          endsAt: "2026-12-08T10:00:00.000Z",
          cancelledAt: null,
          components: [],
          url: "https://status.example/status",
        },
      },
      unsubscribe,
    );
    expect(mail.subject).toBe("[Maintenance scheduled] Database upgrade");
    expect(mail.text).toContain("Window: 2026-12-08 09:00 UTC – 2026-12-08 10:00 UTC");
    expect(mail.text).toContain("Read-only for up to 30 minutes.");
  });

  it("asks to confirm with a link that expires, naming the components chosen", () => {
    const mail = subscriptionConfirmationMail({
      confirmUrl: "https://status.example/status/subscriptions/confirm?token=t",
      expiresAt: new Date("2026-12-03T10:00:00.000Z"),
      components: [{ name: "API" }],
    });
    expect(mail.text).toContain("these components: API");
    expect(mail.text).toContain("until 2026-12-03 10:00 UTC");
    expect(mail.text).toContain("https://status.example/status/subscriptions/confirm?token=t");
  });
});

describe("webhook payload", () => {
  it("carries the incident's public fields and the update, nothing else", () => {
    const payload = statusWebhookPayload({
      kind: "incident_opened",
      incident,
      update: { id: "u1", state: "investigating", body: "Looking into it.", at: "2026-12-01T10:03:00.000Z" },
    });
    expect(payload).toEqual({
      type: "incident_opened",
      incident: {
        id: incident.id,
        title: incident.title,
        state: "identified",
        impact: "major",
        startedAt: incident.startedAt,
        resolvedAt: null,
        components: incident.components,
        url: incident.url,
      },
      update: { id: "u1", state: "investigating", body: "Looking into it.", at: "2026-12-01T10:03:00.000Z" },
    });
  });
});

describe("subscription pages", () => {
  it("escape what people typed and carry no script or inline style", () => {
    const html = subscriptionFormPage({
      components: [{ id: "c1", name: "<API>" }],
      error: "bad <input>",
      email: `"><script>alert(1)</script>`,
      chosen: ["c1"],
    });
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/style=|<style/);
    expect(html).toContain("&lt;API&gt;");
    expect(html).toContain("bad &lt;input&gt;");
    expect(html).toContain('value="c1" checked');
    expect(html).toContain('<link rel="stylesheet" href="/status/assets/status.css">');
    expect(subscriptionConfirmedPage([{ id: "c1", name: "A&B" }])).toContain("<li>A&amp;B</li>");
    expect(unsubscribeConfirmPage("a b&c")).toContain(
      'action="/status/subscriptions/unsubscribe?token=a%20b%26c"',
    );
  });
});
