import { beforeAll, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/shared/clock.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The status page's admin API: components and monitors changed by admins only (audited), push
 * monitors reporting with their token and nothing else, and availability read back from the rollups.
 */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let customer: Person;

function call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, who?: Person, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload ? { payload } : {}),
  });
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
  const organization = await desk.makeOrganization();
  customer = await desk.makeCustomer(organization.id);
});

describe("status components and monitors", () => {
  it("lets admins create, change and delete them, each change audited", async () => {
    const created = await call("POST", "/status/components", admin, {
      groupName: "Platform",
      name: "Ticket API",
      description: "The REST API",
      position: 2,
    });
    expect(created.statusCode, created.body).toBe(201);
    const component = created.json();
    expect(component).toMatchObject({ groupName: "Platform", manualState: null, uptimeTarget: 0.995 });

    const patched = await call("PATCH", `/status/components/${component.id}`, admin, {
      manualState: "degraded",
      uptimeTarget: 0.999,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ manualState: "degraded", uptimeTarget: 0.999 });

    const monitor = await call("POST", "/status/monitors", admin, {
      componentId: component.id,
      name: "Health endpoint",
      kind: "http",
      intervalSeconds: 30,
      http: { url: "https://api.example.test/health", expectedStatus: ["2xx", "301"], keyword: "ok" },
    });
    expect(monitor.statusCode, monitor.body).toBe(201);
    expect(monitor.json()).toMatchObject({
      kind: "http",
      intervalSeconds: 30,
      enabled: true,
      http: { url: "https://api.example.test/health", expectedStatus: ["200-299", "301"], timeoutMs: 10_000 },
      lastResult: null,
    });
    expect(monitor.json().pushToken).toBeUndefined();
    const monitorId = monitor.json().id as string;

    const listed = await call("GET", `/status/monitors?componentId=${component.id}`, agent);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().monitors.map((m: { id: string }) => m.id)).toEqual([monitorId]);

    const disabled = await call("PATCH", `/status/monitors/${monitorId}`, admin, { enabled: false });
    expect(disabled.json().enabled).toBe(false);
    expect((await call("DELETE", `/status/monitors/${monitorId}`, admin)).statusCode).toBe(204);
    expect((await call("GET", `/status/monitors/${monitorId}`, admin)).statusCode).toBe(404);
    expect((await call("DELETE", `/status/components/${component.id}`, admin)).statusCode).toBe(204);

    expect(await auditActions(component.id)).toEqual([
      "status_component.created",
      "status_component.updated",
      "status_component.deleted",
    ]);
    expect(await auditActions(monitorId)).toEqual([
      "status_monitor.created",
      "status_monitor.updated",
      "status_monitor.deleted",
    ]);
  });

  it("refuses settings that cannot be checked, as problem+json naming the field", async () => {
    const component = (await call("POST", "/status/components", admin, { groupName: "G", name: "C" })).json();
    const cases: [object, number, string][] = [
      [{ kind: "http", intervalSeconds: 9, http: { url: "https://a.test" } }, 400, "/intervalSeconds"],
      [{ kind: "http", intervalSeconds: 10 }, 400, "/http"],
      [{ kind: "http", intervalSeconds: 10, http: { url: "ftp://a.test" } }, 400, "/http/url"],
      [
        { kind: "http", intervalSeconds: 10, http: { url: "https://a.test", expectedStatus: ["6xx"] } },
        400,
        "/http/expectedStatus/0",
      ],
      [
        { kind: "tcp", intervalSeconds: 10, tcp: { host: "db", port: 5432, timeoutMs: 20_000 } },
        400,
        "/tcp/timeoutMs",
      ],
      [{ kind: "push", intervalSeconds: 60, tcp: { host: "db", port: 5432 } }, 400, "/kind"],
    ];
    for (const [body, status, field] of cases) {
      const response = await call("POST", "/status/monitors", admin, {
        componentId: component.id,
        name: "m",
        ...body,
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      expect(JSON.stringify(response.json().errors ?? response.json().detail)).toContain(field);
    }
    const orphan = await call("POST", "/status/monitors", admin, {
      componentId: "00000000-0000-7000-8000-000000000000",
      name: "m",
      kind: "push",
      intervalSeconds: 60,
    });
    expect(orphan.statusCode).toBe(422);
  });

  it("leaves writes to admins: agents are refused with 403, customers may not even read", async () => {
    const component = (
      await call("POST", "/status/components", admin, { groupName: "G", name: "Mail" })
    ).json();
    const writes: ["POST" | "PATCH" | "DELETE", string, object | undefined][] = [
      ["POST", "/status/components", { groupName: "G", name: "X" }],
      ["PATCH", `/status/components/${component.id}`, { name: "Y" }],
      ["DELETE", `/status/components/${component.id}`, undefined],
      [
        "POST",
        "/status/monitors",
        { componentId: component.id, name: "m", kind: "push", intervalSeconds: 60 },
      ],
    ];
    for (const [method, url, body] of writes) {
      for (const who of [agent, customer]) {
        const response = await call(method, url, who, body);
        expect(response.statusCode, `${method} ${url} as ${who.role}`).toBe(403);
        expect(response.headers["content-type"]).toContain("application/problem+json");
      }
    }
    expect((await call("GET", `/status/components/${component.id}`, agent)).statusCode).toBe(200);
    for (const url of [
      "/status/components",
      `/status/components/${component.id}/availability`,
      "/status/monitors",
    ])
      expect((await call("GET", url, customer)).statusCode, url).toBe(403);
    expect((await call("GET", "/status/components")).statusCode).toBe(401);
    expect((await call("GET", `/status/components/${component.id}`, admin)).json().name).toBe("Mail");
  });
});

describe("push monitors", () => {
  it("take results and user impact with their token, 404 without it, 400 for a bad body", async () => {
    const component = (
      await call("POST", "/status/components", admin, { groupName: "Edge", name: "CDN" })
    ).json();
    const created = await call("POST", "/status/monitors", admin, {
      componentId: component.id,
      name: "Probe in Sydney",
      kind: "push",
      intervalSeconds: 60,
    });
    expect(created.statusCode, created.body).toBe(201);
    const token = created.json().pushToken as string;
    expect(token).toMatch(/^tsp_/);
    // Only the hash is stored, and the token is never shown again.
    const stored = await desk.database.db
      .selectFrom("status_monitors")
      .selectAll()
      .where("id", "=", created.json().id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await call("GET", `/status/monitors/${created.json().id}`, admin)).body).not.toContain(token);

    const push = (body: object, withToken = token, suffix = "") =>
      desk.app.inject({ method: "POST", url: `/api/v1/status/push/${withToken}${suffix}`, payload: body });

    expect((await push({ up: true, latencyMs: 42 })).statusCode).toBe(204);
    desk.clock.advance(MINUTE);
    expect((await push({ up: false, message: "timeout from Sydney" })).statusCode).toBe(204);
    desk.clock.advance(MINUTE);

    const wrong = await push({ up: true }, "tsp_not-the-token");
    expect(wrong.statusCode).toBe(404);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
    for (const bad of [{}, { up: "yes" }, { up: true, latencyMs: -1 }, { up: true, extra: 1 }]) {
      const response = await push(bad);
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }

    expect((await push({ affected: 12, total: 100 }, token, "/user-impact")).statusCode).toBe(204);
    const tooMany = await push({ affected: 101, total: 100 }, token, "/user-impact");
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([
      { field: "/affected", message: expect.stringContaining("total") },
    ]);
    expect((await push({ affected: 1, total: 2 }, "tsp_nope", "/user-impact")).statusCode).toBe(404);

    // One minute up, then down for as long as a result is believed (2 intervals): half good so far.
    const availability = await call("GET", `/status/components/${component.id}/availability`, agent);
    expect(availability.statusCode, availability.body).toBe(200);
    const hour = availability.json().rolling["1h"];
    expect(hour).toMatchObject({ observedMs: 2 * MINUTE, goodMs: MINUTE, availability: 0.5 });
    expect(availability.json().userImpact).toMatchObject({ affected: 12, total: 100 });
    expect(availability.json().month.errorBudget).toMatchObject({ target: 0.995, usedMs: MINUTE });

    // A switched-off push monitor's token answers as an unknown one.
    await call("PATCH", `/status/monitors/${created.json().id}`, admin, { enabled: false });
    expect((await push({ up: true })).statusCode).toBe(404);
  });
});
