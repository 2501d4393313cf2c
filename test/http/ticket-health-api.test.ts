import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { answerNotKnownYetReply } from "../../src/modules/health/manage-saved-replies.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Ticket health over HTTP: the settings (admins write, staff read, customers neither), saved replies,
 * the flags the scheduled sweep raises, and the acknowledgement of a ticket that arrives at night.
 * The desk's support calendar is Los Angeles, 09:00–17:00 on weekdays (17:00Z–01:00Z in November).
 */
const desk = useTestDesk();

let admin: Person;
let agent: Person;
let customer: Person;

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  await installHealthDefaults(desk.system);
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

const settingsUrl = "/api/v1/settings/ticket-health";

async function readSettings() {
  const response = await desk.app.inject({ url: settingsUrl, headers: agent.auth });
  expect(response.statusCode).toBe(200);
  const { updatedAt: _, ...settings } = response.json();
  return settings;
}

describe("ticket health settings", () => {
  it("are read by staff and changed by admins only", async () => {
    const settings = await readSettings();
    expect(settings).toMatchObject({
      unacknowledgedEndOfDay: { enabled: true, deadline: "close" },
      openOverADay: { enabled: true, idleBusinessMs: 8 * 3_600_000 },
      closedHoursAcknowledgement: { enabled: true, template: expect.stringContaining("{nextOpen}") },
    });
    expect(settings.calendarId).toEqual(expect.any(String));

    const asCustomer = await desk.app.inject({ url: settingsUrl, headers: customer.auth });
    expect(asCustomer.statusCode).toBe(403);
    expect(asCustomer.headers["content-type"]).toContain("application/problem+json");
    for (const person of [customer, agent]) {
      const put = await desk.app.inject({
        method: "PUT",
        url: settingsUrl,
        headers: person.auth,
        payload: settings,
      });
      expect(put.statusCode).toBe(403);
    }
    expect((await desk.app.inject({ url: settingsUrl })).statusCode).toBe(401);

    const changed = {
      ...settings,
      unacknowledgedEndOfDay: { enabled: true, deadline: "16:30" },
      openOverADay: { enabled: false, idleBusinessMs: 4 * 3_600_000 },
    };
    const put = await desk.app.inject({
      method: "PUT",
      url: settingsUrl,
      headers: admin.auth,
      payload: changed,
    });
    expect(put.statusCode).toBe(200);
    expect(await readSettings()).toEqual(changed);

    const restored = await desk.app.inject({
      method: "PUT",
      url: settingsUrl,
      headers: admin.auth,
      payload: settings,
    });
    expect(restored.statusCode).toBe(200);
  });

  it("refuse bad values with problem+json naming every field", async () => {
    const settings = await readSettings();
    const response = await desk.app.inject({
      method: "PUT",
      url: settingsUrl,
      headers: admin.auth,
      payload: {
        calendarId: "0190a1a2-0000-7000-8000-000000000000",
        unacknowledgedEndOfDay: { enabled: true, deadline: "5pm" },
        openOverADay: { enabled: true, idleBusinessMs: 10 },
        closedHoursAcknowledgement: { enabled: true, template: "We are away.", authorId: customer.id },
      },
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().errors.map((problem: { field: string }) => problem.field);
    expect(fields.sort()).toEqual([
      "/calendarId",
      "/closedHoursAcknowledgement/authorId",
      "/closedHoursAcknowledgement/template",
      "/openOverADay/idleBusinessMs",
      "/unacknowledgedEndOfDay/deadline",
    ]);

    const unknownField = await desk.app.inject({
      method: "PUT",
      url: settingsUrl,
      headers: admin.auth,
      payload: { ...settings, openOverADay: { ...settings.openOverADay, notify: "everyone" } },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().errors).toContainEqual({
      field: "/body/openOverADay/notify",
      message: "unknown field",
    });
    expect(await readSettings()).toEqual(settings);
  });
  it("go inert, not broken, when their calendar is deleted", async () => {
    const settings = await readSettings();
    const calendar = await desk.app.inject({
      method: "POST",
      url: "/api/v1/sla/calendars",
      headers: admin.auth,
      payload: {
        name: "Health only",
        definition: { timeZone: "UTC", weekly: { mon: [["09:00", "17:00"]] } },
      },
    });
    const calendarId = calendar.json().id;
    const put = await desk.app.inject({
      method: "PUT",
      url: settingsUrl,
      headers: admin.auth,
      payload: { ...settings, calendarId },
    });
    expect(put.json().calendarId).toBe(calendarId);
    const removed = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/sla/calendars/${calendarId}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect((await readSettings()).calendarId).toBeNull();
    await desk.app.inject({ method: "PUT", url: settingsUrl, headers: admin.auth, payload: settings });
  });
});

describe("saved replies", () => {
  it("start with the 24–48 hour reply; staff read them, admins manage them, customers cannot use them", async () => {
    const listed = await desk.app.inject({ url: "/api/v1/saved-replies", headers: agent.auth });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toContainEqual(
      expect.objectContaining({
        name: answerNotKnownYetReply.name,
        body: expect.stringContaining("24–48 hours"),
      }),
    );
    const defaultReply = listed.json().find((r: { name: string }) => r.name === answerNotKnownYetReply.name);
    for (const url of ["/api/v1/saved-replies", `/api/v1/saved-replies/${defaultReply.id}`]) {
      expect((await desk.app.inject({ url, headers: customer.auth })).statusCode).toBe(403);
    }

    const payload = {
      name: "Outage acknowledged",
      body: "We know, we're on it; updates on the status page.",
    };
    const byAgent = await desk.app.inject({
      method: "POST",
      url: "/api/v1/saved-replies",
      headers: agent.auth,
      payload,
    });
    expect(byAgent.statusCode).toBe(403);
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/saved-replies",
      headers: admin.auth,
      payload,
    });
    expect(created.statusCode).toBe(201);
    const reply = created.json();
    expect(reply).toMatchObject(payload);

    const duplicate = await desk.app.inject({
      method: "POST",
      url: "/api/v1/saved-replies",
      headers: admin.auth,
      payload,
    });
    expect(duplicate.statusCode).toBe(409);
    const blank = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/saved-replies/${reply.id}`,
      headers: admin.auth,
      payload: { name: "   " },
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ field: "/name", message: "must not be empty" }]);

    const renamed = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/saved-replies/${reply.id}`,
      headers: admin.auth,
      payload: { name: "Outage: acknowledged" },
    });
    expect(renamed.json()).toMatchObject({ name: "Outage: acknowledged", body: payload.body });
    const removed = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/saved-replies/${reply.id}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (await desk.app.inject({ url: `/api/v1/saved-replies/${reply.id}`, headers: agent.auth })).statusCode,
    ).toBe(404);
  });
});

