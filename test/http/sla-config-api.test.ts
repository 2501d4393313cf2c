import type { FastifyInstance } from "fastify";
import { beforeAll, describe, expect, it } from "vitest";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const HOUR = 3_600_000;
let app: FastifyInstance;

beforeAll(async () => {
  app = desk.app;
  await installDefaultPolicies(desk.system);
});

const officeHours = {
  timeZone: "Europe/Berlin",
  weekly: { mon: [["09:00", "17:00"]], fri: [["09:00", "13:00"]] },
};

describe("business calendars over HTTP", () => {
  it("lets an admin manage calendars and agents read them", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/sla/calendars",
      headers: admin.auth,
      payload: { name: "Berlin office", definition: { ...officeHours, holidays: ["preset:DE-BE"] } },
    });
    expect(created.statusCode).toBe(201);
    const calendar = created.json();
    expect(calendar).toMatchObject({
      name: "Berlin office",
      definition: { ...officeHours, holidays: ["preset:DE-BE"] },
    });

    const read = await app.inject({ url: `/api/v1/sla/calendars/${calendar.id}`, headers: agent.auth });
    expect(read.json()).toEqual(calendar);
    const listed = await app.inject({ url: "/api/v1/sla/calendars", headers: agent.auth });
    expect(listed.json().map((c: { name: string }) => c.name)).toContain("Berlin office");

    const byAgent = await app.inject({
      method: "PATCH",
      url: `/api/v1/sla/calendars/${calendar.id}`,
      headers: agent.auth,
      payload: { name: "Renamed" },
    });
    expect(byAgent.statusCode).toBe(403);
    const renamed = await app.inject({
      method: "PATCH",
      url: `/api/v1/sla/calendars/${calendar.id}`,
      headers: admin.auth,
      payload: { name: "Berlin office (winter)" },
    });
    expect(renamed.json()).toMatchObject({ name: "Berlin office (winter)", definition: calendar.definition });

    const removed = await app.inject({
      method: "DELETE",
      url: `/api/v1/sla/calendars/${calendar.id}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect(
      (await app.inject({ url: `/api/v1/sla/calendars/${calendar.id}`, headers: agent.auth })).statusCode,
    ).toBe(404);
  });

  it("answers a bad definition with problem+json naming each field", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const response = await app.inject({
      method: "POST",
      url: "/api/v1/sla/calendars",
      headers: admin.auth,
      payload: {
        name: "Bad",
        definition: { timeZone: "Europe/Berlin", weekly: { mon: [["17:00", "09:00"]] } },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json().errors).toEqual([
      {
        field: "/definition/weekly/mon/0",
        message: "opens at 17:00 but closes at 09:00; it must close later",
      },
    ]);

    const unknownDay = await app.inject({
      method: "POST",
      url: "/api/v1/sla/calendars",
      headers: admin.auth,
      payload: { name: "Bad", definition: { timeZone: "UTC", weekly: { funday: [["09:00", "17:00"]] } } },
    });
    expect(unknownDay.json().errors).toEqual([
      { field: "/body/definition/weekly/funday", message: "unknown field" },
    ]);
  });

  it("refuses to delete a calendar a policy counts on", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const calendars = (await app.inject({ url: "/api/v1/sla/calendars", headers: admin.auth })).json();
    const losAngeles = calendars.find((c: { name: string }) => c.name === "Support hours — Los Angeles");
    const refused = await app.inject({
      method: "DELETE",
      url: `/api/v1/sla/calendars/${losAngeles.id}`,
      headers: admin.auth,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('"Contract SLA"');
  });
});

describe("SLA policies over HTTP", () => {
  it("creates, changes, reorders and deletes policies", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/sla/policies",
      headers: admin.auth,
      payload: {
        name: "Outage updates",
        description: "Hourly updates while an outage is open",
        conditions: { categories: ["availability"], tags: ["outage"] },
        targets: [{ metric: "periodic_update", durationMs: HOUR, conditions: { severities: ["sev1"] } }],
      },
    });
    expect(created.statusCode).toBe(201);
    const policy = created.json();
    expect(policy).toMatchObject({
      position: 4,
      active: true,
      conditions: { categories: ["availability"], tags: ["outage"] },
      targets: [
        {
          metric: "periodic_update",
          durationMs: HOUR,
          calendarId: null,
          pauseWhilePending: true,
          warnAtShare: 0.75,
          conditions: { severities: ["sev1"] },
        },
      ],
    });

    const changed = await app.inject({
      method: "PATCH",
      url: `/api/v1/sla/policies/${policy.id}`,
      headers: admin.auth,
      payload: { active: false, description: "Paused while we rethink it" },
    });
    expect(changed.json()).toMatchObject({
      active: false,
      description: "Paused while we rethink it",
      targets: policy.targets,
    });

    const all = (await app.inject({ url: "/api/v1/sla/policies", headers: admin.auth })).json();
    const ids = all.map((p: { id: string }) => p.id);
    const reordered = await app.inject({
      method: "PUT",
      url: "/api/v1/sla/policies/order",
      headers: admin.auth,
      payload: { policyIds: [policy.id, ...ids.filter((id: string) => id !== policy.id)] },
    });
    expect(reordered.statusCode).toBe(200);
    expect(
      reordered.json().map((p: { name: string; position: number }) => `${p.position} ${p.name}`),
    ).toEqual([
      "1 Outage updates",
      "2 Contract SLA",
      "3 Internal first-response target",
      "4 Communication priority",
    ]);

    const removed = await app.inject({
      method: "DELETE",
      url: `/api/v1/sla/policies/${policy.id}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    const after = (await app.inject({ url: "/api/v1/sla/policies", headers: admin.auth })).json();
    expect(after.map((p: { name: string; position: number }) => `${p.position} ${p.name}`)).toEqual([
      "1 Contract SLA",
      "2 Internal first-response target",
      "3 Communication priority",
    ]);
  });

  it("names the offending field of a policy", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const missingCalendar = await app.inject({
      method: "POST",
      url: "/api/v1/sla/policies",
      headers: admin.auth,
      payload: {
        name: "Broken",
        targets: [
          { metric: "first_response", durationMs: HOUR },
          { metric: "resolution", durationMs: HOUR, calendarId: "0190a1a2-0000-7000-8000-000000000000" },
        ],
      },
    });
    expect(missingCalendar.statusCode).toBe(400);
    expect(missingCalendar.json().errors).toEqual([
      { field: "/targets/1/calendarId", message: "no calendar 0190a1a2-0000-7000-8000-000000000000" },
    ]);

    const badPlan = await app.inject({
      method: "POST",
      url: "/api/v1/sla/policies",
      headers: admin.auth,
      payload: {
        name: "Broken",
        conditions: { plans: ["platinum"] },
        targets: [{ metric: "first_response", durationMs: HOUR }],
      },
    });
    expect(badPlan.statusCode).toBe(400);
    expect(badPlan.json().errors).toEqual([
      { field: "/body/conditions/plans/0", message: "must be one of: self_hosted, managed, cloud, custom" },
    ]);

    const duplicate = await app.inject({
      method: "POST",
      url: "/api/v1/sla/policies",
      headers: admin.auth,
      payload: { name: "Contract SLA", targets: [{ metric: "first_response", durationMs: HOUR }] },
    });
    expect(duplicate.statusCode).toBe(409);
  });
});

