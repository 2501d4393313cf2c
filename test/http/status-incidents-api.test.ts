import { beforeAll, describe, expect, it } from "vitest";
import { anonymousActor, systemActor } from "../../src/modules/identity/actor.js";
import {
  openIncident,
  readPublishedIncident,
  suggestResolution,
} from "../../src/modules/status/manage-incidents.js";
import { DAY, HOUR } from "../../src/shared/clock.js";
import { inTransaction } from "../../src/shared/context.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Incidents through the API: opened by staff or by Tend's rules, moved through their states with public
 * updates and internal notes, security incidents kept private with their checklist until published, and
 * the retrospective with its follow-ups. Announcements are read back from the `jobs` table.
 */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let customer: Person;
let componentId: string;
const unknownId = "00000000-0000-7000-8000-000000000000";

function call(
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  url: string,
  who?: Person,
  payload?: object,
) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload ? { payload } : {}),
  });
}

async function announcements(incidentId: string): Promise<Array<{ kind: string; updateId?: string }>> {
  const rows = await desk.database.db
    .selectFrom("jobs")
    .select(["payload", "run_at", "id"])
    .where("kind", "=", "status.announce")
    .orderBy("run_at")
    .orderBy("id")
    .execute();
  return rows
    .map((row) => JSON.parse(row.payload) as { kind: string; incidentId?: string; updateId?: string })
    .filter((payload) => payload.incidentId === incidentId)
    .map(({ kind, updateId }) => (updateId ? { kind, updateId } : { kind }));
}

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await desk.database.db
    .selectFrom("audit_log")
    .select("action")
    .where("target_id", "=", targetId)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.action);
}

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
  componentId = (
    await call("POST", "/status/components", admin, { groupName: "Platform", name: "Ticket API" })
  ).json().id;
});

