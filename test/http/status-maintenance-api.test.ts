import { beforeAll, describe, expect, it } from "vitest";
import { announceMaintenance } from "../../src/modules/status/announce-maintenance.js";
import { recordCheckResult } from "../../src/modules/status/record-check-result.js";
import { HOUR, MINUTE } from "../../src/shared/clock.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Maintenance windows through the API: held to the policy (every broken rule named), overridden by
 * admins only with a reason shown to staff, announced once when scheduled, started, ended or
 * cancelled, and reflected in the components' derived state.
 */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let customer: Person;
let componentId: string;

function call(method: "GET" | "POST" | "PATCH" | "PUT", url: string, who?: Person, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload ? { payload } : {}),
  });
}

/** The announcements queued for one maintenance, in order. */
async function announcementsOf(maintenanceId: string): Promise<string[]> {
  const rows = await desk.database.db
    .selectFrom("jobs")
    .select(["payload", "created_at", "id"])
    .where("kind", "=", "status.announce")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows
    .map((row) => JSON.parse(row.payload) as { kind: string; maintenanceId?: string })
    .filter((payload) => payload.maintenanceId === maintenanceId)
    .map((payload) => payload.kind);
}

const window = (startsAt: string, endsAt: string) => ({
  title: "Database upgrade",
  description: "Moving to the new cluster.",
  startsAt,
  endsAt,
  componentIds: [componentId],
});

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
  const component = await call("POST", "/status/components", admin, { groupName: "Platform", name: "API" });
  componentId = component.json().id;
});

describe("scheduling maintenance against the policy", () => {
  it("refuses Monday, 23 h notice and 2 h 1 min, and names all three rules when a window breaks them all", async () => {
    // The desk's clock: Monday 23 November 2026, 09:00 UTC.
    desk.clock.set("2026-11-23T09:00:00.000Z");
    const cases: [string, string, string[]][] = [
      ["2026-11-30T10:00:00.000Z", "2026-11-30T11:00:00.000Z", ["weekday"]],
      ["2026-11-24T08:00:00.000Z", "2026-11-24T09:00:00.000Z", ["notice"]],
      ["2026-11-25T10:00:00.000Z", "2026-11-25T12:01:00.000Z", ["duration"]],
      ["2026-11-23T10:00:00.000Z", "2026-11-23T12:01:00.000Z", ["weekday", "notice", "duration"]],
    ];
    for (const [startsAt, endsAt, rules] of cases) {
      const response = await call("POST", "/status/maintenances", agent, window(startsAt, endsAt));
      expect(response.statusCode, startsAt).toBe(422);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      const problem = response.json();
      expect(problem.errors.map((e: { rule: string }) => e.rule)).toEqual(rules);
      for (const rule of rules) expect(problem.detail).toContain(rule);
    }
    const allThree = (
      await call("POST", "/status/maintenances", agent, window(cases[3]![0], cases[3]![1]))
    ).json();
    expect(allThree.detail).toContain(
      "only run on Tuesday, Wednesday, Thursday (UTC); this window falls on a Monday",
    );
    expect(allThree.detail).toContain("at least 24 h ahead; this window starts in 1 h");
    expect(allThree.detail).toContain("at most 2 h; this window lasts 2 h 1 min");
    expect(allThree.type).toBe("urn:tend:problem:maintenancepolicybreach");

    // Exactly 24 h ahead, exactly 2 h long, on a Tuesday: within the policy.
    const kept = await call(
      "POST",
      "/status/maintenances",
      agent,
      window("2026-11-24T09:00:00.000Z", "2026-11-24T11:00:00.000Z"),
    );
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.json()).toMatchObject({ state: "scheduled", override: null, componentIds: [componentId] });
    expect(await announcementsOf(kept.json().id)).toEqual(["maintenance_scheduled"]);
    const count = await desk.database.db
      .selectFrom("status_maintenances")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("lets an admin override with a written reason, kept and shown to staff; an agent's override is refused", async () => {
    desk.clock.set("2026-11-23T09:00:00.000Z");
    const body = {
      ...window("2026-11-23T22:00:00.000Z", "2026-11-24T01:00:00.000Z"),
      override: { reason: "  Security patch for the load balancers cannot wait.  " },
    };
    const byAgent = await call("POST", "/status/maintenances", agent, body);
    expect(byAgent.statusCode).toBe(403);
    const tooShort = await call("POST", "/status/maintenances", admin, {
      ...body,
      override: { reason: "  urgent  " },
    });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().errors[0].field).toBe("/override/reason");

    const overridden = await call("POST", "/status/maintenances", admin, body);
    expect(overridden.statusCode, overridden.body).toBe(201);
    const id = overridden.json().id as string;
    const expected = {
      reason: "Security patch for the load balancers cannot wait.",
      rules: ["weekday", "notice", "duration"],
    };
    expect(overridden.json().override).toEqual(expected);
    const read = await call("GET", `/status/maintenances/${id}`, agent);
    expect(read.json().override).toEqual(expected);
    const audit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", id)
      .execute();
    expect(audit.map((row) => row.action)).toEqual(["status_maintenance.scheduled"]);

    // Nothing to override in a window that keeps the policy.
    const needless = await call("POST", "/status/maintenances", admin, {
      ...window("2026-11-25T10:00:00.000Z", "2026-11-25T11:00:00.000Z"),
      override: { reason: "Just in case it matters." },
    });
    expect(needless.statusCode).toBe(422);
    expect(needless.json().errors[0].field).toBe("/override");
  });

  it("refuses bad windows precisely, and lets no customer or stranger in", async () => {
    desk.clock.set("2026-11-23T09:00:00.000Z");
    const cases: [object, number, string][] = [
      [window("2026-11-25T10:00:30.000Z", "2026-11-25T11:00:00.000Z"), 400, "/startsAt"],
      [window("2026-11-25T10:00:00.000Z", "2026-11-25T10:00:00.000Z"), 400, "/endsAt"],
      [
        { ...window("2026-11-25T10:00:00.000Z", "2026-11-25T11:00:00.000Z"), componentIds: [newId()] },
        422,
        "/componentIds/0",
      ],
      [
        { ...window("2026-11-25T10:00:00.000Z", "2026-11-25T11:00:00.000Z"), componentIds: [] },
        400,
        "/body/componentIds",
      ],
    ];
    for (const [body, status, field] of cases) {
      const response = await call("POST", "/status/maintenances", admin, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().errors[0].field).toBe(field);
    }
    expect((await call("GET", "/status/maintenances", customer)).statusCode).toBe(403);
    expect((await call("GET", "/status/maintenances")).statusCode).toBe(401);
    expect((await call("GET", "/status/maintenance-policy", customer)).statusCode).toBe(403);
  });
});

