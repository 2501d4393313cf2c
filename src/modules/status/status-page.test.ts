import { DomUtils, parseDocument } from "htmlparser2";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { newId } from "../../shared/ids.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { recordCheckResult } from "./record-check-result.js";
import { statusPageChanged } from "./status-page-cache.js";
import { statusPageMaxAgeMs } from "./status-page-routes.js";
import { addToRollups } from "./status-repository.js";

const desk = useTestDesk();
const DAY = 24 * 60 * 60 * 1000;
let apiId = "";
let dbId = "";
let apiMonitorId = "";

type Element = ReturnType<typeof DomUtils.findAll>[number];

function elements(node: Element | ReturnType<typeof parseDocument>): Element[] {
  return DomUtils.findAll(() => true, node.children);
}
const textOf = (node: Element | ReturnType<typeof parseDocument>) => DomUtils.textContent(node);
async function page(url = "/status") {
  const response = await desk.app.inject({ url });
  const document = parseDocument(response.body);
  return { response, all: elements(document), text: textOf(document) };
}

beforeAll(async () => {
  const admin = await desk.makeAgent({ role: "admin" });
  const ctx = desk.as(admin.actor);
  const api = await createStatusComponent({
    ctx,
    input: { groupName: "Platform", name: "API", position: 1 },
  });
  const db = await createStatusComponent({
    ctx,
    input: { groupName: "Platform", name: "Database", position: 2 },
  });
  apiId = api.id;
  dbId = db.id;
  const monitor = await createStatusMonitor({
    ctx,
    input: { componentId: api.id, name: "API push", kind: "push", intervalSeconds: 60 },
  });
  apiMonitorId = monitor.id;
  const today = Math.floor(desk.clock.now().getTime() / DAY) * DAY;
  // Yesterday 99.95% up, two days ago 95%, three days ago 50%; nothing before.
  await addToRollups(desk.database.db, "status_day_rollups", monitor.id, [
    { at: today - DAY, observedMs: DAY, goodMs: DAY * 0.9995 },
    { at: today - 2 * DAY, observedMs: DAY, goodMs: DAY * 0.95 },
    { at: today - 3 * DAY, observedMs: DAY, goodMs: DAY * 0.5 },
  ]);
  const insertIncident = async (title: string, published: number, impact: string, componentId: string) => {
    const id = newId();
    const at = new Date(today - 2 * DAY + 3600_000).toISOString();
    await desk.database.db
      .insertInto("status_incidents")
      .values({
        id,
        title,
        kind: published ? "incident" : "security",
        state: "investigating",
        impact,
        published,
        fired_rule: null,
        fired_figures: null,
        opened_by: null,
        started_at: at,
        resolved_at: null,
        version: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await desk.database.db
      .insertInto("status_incident_components")
      .values({ incident_id: id, component_id: componentId })
      .execute();
    for (const [visibility, body] of [
      ["public", `${title}: we are looking into it`],
      ["internal", `${title}: secret internal note`],
    ] as const) {
      await desk.database.db
        .insertInto("status_incident_updates")
        .values({
          id: newId(),
          incident_id: id,
          visibility,
          kind: "update",
          state: "investigating",
          body,
          author_id: null,
          at,
        })
        .execute();
    }
    return id;
  };
  await insertIncident("Slow API responses", 1, "major", api.id);
  await insertIncident("Leaked credentials review", 0, "critical", db.id);
});

describe("GET /status", () => {
  it("shows the overall state, the active published incident and 90 bars per component, and nothing unpublished", async () => {
    const { response, all, text } = await page();
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(all.some((el) => el.name === "script")).toBe(false);
    expect(all.some((el) => el.attribs.style !== undefined)).toBe(false);
    // A published major incident on the API: partly down.
    expect(text).toContain("Some systems are partly down.");
    expect(text).toContain("Slow API responses");
    expect(text).toContain("Slow API responses: we are looking into it");
    expect(text).not.toContain("secret internal note");
    expect(text).not.toContain("Leaked credentials");
    const states = all.filter((el) => el.attribs.class?.startsWith("sp-state ")).map(textOf);
    expect(states).toEqual(["Partial outage", "Operational"]);
    const barLists = all.filter((el) => el.attribs.class === "sp-bars");
    expect(barLists).toHaveLength(2);
    const apiBars = elements(barLists[0] as Element).filter((el) => el.name === "li");
    expect(apiBars).toHaveLength(90);
    for (const bar of apiBars) expect(bar.attribs.tabindex).toBe("0");
    const classes = apiBars.map((bar) => bar.attribs.class);
    expect(classes.slice(0, 86).every((c) => c === "sp-bar sp-bar-none")).toBe(true);
    expect(classes.slice(86)).toEqual([
      "sp-bar sp-bar-down",
      "sp-bar sp-bar-low",
      "sp-bar sp-bar-full",
      "sp-bar sp-bar-none",
    ]);
    expect(apiBars[87]?.attribs["aria-label"]).toBe(
      "2026-11-21: 95.00% uptime, incidents: Slow API responses",
    );
    expect(apiBars[88]?.attribs["aria-label"]).toBe(
      "2026-11-22: 99.95% uptime, incidents: Slow API responses",
    );
    expect(apiBars[0]?.attribs["aria-label"]).toBe("2026-08-26: no data, no incidents");
    // (0.5 + 0.95 + 0.9995) / 3 of the observed time.
    expect(text).toContain("81.65% uptime over the last 90 days");
    expect(all.find((el) => el.name === "form")?.attribs).toMatchObject({
      method: "post",
      action: "/status/subscriptions",
    });
    const alternates = all
      .filter((el) => el.name === "link" && el.attribs.rel === "alternate")
      .map((el) => el.attribs.href);
    expect(alternates).toEqual(["/status/feed.rss", "/status/feed.atom"]);
    expect(all.find((el) => el.name === "link" && el.attribs.rel === "stylesheet")?.attribs.href).toBe(
      "/status/assets/status.css",
    );
  });

  it("serves bytes with a strong ETag and answers 304 to If-None-Match", async () => {
    const first = await desk.app.inject({ url: "/status" });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers["cache-control"]).toContain("max-age=10");
    const again = await desk.app.inject({ url: "/status", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    const css = await desk.app.inject({ url: "/status/assets/status.css" });
    expect(css.headers["content-type"]).toContain("text/css");
    expect(css.body).toContain(".sp-bar-none");
  });

  it("shows a change made in this process at once, and another process's after the snapshot's age", async () => {
    const before = (await page()).text;
    expect(before).not.toContain("Search");
    // Through the use case: invalidated at once.
    const admin = await desk.makeAgent({ role: "admin" });
    await createStatusComponent({ ctx: desk.as(admin.actor), input: { groupName: "Apps", name: "Search" } });
    expect((await page()).text).toContain("Search");
    // Behind the cache's back (another process's write): the old bytes until the snapshot is stale.
    await desk.database.db
      .updateTable("status_components")
      .set({ name: "Database (primary)" })
      .where("id", "=", dbId)
      .execute();
    expect((await page()).text).not.toContain("Database (primary)");
    desk.clock.advance(statusPageMaxAgeMs + 1);
    // The request that finds it stale still gets the current bytes; the rebuild runs meanwhile.
    await page();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await page()).text).toContain("Database (primary)");
  });

  it("recomputes a component's state when its monitor flips", async () => {
    await recordCheckResult(desk.system, { monitorId: apiMonitorId, up: false });
    const { all } = await page();
    const states = all.filter((el) => el.attribs.class?.startsWith("sp-state ")).map(textOf);
    // Apps (Search) sorts before Platform (API, Database).
    expect(states).toEqual(["Operational", "Major outage", "Operational"]);
  });
});

describe("incident pages", () => {
  it("lists published incidents in the history and 404s an unpublished or unknown one", async () => {
    const history = await page("/status/history");
    expect(history.text).toContain("Slow API responses");
    expect(history.text).not.toContain("Leaked credentials");
    const hidden = await desk.database.db
      .selectFrom("status_incidents")
      .select("id")
      .where("published", "=", 0)
      .executeTakeFirstOrThrow();
    const shown = await desk.database.db
      .selectFrom("status_incidents")
      .select("id")
      .where("published", "=", 1)
      .executeTakeFirstOrThrow();
    const ok = await page(`/status/incidents/${shown.id}`);
    expect(ok.response.statusCode).toBe(200);
    expect(ok.text).toContain("we are looking into it");
    expect(ok.text).not.toContain("secret internal note");
    for (const id of [hidden.id, newId(), "not-an-id"]) {
      const missing = await desk.app.inject({ url: `/status/incidents/${id}` });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers["content-type"]).toContain("text/html");
      expect(missing.body).not.toContain("Leaked");
    }
  });
});

