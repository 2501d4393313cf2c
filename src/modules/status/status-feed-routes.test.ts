import { DomUtils, parseDocument } from "htmlparser2";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { DAY, MINUTE, SECOND } from "../../shared/clock.js";
import { newId } from "../../shared/ids.js";
import { rollingWindow, rollingWindows } from "./availability.js";
import type { ComponentState, IncidentImpact } from "./component-state.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { readComponentAvailability } from "./read-availability.js";
import { readAvailabilityByComponent } from "./read-components-availability.js";
import { recordCheckResult } from "./record-check-result.js";
import { badgeColours, formatUptime } from "./status-badge.js";

const desk = useTestDesk();
const parser = new Parser();
const base = "http://localhost:8080";

// The incident and maintenance use cases are built elsewhere: these rows are what they store.
async function addIncident(input: {
  title: string;
  componentIds?: string[];
  published?: boolean;
  state?: string;
  impact?: IncidentImpact;
  startedAt?: Date;
}) {
  const id = newId();
  const startedAt = (input.startedAt ?? desk.clock.now()).toISOString();
  await desk.database.db
    .insertInto("status_incidents")
    .values({
      id,
      title: input.title,
      kind: input.published === false ? "security" : "incident",
      state: input.state ?? "investigating",
      impact: input.impact ?? "major",
      published: input.published === false ? 0 : 1,
      fired_rule: null,
      fired_figures: null,
      opened_by: null,
      started_at: startedAt,
      resolved_at: input.state === "resolved" ? startedAt : null,
      version: 1,
      created_at: startedAt,
      updated_at: startedAt,
    })
    .execute();
  if (input.componentIds?.length)
    await desk.database.db
      .insertInto("status_incident_components")
      .values(input.componentIds.map((componentId) => ({ incident_id: id, component_id: componentId })))
      .execute();
  return id;
}

async function addUpdate(incidentId: string, visibility: "public" | "internal", body: string, at: Date) {
  await desk.database.db
    .insertInto("status_incident_updates")
    .values({
      id: newId(),
      incident_id: incidentId,
      visibility,
      kind: "update",
      state: "identified",
      body,
      author_id: null,
      at: at.toISOString(),
    })
    .execute();
}