describe("editing, cancelling and listing", () => {
  it("re-checks a moved window, keeps a started window's start, cancels before the start only", async () => {
    desk.clock.set("2026-11-23T09:00:00.000Z");
    const created = (
      await call(
        "POST",
        "/status/maintenances",
        agent,
        window("2026-11-25T10:00:00.000Z", "2026-11-25T11:00:00.000Z"),
      )
    ).json();
    const id = created.id as string;

    const stale = await call("PATCH", `/status/maintenances/${id}`, agent, { version: 7, title: "x" });
    expect(stale.statusCode).toBe(409);
    const toMonday = await call("PATCH", `/status/maintenances/${id}`, agent, {
      version: 1,
      startsAt: "2026-11-30T10:00:00.000Z",
      endsAt: "2026-11-30T11:00:00.000Z",
    });
    expect(toMonday.statusCode).toBe(422);
    expect(toMonday.json().errors.map((e: { rule: string }) => e.rule)).toEqual(["weekday"]);
    const renamed = await call("PATCH", `/status/maintenances/${id}`, agent, {
      version: 1,
      title: "Cluster move",
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ title: "Cluster move", version: 2 });

    // In progress: the start stays; the end may move, checked against the length rule but not the notice.
    desk.clock.set("2026-11-25T10:30:00.000Z");
    const moveStart = await call("PATCH", `/status/maintenances/${id}`, agent, {
      version: 2,
      startsAt: "2026-11-25T10:45:00.000Z",
    });
    expect(moveStart.statusCode).toBe(422);
    expect(moveStart.json().errors[0].field).toBe("/startsAt");
    const tooLong = await call("PATCH", `/status/maintenances/${id}`, agent, {
      version: 2,
      endsAt: "2026-11-25T12:30:00.000Z",
    });
    expect(tooLong.json().errors.map((e: { rule: string }) => e.rule)).toEqual(["duration"]);
    const longer = await call("PATCH", `/status/maintenances/${id}`, agent, {
      version: 2,
      endsAt: "2026-11-25T11:30:00.000Z",
    });
    expect(longer.statusCode, longer.body).toBe(200);
    expect(longer.json()).toMatchObject({ state: "in_progress", endsAt: "2026-11-25T11:30:00.000Z" });
    expect((await call("POST", `/status/maintenances/${id}/cancel`, agent)).statusCode).toBe(409);

    desk.clock.set("2026-11-23T09:00:00.000Z");
    const later = (
      await call(
        "POST",
        "/status/maintenances",
        agent,
        window("2026-11-26T10:00:00.000Z", "2026-11-26T11:00:00.000Z"),
      )
    ).json();
    const cancelled = await call("POST", `/status/maintenances/${later.id}/cancel`, agent);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().state).toBe("cancelled");
    expect(await announcementsOf(later.id)).toEqual(["maintenance_scheduled", "maintenance_cancelled"]);
    expect((await call("POST", `/status/maintenances/${later.id}/cancel`, agent)).statusCode).toBe(409);
  });

  it("lists upcoming, in progress and past a cursor page at a time", async () => {
    desk.clock.set("2026-11-25T10:30:00.000Z");
    const collect = async (when: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `when=${when}&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await call("GET", `/status/maintenances?${query}`, agent);
        expect(page.statusCode, page.body).toBe(200);
        ids.push(
          ...page
            .json()
            .items.map((item: { startsAt: string; state: string }) => `${item.startsAt} ${item.state}`),
        );
        cursor = page.json().nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await collect("in_progress")).toEqual(["2026-11-25T10:00:00.000Z in_progress"]);
    // The cancelled window is not upcoming; the one in progress is not either.
    expect(await collect("upcoming")).toEqual([]);
    const past = await collect("past");
    expect(past).toEqual([
      "2026-11-26T10:00:00.000Z cancelled",
      "2026-11-24T09:00:00.000Z completed",
      "2026-11-23T22:00:00.000Z completed",
    ]);
    expect((await call("GET", "/status/maintenances?cursor=nonsense", agent)).statusCode).toBe(400);
  });
});

describe("announcing and showing maintenance", () => {
  it("announces the start and the end once however often and however many run the job", async () => {
    desk.clock.set("2026-11-30T09:00:00.000Z");
    const created = (
      await call(
        "POST",
        "/status/maintenances",
        agent,
        window("2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z"),
      )
    ).json();
    const id = created.id as string;

    desk.clock.set("2026-12-02T09:59:00.000Z");
    await announceMaintenance(desk.system);
    expect(await announcementsOf(id)).toEqual(["maintenance_scheduled"]);

    desk.clock.set("2026-12-02T10:00:00.000Z");
    await Promise.all([announceMaintenance(desk.system), announceMaintenance(desk.system)]);
    await announceMaintenance(desk.system);
    expect(await announcementsOf(id)).toEqual(["maintenance_scheduled", "maintenance_started"]);
    const started = (await call("GET", `/status/maintenances/${id}`, agent)).json();
    expect(started).toMatchObject({ state: "in_progress", startAnnouncedAt: "2026-12-02T10:00:00.000Z" });

    desk.clock.set("2026-12-02T11:00:30.000Z");
    await Promise.all([announceMaintenance(desk.system), announceMaintenance(desk.system)]);
    await announceMaintenance(desk.system);
    expect(await announcementsOf(id)).toEqual([
      "maintenance_scheduled",
      "maintenance_started",
      "maintenance_ended",
    ]);
    const events = await desk.database.db
      .selectFrom("domain_events")
      .select("kind")
      .where("kind", "like", "status.maintenance_%")
      .where("payload", "like", `%${id}%`)
      .execute();
    expect(events.map((event) => event.kind).sort()).toEqual([
      "status.maintenance_ended",
      "status.maintenance_scheduled",
      "status.maintenance_started",
    ]);
  });

  it("derives each component's state from maintenance, monitors, incidents and the manual state", async () => {
    desk.clock.set("2026-11-30T09:00:00.000Z");
    const make = async (name: string) =>
      (await call("POST", "/status/components", admin, { groupName: "States", name })).json().id as string;
    const maintained = await make("Maintained");
    const monitored = await make("Monitored");
    const incidented = await make("Incidented");
    const manual = await make("Manual");
    await call("POST", "/status/maintenances", agent, {
      ...window("2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z"),
      componentIds: [maintained, manual],
    });
    const monitors = await Promise.all(
      ["a", "b"].map(async (name) =>
        (
          await call("POST", "/status/monitors", admin, {
            componentId: monitored,
            name,
            kind: "push",
            intervalSeconds: 60,
          })
        ).json(),
      ),
    );
    await call("PATCH", `/status/components/${manual}`, admin, { manualState: "degraded" });
    const now = "2026-12-02T10:30:00.000Z";
    await desk.database.db
      .insertInto("status_incidents")
      .values(
        (["minor", "major"] as const).map((impact, index) => ({
          id: newId(),
          title: `Incident ${impact}`,
          kind: "incident",
          state: index === 0 ? "investigating" : "resolved",
          impact,
          published: 1,
          fired_rule: null,
          fired_figures: null,
          opened_by: null,
          started_at: now,
          resolved_at: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const incidents = await desk.database.db.selectFrom("status_incidents").select("id").execute();
    await desk.database.db
      .insertInto("status_incident_components")
      .values(incidents.map((incident) => ({ incident_id: incident.id, component_id: incidented })))
      .execute();
    await recordCheckResult(desk.system, {
      monitorId: monitors[0].id,
      at: Date.parse(now) - MINUTE,
      up: true,
    });
    await recordCheckResult(desk.system, {
      monitorId: monitors[1].id,
      at: Date.parse(now) - MINUTE,
      up: false,
    });

    const stateOf = async () => {
      const listed = (await call("GET", "/status/components", agent)).json().components as {
        id: string;
        state: string;
      }[];
      return Object.fromEntries(
        listed
          .filter((c) => [maintained, monitored, incidented, manual].includes(c.id))
          .map((c) => [c.id, c.state]),
      );
    };
    desk.clock.set(now);
    expect(await stateOf()).toEqual({
      [maintained]: "under_maintenance",
      [monitored]: "partial_outage",
      // The resolved major incident no longer counts; the open minor one does.
      [incidented]: "degraded",
      [manual]: "degraded",
    });
    expect((await call("GET", `/status/components/${maintained}`, agent)).json().state).toBe(
      "under_maintenance",
    );

    desk.clock.set(new Date(Date.parse(now) + HOUR).toISOString());
    expect((await stateOf())[maintained]).toBe("operational");
  });
});

describe("the maintenance policy", () => {
  it("is the objectives' default until an admin changes it; agents read it only", async () => {
    const initial = await call("GET", "/status/maintenance-policy", agent);
    expect(initial.json()).toEqual({
      allowedWeekdays: [2, 3, 4],
      minimumNoticeMinutes: 24 * 60,
      maximumDurationMinutes: 120,
      timeZone: "UTC",
      updatedAt: null,
    });
    const policy = {
      allowedWeekdays: [1, 2],
      minimumNoticeMinutes: 60,
      maximumDurationMinutes: 240,
      timeZone: "Europe/Paris",
    };
    expect((await call("PUT", "/status/maintenance-policy", agent, policy)).statusCode).toBe(403);
    const badZone = await call("PUT", "/status/maintenance-policy", admin, {
      ...policy,
      timeZone: "Mars/Olympus",
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().errors[0].field).toBe("/timeZone");
    const saved = await call("PUT", "/status/maintenance-policy", admin, policy);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ ...policy, updatedAt: desk.clock.now().toISOString() });

    // Monday 23:30 in Paris is Monday 22:30 UTC: allowed now; 2 hours' notice is enough.
    desk.clock.set("2026-11-30T20:00:00.000Z");
    const monday = await call(
      "POST",
      "/status/maintenances",
      agent,
      window("2026-11-30T22:30:00.000Z", "2026-11-30T22:50:00.000Z"),
    );
    expect(monday.statusCode, monday.body).toBe(201);
    // Wednesday in Paris is refused under the new policy.
    const wednesday = await call(
      "POST",
      "/status/maintenances",
      agent,
      window("2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z"),
    );
    expect(wednesday.json().errors.map((e: { rule: string }) => e.rule)).toEqual(["weekday"]);
    const audit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "status_maintenance_policy.updated")
      .execute();
    expect(audit).toHaveLength(1);
  });
});