describe("Statuspage v2 JSON", () => {
  const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

  it("answers summary.json in Statuspage's shape, open to any origin", async () => {
    const response = await desk.app.inject({ url: "/api/v2/summary.json" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    const summary = response.json();
    expect(summary.page).toEqual({
      id: "tend",
      name: "Status",
      url: "http://localhost:8080/status",
      time_zone: "Etc/UTC",
      updated_at: isoTime,
    });
    expect(summary.status).toEqual({ indicator: "critical", description: "Major Service Outage" });
    const group = summary.components.find(
      (c: { group: boolean; name: string }) => c.group && c.name === "Platform",
    );
    expect(group).toMatchObject({ group: true, group_id: null, status: "major_outage" });
    expect(group.components).toEqual([apiId, dbId]);
    const api = summary.components.find((c: { id: string }) => c.id === apiId);
    expect(api).toEqual({
      id: apiId,
      name: "API",
      status: "major_outage",
      created_at: isoTime,
      updated_at: isoTime,
      position: 1,
      description: null,
      showcase: true,
      start_date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      group_id: group.id,
      page_id: "tend",
      group: false,
      only_show_if_degraded: false,
    });
    expect(summary.incidents).toHaveLength(1);
    const [incident] = summary.incidents;
    expect(incident).toMatchObject({
      name: "Slow API responses",
      status: "investigating",
      impact: "major",
      created_at: isoTime,
      updated_at: isoTime,
      started_at: isoTime,
      monitoring_at: null,
      resolved_at: null,
      page_id: "tend",
      shortlink: expect.stringContaining("/status/incidents/"),
    });
    expect(incident.incident_updates).toHaveLength(1);
    expect(incident.incident_updates[0]).toMatchObject({
      status: "investigating",
      body: "Slow API responses: we are looking into it",
      incident_id: incident.id,
      created_at: isoTime,
      display_at: isoTime,
    });
    expect(incident.components.map((c: { id: string }) => c.id)).toEqual([apiId]);
    expect(summary.scheduled_maintenances).toEqual([]);
    expect(JSON.stringify(summary)).not.toContain("Leaked");
    expect(JSON.stringify(summary)).not.toContain("secret internal note");
  });

  it("answers every document with its page and its list, with ETags", async () => {
    const lists: Record<string, string> = {
      "status.json": "status",
      "components.json": "components",
      "incidents.json": "incidents",
      "incidents/unresolved.json": "incidents",
      "scheduled-maintenances.json": "scheduled_maintenances",
      "scheduled-maintenances/upcoming.json": "scheduled_maintenances",
      "scheduled-maintenances/active.json": "scheduled_maintenances",
    };
    for (const [path, key] of Object.entries(lists)) {
      const response = await desk.app.inject({ url: `/api/v2/${path}` });
      expect(response.statusCode, path).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort(), path).toEqual(["page", key].sort());
      expect(response.body).not.toContain("Leaked");
      const again = await desk.app.inject({
        url: `/api/v2/${path}`,
        headers: { "if-none-match": response.headers.etag as string },
      });
      expect(again.statusCode, path).toBe(304);
    }
  });
});

describe("page settings", () => {
  it("lets admins retitle the page and publish the error budget, and refuses agents", async () => {
    const agent = await desk.makeAgent();
    const refused = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/status/page-settings",
      headers: agent.auth,
      payload: { title: "X" },
    });
    expect(refused.statusCode).toBe(403);
    const admin = await desk.makeAgent({ role: "admin" });
    const saved = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/status/page-settings",
      headers: admin.auth,
      payload: { title: "Acme status", showErrorBudget: true },
    });
    expect(saved.json()).toEqual({ title: "Acme status", showErrorBudget: true });
    const { text, all } = await page();
    expect(all.find((el) => el.name === "h1") && textOf(all.find((el) => el.name === "h1") as Element)).toBe(
      "Acme status",
    );
    expect(text).toContain("Error budget this month");
  });
});