describe("customer exceptions over HTTP", () => {
  it("lets an admin grant and withdraw an organization's exception, listed on the organization", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const organization = await desk.makeOrganization({ plan: "custom" });
    const url = `/api/v1/organizations/${organization.id}/sla-exceptions`;
    const granted = await app.inject({
      method: "POST",
      url,
      headers: admin.auth,
      payload: {
        targets: [{ metric: "first_response", durationMs: 2 * HOUR }],
        reason: "Custom contract, clause 4.2",
        expiresAt: "2027-06-30T00:00:00Z",
      },
    });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({
      policyId: null,
      policyName: null,
      expired: false,
      reason: "Custom contract, clause 4.2",
    });

    const byAgent = await app.inject({
      method: "POST",
      url,
      headers: agent.auth,
      payload: {
        targets: [{ metric: "first_response", durationMs: HOUR }],
        reason: "x",
        expiresAt: "2027-01-01T00:00:00Z",
      },
    });
    expect(byAgent.statusCode).toBe(403);

    const listed = await app.inject({ url, headers: agent.auth });
    expect(listed.json().map((e: { id: string }) => e.id)).toEqual([granted.json().id]);

    const preview = await app.inject({
      method: "POST",
      url: "/api/v1/sla/preview",
      headers: agent.auth,
      payload: {
        ticket: { severity: "sev2", category: "other", channel: "email", organizationId: organization.id },
        start: "2026-11-24T10:00:00Z",
      },
    });
    expect(preview.json().targets).toContainEqual(
      expect.objectContaining({
        policyName: "Exception: Custom contract, clause 4.2",
        targetKey: "first_response:0",
        calendarName: "Calendar time",
        dueAt: "2026-11-24T12:00:00.000Z",
      }),
    );

    const withdrawn = await app.inject({
      method: "DELETE",
      url: `${url}/${granted.json().id}`,
      headers: admin.auth,
    });
    expect(withdrawn.statusCode).toBe(204);
    expect((await app.inject({ url, headers: agent.auth })).json()).toEqual([]);
  });

  it("names a past expiry", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const organization = await desk.makeOrganization();
    const response = await app.inject({
      method: "POST",
      url: `/api/v1/organizations/${organization.id}/sla-exceptions`,
      headers: admin.auth,
      payload: {
        targets: [{ metric: "first_response", durationMs: HOUR }],
        reason: "Late",
        expiresAt: "2020-01-01T00:00:00Z",
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ field: "/expiresAt", message: "must be in the future" }]);
  });
});