describe("an incident run to resolution", () => {
  it("opens, moves through its states with announced public updates, and keeps notes internal", async () => {
    const opened = await call("POST", "/status/incidents", agent, {
      title: "Ticket API errors",
      impact: "major",
      componentIds: [componentId],
      body: "We are investigating errors on the ticket API.",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const incident = opened.json();
    expect(incident).toMatchObject({
      kind: "incident",
      state: "investigating",
      impact: "major",
      published: true,
      componentIds: [componentId],
      openedBy: { id: agent.id },
      checklist: null,
      version: 1,
    });
    expect(incident.log).toMatchObject([{ visibility: "public", kind: "opened", state: "investigating" }]);
    expect(await announcements(incident.id)).toEqual([{ kind: "incident_opened" }]);

    const identified = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 1,
      body: "A bad deploy; rolling back.",
      state: "identified",
      impact: "critical",
    });
    expect(identified.statusCode, identified.body).toBe(201);
    expect(identified.json()).toMatchObject({ state: "identified", impact: "critical", version: 2 });
    const updateId = identified.json().log.at(-1).id as string;

    const noted = await call("POST", `/status/incidents/${incident.id}/notes`, agent, {
      body: "Rollback blocked by migration 42; Dana is on it.",
    });
    expect(noted.statusCode, noted.body).toBe(201);
    expect(noted.json().version).toBe(2);
    expect(noted.json().log.at(-1)).toMatchObject({ visibility: "internal", author: { id: agent.id } });
    expect(await announcements(incident.id)).toEqual([
      { kind: "incident_opened" },
      { kind: "incident_updated", updateId },
    ]);

    const publicView = await readPublishedIncident(desk.as(anonymousActor), incident.id);
    expect(publicView.updates.map((update) => update.body)).toEqual([
      "We are investigating errors on the ticket API.",
      "A bad deploy; rolling back.",
    ]);
    expect(JSON.stringify(publicView)).not.toContain("migration 42");

    const stale = await call("PATCH", `/status/incidents/${incident.id}`, agent, {
      version: 1,
      title: "Old view",
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current).toMatchObject({ version: 2, title: "Ticket API errors" });

    const renamed = await call("PATCH", `/status/incidents/${incident.id}`, agent, {
      version: 2,
      title: "Ticket API unavailable",
      componentIds: [],
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ title: "Ticket API unavailable", componentIds: [], version: 3 });

    desk.clock.advance(HOUR);
    const resolved = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 3,
      body: "Fixed.",
      state: "resolved",
    });
    expect(resolved.json()).toMatchObject({ state: "resolved", resolvedAt: desk.clock.now().toISOString() });

    const skipAhead = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 4,
      body: "Back again?",
      state: "monitoring",
    });
    expect(skipAhead.statusCode).toBe(422);
    expect(skipAhead.json().errors[0]).toMatchObject({ field: "/state" });
    expect(skipAhead.json().detail).toContain("reopen-starts-investigating");
    const twice = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 4,
      body: "Still fixed.",
      state: "resolved",
    });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().detail).toContain("already-resolved");

    const reopened = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 4,
      body: "Errors are back.",
      state: "investigating",
    });
    expect(reopened.json()).toMatchObject({ state: "investigating", resolvedAt: null, version: 5 });
    expect(await auditActions(incident.id)).toEqual([
      "status_incident.opened",
      "status_incident.update_posted",
      "status_incident.note_added",
      "status_incident.updated",
      "status_incident.update_posted",
      "status_incident.update_posted",
    ]);
  });

  it("lets one of two updates made at the same version through and answers the other 409", async () => {
    const incident = (
      await call("POST", "/status/incidents", agent, { title: "Race", impact: "minor", body: "Racing." })
    ).json();
    const [one, two] = await Promise.all([
      call("POST", `/status/incidents/${incident.id}/updates`, agent, {
        version: 1,
        body: "A",
        state: "identified",
      }),
      call("POST", `/status/incidents/${incident.id}/updates`, admin, {
        version: 1,
        body: "B",
        state: "monitoring",
      }),
    ]);
    expect([one.statusCode, two.statusCode].sort()).toEqual([201, 409]);
    const now = (await call("GET", `/status/incidents/${incident.id}`, agent)).json();
    expect(now.version).toBe(2);
    expect(now.log).toHaveLength(2);
    expect(await announcements(incident.id)).toHaveLength(2);
  });

  it("lets the rule job open one inside its own transaction, with the rule and its figures", async () => {
    const system = desk.as(systemActor("incident rules"), "system");
    const incident = await inTransaction(system, (tx) =>
      openIncident({
        ctx: tx,
        input: {
          title: "Ticket API availability under 90% over the last hour",
          impact: "major",
          componentIds: [componentId],
          body: "Availability was 85% over the last hour, under the 90% objective.",
          firedRule: "availability_below_1h",
          firedFigures: { availability: 0.85, threshold: 0.9 },
        },
      }),
    );
    expect(incident).toMatchObject({
      openedBy: null,
      firedRule: "availability_below_1h",
      firedFigures: { availability: 0.85, threshold: 0.9 },
    });
    expect(await announcements(incident.id)).toEqual([{ kind: "incident_opened" }]);

    const suggested = await suggestResolution({
      ctx: system,
      id: incident.id,
      body: "Availability is back above 90% over the last hour; consider resolving.",
    });
    expect(suggested.state).toBe("investigating");
    expect(suggested.version).toBe(1);
    expect(suggested.log.at(-1)).toMatchObject({
      kind: "recovery_suggestion",
      visibility: "internal",
      author: null,
    });
    expect(await announcements(incident.id)).toEqual([{ kind: "incident_opened" }]);
    const publicView = await readPublishedIncident(desk.as(anonymousActor), incident.id);
    expect(publicView.updates).toHaveLength(1);
  });

  it("lists incidents newest first by state and kind, a cursor page at a time", async () => {
    for (const title of ["First", "Second", "Third"]) {
      desk.clock.advance(HOUR);
      await call("POST", "/status/incidents", agent, { title, impact: "minor", body: `${title} outage.` });
    }
    const first = await call("GET", "/status/incidents?state=investigating&kind=incident&limit=2", agent);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((item: { title: string }) => item.title)).toEqual(["Third", "Second"]);
    const next = await call(
      "GET",
      `/status/incidents?state=investigating&kind=incident&limit=2&cursor=${first.json().nextCursor}`,
      agent,
    );
    expect(next.json().items[0].title).toBe("First");
    const security = await call("GET", "/status/incidents?kind=security", agent);
    expect(security.json().items.every((item: { kind: string }) => item.kind === "security")).toBe(true);
    expect((await call("GET", "/status/incidents?cursor=nonsense", agent)).statusCode).toBe(400);
  });
});