describe("maintenance", () => {
  it("puts a component under maintenance during its window and lists the window in the JSON", async () => {
    const now = desk.clock.now().getTime();
    const insert = async (title: string, startsAt: number, endsAt: number) => {
      const id = newId();
      const at = new Date(now - DAY).toISOString();
      await desk.database.db
        .insertInto("status_maintenances")
        .values({
          id,
          title,
          description: `${title}: the database restarts`,
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(endsAt).toISOString(),
          cancelled_at: null,
          override_reason: null,
          overridden_rules: null,
          created_by: null,
          start_announced_at: null,
          end_announced_at: null,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await desk.database.db
        .insertInto("status_maintenance_components")
        .values({ maintenance_id: id, component_id: dbId })
        .execute();
      return id;
    };
    const active = await insert("Database upgrade", now - 3600_000, now + 3600_000);
    const upcoming = await insert("Storage move", now + 2 * DAY, now + 2 * DAY + 3600_000);
    statusPageChanged();
    const { text } = await page();
    expect(text).toContain("Database upgrade");
    expect(text).toContain("Storage move");
    const components = (await desk.app.inject({ url: "/api/v2/components.json" })).json().components;
    expect(components.find((c: { id: string }) => c.id === dbId).status).toBe("under_maintenance");
    const activeJson = (await desk.app.inject({ url: "/api/v2/scheduled-maintenances/active.json" })).json();
    expect(activeJson.scheduled_maintenances.map((m: { id: string }) => m.id)).toEqual([active]);
    expect(activeJson.scheduled_maintenances[0]).toMatchObject({
      status: "in_progress",
      impact: "maintenance",
      scheduled_for: expect.any(String),
      scheduled_until: expect.any(String),
    });
    const upcomingJson = (
      await desk.app.inject({ url: "/api/v2/scheduled-maintenances/upcoming.json" })
    ).json();
    expect(
      upcomingJson.scheduled_maintenances.map((m: { id: string; status: string }) => [m.id, m.status]),
    ).toEqual([[upcoming, "scheduled"]]);
    const detail = await page(`/status/maintenances/${upcoming}`);
    expect(detail.response.statusCode).toBe(200);
    expect(detail.text).toContain("Storage move: the database restarts");
    expect((await desk.app.inject({ url: `/status/maintenances/${newId()}` })).statusCode).toBe(404);
  });
});