async function addMaintenance(input: {
  title: string;
  componentIds: string[];
  startsAt: Date;
  endsAt: Date;
  cancelled?: boolean;
}) {
  const id = newId();
  const now = desk.clock.now().toISOString();
  await desk.database.db
    .insertInto("status_maintenances")
    .values({
      id,
      title: input.title,
      description: "Planned work.",
      starts_at: input.startsAt.toISOString(),
      ends_at: input.endsAt.toISOString(),
      cancelled_at: input.cancelled ? now : null,
      override_reason: null,
      overridden_rules: null,
      created_by: null,
      start_announced_at: null,
      end_announced_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await desk.database.db
    .insertInto("status_maintenance_components")
    .values(input.componentIds.map((componentId) => ({ maintenance_id: id, component_id: componentId })))
    .execute();
  return id;
}

async function component(name: string, manualState: ComponentState | null = null) {
  return createStatusComponent({
    ctx: desk.system,
    input: { groupName: "Platform", name: `${name} ${desk.unique()}`, manualState },
  });
}

/** Each test's news is newer than the tests' before it, so the feed's newest 50 hold it. */
function later(): Date {
  desk.clock.advance(DAY);
  return desk.clock.now();
}

async function badge(url: string) {
  const response = await desk.app.inject({ method: "GET", url });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toBe("image/svg+xml; charset=utf-8");
  const document = parseDocument(response.body, { xmlMode: true });
  const texts = DomUtils.findAll((node) => node.name === "text", document.children).map((node) =>
    DomUtils.textContent(node),
  );
  const rects = DomUtils.findAll((node) => node.name === "rect", document.children);
  return { texts, colour: rects[2]?.attribs.fill, response };
}

describe("status feeds over HTTP", () => {
  it("publish published incidents with their latest public update, and maintenance, never the rest", async () => {
    const api = await component("API");
    const startedAt = later();
    const outage = await addIncident({ title: "API errors", componentIds: [api.id], startedAt });
    await addUpdate(outage, "public", "We are looking into it.", new Date(startedAt.getTime() + MINUTE));
    await addUpdate(outage, "public", "Rolled back the deploy.", new Date(startedAt.getTime() + 20 * MINUTE));
    await addUpdate(
      outage,
      "internal",
      "SECRET-internal: the intern did it",
      new Date(startedAt.getTime() + 30 * MINUTE),
    );
    const hidden = await addIncident({
      title: "SECRET-unpublished breach",
      componentIds: [api.id],
      published: false,
    });
    await addUpdate(hidden, "public", "SECRET-draft public text", later());
    const upgrade = await addMaintenance({
      title: "API upgrade",
      componentIds: [api.id],
      startsAt: new Date(desk.clock.now().getTime() + 3 * DAY),
      endsAt: new Date(desk.clock.now().getTime() + 3 * DAY + 60 * MINUTE),
    });

    for (const [path, type] of [
      ["/status/feed.rss", "application/rss+xml; charset=utf-8"],
      ["/status/feed.atom", "application/atom+xml; charset=utf-8"],
    ] as const) {
      const response = await desk.app.inject({ method: "GET", url: path });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe(type);
      expect(response.body).not.toContain("SECRET");
      const feed = await parser.parseString(response.body);
      const links = feed.items.map((item) => item.link);
      expect(links).toContain(`${base}/status/incidents/${outage}`);
      expect(links).toContain(`${base}/status/maintenances/${upgrade}`);
      expect(links).not.toContain(`${base}/status/incidents/${hidden}`);
      const item = feed.items.find((entry) => entry.link === `${base}/status/incidents/${outage}`);
      expect(item?.title).toBe("API errors");
      expect(item?.content).toContain("Rolled back the deploy.");
      expect(item?.content).not.toContain("We are looking into it.");
      expect(item?.content).toContain("Impact: Major");
      expect(item?.content).toContain(api.name);
      expect(item?.isoDate).toBe(startedAt.toISOString());
      // Newest first: the maintenance was scheduled after the incident's last public update.
      expect(links[0]).toBe(`${base}/status/maintenances/${upgrade}`);
    }
  });

  it("answer 304 to a matching If-None-Match, and change their ETag when the news changes", async () => {
    const first = await desk.app.inject({ method: "GET", url: "/status/feed.atom" });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    const again = await desk.app.inject({
      method: "GET",
      url: "/status/feed.atom",
      headers: { "if-none-match": `"other", W/${etag}` },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");

    await addIncident({ title: "Slow searches", impact: "minor", startedAt: later() });
    const changed = await desk.app.inject({
      method: "GET",
      url: "/status/feed.atom",
      headers: { "if-none-match": etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((await parser.parseString(changed.body)).items[0]?.title).toBe("Slow searches");
  });

  it("keep the newest 50 entries", async () => {
    const start = later();
    for (let n = 0; n < 55; n += 1)
      await addIncident({
        title: `Blip ${n}`,
        impact: "none",
        startedAt: new Date(start.getTime() + n * MINUTE),
      });
    const feed = await parser.parseString(
      (await desk.app.inject({ method: "GET", url: "/status/feed.rss" })).body,
    );
    expect(feed.items).toHaveLength(50);
    expect(feed.items[0]?.title).toBe("Blip 54");
    expect(feed.items[49]?.title).toBe("Blip 5");
  });
});

describe("status badges over HTTP", () => {
  it("say a component's derived state on its colour: incidents, monitors, maintenance, a manual state", async () => {
    const incidentHit = await component("Search");
    await addIncident({ title: "Search down", componentIds: [incidentHit.id], impact: "critical" });
    const monitored = await component("Mail");
    const monitor = await createStatusMonitor({
      ctx: desk.system,
      input: { componentId: monitored.id, name: "Probe", kind: "push", intervalSeconds: 60 },
    });
    await recordCheckResult(desk.system, {
      monitorId: monitor.id,
      at: desk.clock.now().getTime(),
      up: false,
    });
    const maintained = await component("Database");
    await addMaintenance({
      title: "Now",
      componentIds: [maintained.id],
      startsAt: new Date(desk.clock.now().getTime() - MINUTE),
      endsAt: new Date(desk.clock.now().getTime() + 60 * MINUTE),
    });
    const cancelledOnly = await component("Storage");
    await addMaintenance({
      title: "Called off",
      componentIds: [cancelledOnly.id],
      startsAt: new Date(desk.clock.now().getTime() - MINUTE),
      endsAt: new Date(desk.clock.now().getTime() + 60 * MINUTE),
      cancelled: true,
    });
    const degraded = await component("Chat", "degraded");
    const secretlyHit = await component("Billing");
    await addIncident({
      title: "Private",
      componentIds: [secretlyHit.id],
      impact: "critical",
      published: false,
    });
    const resolvedHit = await component("Reports");
    await addIncident({
      title: "Over",
      componentIds: [resolvedHit.id],
      impact: "critical",
      state: "resolved",
    });

    const expectations: [{ id: string; name: string }, string, string][] = [
      [incidentHit, "major outage", badgeColours.red],
      [monitored, "major outage", badgeColours.red],
      [maintained, "under maintenance", badgeColours.blue],
      [cancelledOnly, "operational", badgeColours.green],
      [degraded, "degraded", badgeColours.yellow],
      [secretlyHit, "operational", badgeColours.green],
      [resolvedHit, "operational", badgeColours.green],
    ];
    for (const [which, message, colour] of expectations) {
      const drawn = await badge(`/status/badge/${which.id}.svg`);
      expect(drawn.texts).toEqual([which.name, message]);
      expect(drawn.colour).toBe(colour);
      expect(drawn.response.headers["cache-control"]).toBe("public, max-age=60");
      expect(drawn.response.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    }
  });

  it("take a label, escaped, and answer 304 to its ETag", async () => {
    const api = await component("API");
    const label = `<b>"Acme" & co</b>`;
    const drawn = await badge(`/status/badge/${api.id}.svg?label=${encodeURIComponent(label)}`);
    expect(drawn.texts).toEqual([label, "operational"]);
    expect(drawn.response.body).not.toContain("<b>");
    const cached = await desk.app.inject({
      method: "GET",
      url: `/status/badge/${api.id}.svg?label=${encodeURIComponent(label)}`,
      headers: { "if-none-match": drawn.response.headers.etag as string },
    });
    expect(cached.statusCode).toBe(304);
  });

  it("show the 30-day uptime from the rollups, as the admin API computes it", async () => {
    const api = await component("Gateway");
    const monitor = await createStatusMonitor({
      ctx: desk.system,
      input: { componentId: api.id, name: "Probe", kind: "push", intervalSeconds: 60 },
    });
    const start = later().getTime();
    // A result a minute for 100 minutes, ten of them down.
    for (let minute = 0; minute <= 100; minute += 1)
      await recordCheckResult(desk.system, {
        monitorId: monitor.id,
        at: start + minute * MINUTE,
        up: minute < 40 || minute >= 50,
      });
    desk.clock.set(new Date(start + 100 * MINUTE + 30 * SECOND));
    const expected = (90 * MINUTE + 30 * SECOND) / (100 * MINUTE + 30 * SECOND);
    const adminView = await readComponentAvailability(desk.system, api.id);
    expect(adminView.rolling["30d"].availability).toBeCloseTo(expected, 12);
    // The badge's batch read (day row less the minutes outside the window) equals the admin API's exactly.
    const batch = await readAvailabilityByComponent(
      desk.database.db,
      rollingWindow(desk.clock.now().getTime(), rollingWindows["30d"]),
      desk.clock.now().getTime(),
    );
    expect(batch.get(api.id)).toEqual(adminView.rolling["30d"]);

    const drawn = await badge(`/status/badge/${api.id}.svg?metric=uptime`);
    expect(drawn.texts).toEqual([api.name, formatUptime(expected)]);
    expect(drawn.texts[1]).toBe("90.04%");
    expect(drawn.colour).toBe(badgeColours.red);

    // Maintenance over the outage's minutes 40–50 is taken out, as the admin API takes it out.
    const maintained = await component("Gateway under maintenance");
    const maintainedMonitor = await createStatusMonitor({
      ctx: desk.system,
      input: { componentId: maintained.id, name: "Probe", kind: "push", intervalSeconds: 60 },
    });
    for (let minute = 0; minute <= 100; minute += 1)
      await recordCheckResult(desk.system, {
        monitorId: maintainedMonitor.id,
        at: start + minute * MINUTE,
        up: minute < 40 || minute >= 50,
      });
    await addMaintenance({
      title: "Planned",
      componentIds: [maintained.id],
      startsAt: new Date(start + 40 * MINUTE),
      endsAt: new Date(start + 50 * MINUTE),
    });
    const maintainedView = await readComponentAvailability(desk.system, maintained.id);
    expect(maintainedView.rolling["30d"].availability).toBe(1);
    const both = await readAvailabilityByComponent(
      desk.database.db,
      rollingWindow(desk.clock.now().getTime(), rollingWindows["30d"]),
      desk.clock.now().getTime(),
    );
    expect(both.get(maintained.id)).toEqual(maintainedView.rolling["30d"]);
    expect(both.get(api.id)).toEqual(adminView.rolling["30d"]);
    expect((await badge(`/status/badge/${maintained.id}.svg?metric=uptime`)).texts[1]).toBe("100.00%");

    const unmeasured = await component("Unmeasured");
    expect((await badge(`/status/badge/${unmeasured.id}.svg?metric=uptime`)).texts).toEqual([
      unmeasured.name,
      "no data",
    ]);
  });

  it("say the whole page's state: the worst component decides", async () => {
    await component("Core", "major_outage");
    const drawn = await badge("/status/badge.svg");
    expect(drawn.texts).toEqual(["status", "major outage"]);
    expect(drawn.colour).toBe(badgeColours.red);
    expect((await badge("/status/badge.svg?label=Acme")).texts[0]).toBe("Acme");
  });

  it("answer 404 for an unknown component and a 4xx problem for bad input", async () => {
    const unknown = await desk.app.inject({ method: "GET", url: `/status/badge/${newId()}.svg` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers["content-type"]).toContain("application/problem+json");
    const api = await component("API");
    const wrong = await desk.app.inject({ method: "GET", url: `/status/badge/${api.id}.svg?metric=latency` });
    expect(wrong.statusCode).toBe(400);
    const long = await desk.app.inject({ method: "GET", url: `/status/badge/${"x".repeat(101)}.svg` });
    // The router refuses a path parameter over 100 characters before the route sees it.
    expect(long.statusCode).toBe(414);
    expect(long.headers["content-type"]).toContain("application/problem+json");
    const odd = await desk.app.inject({ method: "GET", url: "/status/badge/%27%3B--.svg" });
    expect(odd.statusCode).toBe(404);
  });
});