describe("security incidents", () => {
  it("stay private and unannounced, with their checklist, until someone publishes them", async () => {
    const startedAt = desk.clock.now();
    const opened = await call("POST", "/status/incidents", agent, {
      title: "Leaked API token",
      kind: "security",
      impact: "minor",
      body: "A token showed up in a public repository.",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const incident = opened.json();
    expect(incident).toMatchObject({ published: false, state: "investigating" });
    expect(incident.log).toMatchObject([{ visibility: "internal", kind: "opened" }]);
    expect(incident.checklist.map((step: { title: string }) => step.title)).toEqual([
      "Contain",
      "Assess",
      "Notify authorities",
      "Communicate",
    ]);
    expect(incident.checklist[2]).toMatchObject({
      deadlineHours: 72,
      dueAt: new Date(startedAt.getTime() + 72 * HOUR).toISOString(),
      overdue: false,
      done: false,
    });

    const update = await call("POST", `/status/incidents/${incident.id}/updates`, agent, {
      version: 1,
      body: "The token is revoked.",
      state: "identified",
    });
    expect(update.statusCode).toBe(201);
    expect(await announcements(incident.id)).toEqual([]);
    await expect(readPublishedIncident(desk.as(anonymousActor), incident.id)).rejects.toThrow(/No incident/);

    desk.clock.advance(72 * HOUR);
    const overdue = await call("GET", `/status/incidents/${incident.id}`, agent);
    expect(overdue.json().checklist[2]).toMatchObject({ overdue: true, done: false });
    const done = await call("PUT", `/status/incidents/${incident.id}/checklist`, agent, {
      position: 2,
      done: true,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().checklist[2]).toMatchObject({
      done: true,
      doneBy: { id: agent.id },
      overdue: false,
      doneLate: true,
    });
    const undone = await call("PUT", `/status/incidents/${incident.id}/checklist`, agent, {
      position: 0,
      done: false,
    });
    expect(undone.json().checklist[0].done).toBe(false);
    expect(
      (await call("PUT", `/status/incidents/${incident.id}/checklist`, agent, { position: 9, done: true }))
        .statusCode,
    ).toBe(404);

    const published = await call("POST", `/status/incidents/${incident.id}/publish`, admin, {
      version: 2,
      body: "An API token was exposed and has been revoked; no data was accessed.",
    });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ published: true, version: 3 });
    expect(await announcements(incident.id)).toEqual([{ kind: "incident_opened" }]);
    const publicView = await readPublishedIncident(desk.as(anonymousActor), incident.id);
    expect(publicView.updates.map((entry) => entry.body)).toEqual([
      "The token is revoked.",
      "An API token was exposed and has been revoked; no data was accessed.",
    ]);
    expect(JSON.stringify(publicView)).not.toContain("public repository");

    const again = await call("POST", `/status/incidents/${incident.id}/publish`, admin, {
      version: 3,
      body: "x",
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().detail).toContain("already-published");
    expect(await auditActions(incident.id)).toEqual([
      "status_incident.opened",
      "status_incident.update_posted",
      "status_incident.checklist_step_done",
      "status_incident.published",
    ]);
  });

  it("follow the checklist admins configure; incidents already open keep theirs", async () => {
    const before = (
      await call("POST", "/status/incidents", agent, {
        title: "Phish",
        kind: "security",
        impact: "none",
        body: "x",
      })
    ).json();
    expect((await call("GET", "/status/security-checklist", agent)).json()).toMatchObject({
      configured: false,
    });
    const steps = [
      { title: "Contain", deadlineHours: 4 },
      { title: "Tell the DPO", deadlineHours: 24 },
    ];
    expect((await call("PUT", "/status/security-checklist", agent, { steps })).statusCode).toBe(403);
    const duplicate = await call("PUT", "/status/security-checklist", admin, {
      steps: [...steps, { title: "contain", deadlineHours: null }],
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().errors).toEqual([
      { field: "/steps/2/title", message: 'repeats the step "contain"' },
    ]);
    const configured = await call("PUT", "/status/security-checklist", admin, { steps });
    expect(configured.statusCode, configured.body).toBe(200);
    expect(configured.json()).toMatchObject({ configured: true, steps });

    const after = (
      await call("POST", "/status/incidents", agent, {
        title: "Phish 2",
        kind: "security",
        impact: "none",
        body: "x",
      })
    ).json();
    expect(after.checklist.map((step: { title: string }) => step.title)).toEqual(["Contain", "Tell the DPO"]);
    const kept = (await call("GET", `/status/incidents/${before.id}`, agent)).json();
    expect(kept.checklist).toHaveLength(4);
    expect(await auditActions(unknownId)).toEqual([]);
  });
});

describe("retrospectives", () => {
  it("start from the log, save once per incident at the version read, and track follow-ups", async () => {
    const incident = (
      await call("POST", "/status/incidents", agent, {
        title: "Mail delayed",
        impact: "minor",
        body: "Mail is late.",
      })
    ).json();
    await call("POST", `/status/incidents/${incident.id}/notes`, agent, { body: "Queue stuck on host b." });

    const draft = await call("GET", `/status/incidents/${incident.id}/retrospective`, agent);
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json()).toMatchObject({ saved: false, version: 0, followUps: [] });
    expect(
      draft.json().timeline.map((entry: { body: string; visibility: string }) => entry.visibility),
    ).toEqual(["public", "internal"]);

    const body = {
      version: 0,
      summary: "Outbound mail waited 40 minutes.",
      timeline: [
        ...draft.json().timeline,
        { at: desk.clock.now().toISOString(), body: "Queue restarted", visibility: "internal" },
      ],
      contributingFactors: "No alert on queue age.",
      lessonsLearned: "Alert on the oldest message.",
    };
    const saved = await call("PUT", `/status/incidents/${incident.id}/retrospective`, agent, body);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ saved: true, version: 1, updatedBy: { id: agent.id } });
    expect(saved.json().timeline).toHaveLength(3);
    const secondFirst = await call("PUT", `/status/incidents/${incident.id}/retrospective`, admin, body);
    expect(secondFirst.statusCode).toBe(409);
    expect(secondFirst.json().current).toMatchObject({ version: 1 });
    const edited = await call("PUT", `/status/incidents/${incident.id}/retrospective`, admin, {
      ...body,
      version: 1,
      summary: "Outbound mail waited 41 minutes.",
    });
    expect(edited.json()).toMatchObject({ version: 2, summary: "Outbound mail waited 41 minutes." });

    const ticket = await call("POST", "/tickets", customer, { subject: "Mail is late", body: "Since noon." });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const followUp = await call("POST", `/status/incidents/${incident.id}/follow-ups`, agent, {
      title: "Alert on queue age",
      ownerId: agent.id,
      dueOn: desk.clock.now().toISOString().slice(0, 10),
      ticketNumber: ticket.json().number,
    });
    expect(followUp.statusCode, followUp.body).toBe(201);
    expect(followUp.json()).toMatchObject({ owner: { id: agent.id }, done: false, overdue: false });
    const followUpId = followUp.json().id as string;

    const refusals: [object, number, string][] = [
      [{ title: "x", ownerId: customer.id }, 422, "/ownerId"],
      [{ title: "x", ownerId: agent.id, ticketNumber: 999_999 }, 422, "/ticketNumber"],
      [{ title: "x", ownerId: agent.id, url: "javascript:alert(1)" }, 400, "/url"],
      [{ title: "x", ownerId: agent.id, dueOn: "2026-02-30" }, 400, "/dueOn"],
    ];
    for (const [payload, status, field] of refusals) {
      const refused = await call("POST", `/status/incidents/${incident.id}/follow-ups`, agent, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(status);
      expect(refused.json().errors[0].field).toBe(field);
    }

    desk.clock.advance(DAY);
    const late = await call("GET", `/status/incidents/${incident.id}/retrospective`, agent);
    expect(late.json().followUps).toMatchObject([{ id: followUpId, overdue: true }]);
    const done = await call("PATCH", `/status/incidents/${incident.id}/follow-ups/${followUpId}`, admin, {
      done: true,
      url: "https://github.com/example/tend/issues/1",
      ticketNumber: null,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      done: true,
      overdue: false,
      doneBy: { id: admin.id },
      ticketNumber: null,
    });
    expect(
      (await call("PATCH", `/status/incidents/${unknownId}/follow-ups/${followUpId}`, admin, { done: false }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call("DELETE", `/status/incidents/${incident.id}/follow-ups/${followUpId}`, agent)).statusCode,
    ).toBe(204);
    expect(await auditActions(followUpId)).toEqual([
      "status_follow_up.created",
      "status_follow_up.updated",
      "status_follow_up.deleted",
    ]);
  });
});

describe("refusals", () => {
  it("answers 404 for unknown incidents on every route", async () => {
    const requests: ["GET" | "POST" | "PATCH" | "PUT", string, object | undefined][] = [
      ["GET", `/status/incidents/${unknownId}`, undefined],
      ["PATCH", `/status/incidents/${unknownId}`, { version: 1, title: "x" }],
      ["POST", `/status/incidents/${unknownId}/updates`, { version: 1, body: "x" }],
      ["POST", `/status/incidents/${unknownId}/notes`, { body: "x" }],
      ["POST", `/status/incidents/${unknownId}/publish`, { version: 1, body: "x" }],
      ["PUT", `/status/incidents/${unknownId}/checklist`, { position: 0, done: true }],
      ["GET", `/status/incidents/${unknownId}/retrospective`, undefined],
      [
        "PUT",
        `/status/incidents/${unknownId}/retrospective`,
        { version: 0, summary: "", timeline: [], contributingFactors: "", lessonsLearned: "" },
      ],
      ["POST", `/status/incidents/${unknownId}/follow-ups`, { title: "x", ownerId: agent.id }],
    ];
    for (const [method, url, payload] of requests) {
      const response = await call(method, url, agent, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }
  });

  it("refuses bad input before writing anything", async () => {
    const cases: [object, number, string][] = [
      [{ title: "x", impact: "major", body: "x", severity: 1 }, 400, "severity"],
      [{ title: "x", impact: "apocalyptic", body: "x" }, 400, "impact"],
      [{ title: "x", impact: "major", body: "   " }, 400, "/body"],
      [{ title: "x", impact: "major", body: "x", componentIds: [unknownId] }, 422, "/componentIds/0"],
      [
        {
          title: "x",
          impact: "major",
          body: "x",
          startedAt: new Date(desk.clock.now().getTime() + HOUR).toISOString(),
        },
        400,
        "/startedAt",
      ],
    ];
    const countBefore = (await call("GET", "/status/incidents?limit=200", agent)).json().items.length;
    for (const [payload, status, field] of cases) {
      const response = await call("POST", "/status/incidents", agent, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.body).toContain(field);
    }
    expect((await call("GET", "/status/incidents?limit=200", agent)).json().items.length).toBe(countBefore);
  });

  it("refuses customers every incident route and asks the anonymous to sign in", async () => {
    const incident = (
      await call("POST", "/status/incidents", agent, { title: "Search slow", impact: "minor", body: "x" })
    ).json();
    const requests: ["GET" | "POST" | "PATCH" | "PUT", string, object | undefined][] = [
      ["GET", "/status/incidents", undefined],
      ["POST", "/status/incidents", { title: "x", impact: "minor", body: "x" }],
      ["GET", `/status/incidents/${incident.id}`, undefined],
      ["POST", `/status/incidents/${incident.id}/notes`, { body: "x" }],
      ["GET", `/status/incidents/${incident.id}/retrospective`, undefined],
      ["GET", "/status/security-checklist", undefined],
    ];
    for (const [method, url, payload] of requests) {
      expect((await call(method, url, customer, payload)).statusCode, `${method} ${url}`).toBe(403);
      expect((await call(method, url, undefined, payload)).statusCode, `${method} ${url}`).toBe(401);
    }
    expect((await call("GET", `/status/incidents/${incident.id}`, agent)).json().log).toHaveLength(1);
  });
});