describe("previewing due times over HTTP", () => {
  it("shows a sev2 ticket opened Friday evening when each promise falls due", async () => {
    const agent = await desk.makeAgent();
    const organization = await desk.makeOrganization({ plan: "cloud" });
    const response = await app.inject({
      method: "POST",
      url: "/api/v1/sla/preview",
      headers: agent.auth,
      payload: {
        ticket: { severity: "sev2", category: "other", channel: "email", organizationId: organization.id },
        start: "2026-11-27T23:00:00Z",
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      start: "2026-11-27T23:00:00.000Z",
      targets: [
        {
          policyId: expect.any(String),
          policyName: "Contract SLA",
          targetKey: "first_response:2",
          metric: "first_response",
          durationMs: 40 * HOUR,
          calendarName: "Support hours — Los Angeles",
          pauseWhilePending: true,
          warnAtShare: 0.75,
          warnAt: "2026-12-03T21:00:00.000Z",
          dueAt: "2026-12-04T23:00:00.000Z",
        },
        expect.objectContaining({
          policyName: "Internal first-response target",
          calendarName: "Extended hours — UTC",
          dueAt: "2026-11-28T00:00:00.000Z",
        }),
        expect.objectContaining({
          policyName: "Communication priority",
          targetKey: "first_response:2",
          calendarName: "Support hours — New York",
          dueAt: "2026-12-04T22:00:00.000Z",
        }),
      ],
    });
  });
});

describe("who may use the SLA configuration API", () => {
  it("refuses customers (403) and anonymous callers (401) on every route", async () => {
    const organization = await desk.makeOrganization();
    const customer = await desk.makeCustomer(organization.id);
    const someId = "0190a1a2-0000-7000-8000-000000000000";
    const target = [{ metric: "first_response", durationMs: HOUR }];
    const requests = [
      { method: "GET", url: "/api/v1/sla/calendars" },
      { method: "POST", url: "/api/v1/sla/calendars", payload: { name: "X", definition: officeHours } },
      { method: "GET", url: `/api/v1/sla/calendars/${someId}` },
      { method: "PATCH", url: `/api/v1/sla/calendars/${someId}`, payload: { name: "X" } },
      { method: "DELETE", url: `/api/v1/sla/calendars/${someId}` },
      { method: "GET", url: "/api/v1/sla/policies" },
      { method: "POST", url: "/api/v1/sla/policies", payload: { name: "X", targets: target } },
      { method: "PUT", url: "/api/v1/sla/policies/order", payload: { policyIds: [] } },
      { method: "GET", url: `/api/v1/sla/policies/${someId}` },
      { method: "PATCH", url: `/api/v1/sla/policies/${someId}`, payload: { active: false } },
      { method: "DELETE", url: `/api/v1/sla/policies/${someId}` },
      {
        method: "POST",
        url: "/api/v1/sla/preview",
        payload: { ticket: { severity: "sev1", category: "other", channel: "email" } },
      },
      { method: "GET", url: `/api/v1/organizations/${organization.id}/sla-exceptions` },
      {
        method: "POST",
        url: `/api/v1/organizations/${organization.id}/sla-exceptions`,
        payload: { targets: target, reason: "X", expiresAt: "2027-01-01T00:00:00Z" },
      },
      { method: "DELETE", url: `/api/v1/organizations/${organization.id}/sla-exceptions/${someId}` },
    ] as const;
    for (const request of requests) {
      const asCustomer = await app.inject({ ...request, headers: customer.auth });
      expect([request.method, request.url, asCustomer.statusCode]).toEqual([
        request.method,
        request.url,
        403,
      ]);
      const anonymous = await app.inject(request);
      expect([request.method, request.url, anonymous.statusCode]).toEqual([request.method, request.url, 401]);
    }
  });
});