describe("health flags from the scheduled sweep", () => {
  it("raise an unacknowledged ticket's flag at 17:00, visible to staff only", async () => {
    const runner = registerJobs(new JobRunner({ ...desk.system, logger: pino({ level: "silent" }) }));
    await runner.installSchedules();
    desk.clock.set("2026-11-23T18:00:00.000Z"); // Monday 10:00 in Los Angeles
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "SSO login loops", body: "After the IdP change, login loops back to the start." },
    });
    expect(created.statusCode).toBe(201);
    const number = created.json().number;
    const flagsUrl = `/api/v1/tickets/${number}/health-flags`;

    desk.clock.set("2026-11-24T00:59:00.000Z");
    await runner.enqueueDueSchedules();
    await runner.runDueJobs();
    expect((await desk.app.inject({ url: flagsUrl, headers: agent.auth })).json()).toEqual([]);

    desk.clock.set("2026-11-24T01:00:00.000Z");
    await runner.enqueueDueSchedules();
    await runner.runDueJobs();
    const flags = await desk.app.inject({ url: flagsUrl, headers: agent.auth });
    expect(flags.statusCode).toBe(200);
    expect(flags.json()).toEqual([
      expect.objectContaining({
        flag: "unacknowledged_end_of_day",
        label: "unacknowledged at end of day",
        dueAt: "2026-11-24T01:00:00.000Z",
        active: true,
      }),
    ]);

    expect((await desk.app.inject({ url: flagsUrl, headers: customer.auth })).statusCode).toBe(403);
    const missing = await desk.app.inject({
      url: "/api/v1/tickets/999999/health-flags",
      headers: agent.auth,
    });
    expect(missing.statusCode).toBe(404);

    const eventsUrl = `/api/v1/tickets/${number}/events`;
    const staffEvents = (await desk.app.inject({ url: eventsUrl, headers: agent.auth })).json();
    expect(staffEvents.map((e: { kind: string }) => e.kind)).toContain("health_flag_raised");
    const customerEvents = (await desk.app.inject({ url: eventsUrl, headers: customer.auth })).json();
    expect(customerEvents.map((e: { kind: string }) => e.kind)).not.toContain("health_flag_raised");
  });
});

describe("a ticket arriving while support is closed", () => {
  it("gets a public reply from the desk saying when support is back", async () => {
    desk.clock.set("2026-11-28T20:00:00.000Z"); // Saturday
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "Billing question", body: "Why was I charged twice?" },
    });
    expect(created.json().status).toBe("new");
    const comments = await desk.app.inject({
      url: `/api/v1/tickets/${created.json().number}/comments`,
      headers: customer.auth,
    });
    expect(comments.json()).toEqual([
      expect.objectContaining({ bodyText: "Why was I charged twice?" }),
      expect.objectContaining({
        visibility: "public",
        channel: "system",
        qualifying: false,
        author: expect.objectContaining({ name: "Support team", role: "agent" }),
        // The customer's zone is not known (UTC by default): the support calendar's is used.
        bodyText:
          "Thanks for writing. Our support team is away right now; we'll be back Monday 30 November at 09:00 (America/Los_Angeles).",
      }),
    ]);
  });
});
