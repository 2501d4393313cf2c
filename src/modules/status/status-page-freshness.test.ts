import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { newId } from "../../shared/ids.js";
import { openIncident, publishIncident } from "./manage-incidents.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { preferredCoding, statusPageChanged } from "./status-page-cache.js";
import { addToRollups } from "./status-repository.js";

const desk = useTestDesk();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("the public page's uptime bars", () => {
  it("take maintenance out of a day, as the admin API does", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const ctx = desk.as(admin.actor);
    const component = await createStatusComponent({ ctx, input: { groupName: "Core", name: "Billing" } });
    const monitor = await createStatusMonitor({
      ctx,
      input: { componentId: component.id, name: "Billing push", kind: "push", intervalSeconds: 60 },
    });
    const today = Math.floor(desk.clock.now().getTime() / DAY) * DAY;
    const yesterday = today - DAY;
    const twoDaysAgo = today - 2 * DAY;
    // Down 10:00–11:00 both days; yesterday's hour was announced maintenance, the day before's was not.
    const downHour = (day: number) =>
      Array.from({ length: 60 }, (_, minute) => ({
        at: day + 10 * HOUR + minute * MINUTE,
        observedMs: MINUTE,
        goodMs: 0,
      }));
    for (const day of [yesterday, twoDaysAgo]) {
      await addToRollups(desk.database.db, "status_day_rollups", monitor.id, [
        { at: day, observedMs: DAY, goodMs: DAY - HOUR },
      ]);
      await addToRollups(desk.database.db, "status_minute_rollups", monitor.id, downHour(day));
    }
    const maintenanceId = newId();
    const at = new Date(yesterday - 3 * DAY).toISOString();
    await desk.database.db
      .insertInto("status_maintenances")
      .values({
        id: maintenanceId,
        title: "Billing database upgrade",
        description: "",
        starts_at: new Date(yesterday + 10 * HOUR).toISOString(),
        ends_at: new Date(yesterday + 11 * HOUR).toISOString(),
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
      .values({ maintenance_id: maintenanceId, component_id: component.id })
      .execute();

    const response = await desk.app.inject({ url: "/status" });
    const bars = DomUtils.findAll(
      (el) => el.attribs.class?.startsWith("sp-bar ") ?? false,
      parseDocument(response.body).children,
    );
    const labels = bars.map((bar) => bar.attribs["aria-label"]);
    const day = (instant: number) => new Date(instant).toISOString().slice(0, 10);
    expect(labels).toContain(`${day(yesterday)}: 100.00% uptime, no incidents`);
    // 23 of 24 hours, not rounded up.
    expect(labels).toContain(`${day(twoDaysAgo)}: 95.83% uptime, no incidents`);
  });

  it("shows an incident the moment its opening or publication commits, never a private one", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const ctx = desk.as(admin.actor);
    const component = await createStatusComponent({ ctx, input: { groupName: "Core", name: "Search" } });
    const pageText = async () => (await desk.app.inject({ url: "/status" })).body;
    expect(await pageText()).toContain("Search");
    await openIncident({
      ctx,
      input: {
        title: "Search results are stale",
        impact: "minor",
        componentIds: [component.id],
        body: "Looking.",
      },
    });
    expect(await pageText()).toContain("Search results are stale");
    const security = await openIncident({
      ctx,
      input: { title: "Token exposure review", kind: "security", impact: "major", body: "Contained?" },
    });
    expect(await pageText()).not.toContain("Token exposure review");
    await publishIncident({
      ctx,
      id: security.id,
      input: { version: security.version, body: "We rotated every API token as a precaution." },
    });
    expect(await pageText()).toContain("Token exposure review");
  });

  it("sends the page and the JSON compressed to clients that accept it, each coding with its own ETag", async () => {
    for (const url of ["/status", "/api/v2/summary.json"]) {
      // Without a cookie the fast path answers; with one, the ordinary route: both compress alike.
      for (const cookie of [undefined, "unrelated=1"]) {
        const headers = cookie ? { cookie } : {};
        const plain = await desk.app.inject({ url, headers });
        const br = await desk.app.inject({ url, headers: { ...headers, "accept-encoding": "gzip, br" } });
        const gzip = await desk.app.inject({
          url,
          headers: { ...headers, "accept-encoding": "gzip, br;q=0" },
        });
        expect(plain.headers["content-encoding"]).toBeUndefined();
        expect(br.headers["content-encoding"]).toBe("br");
        expect(gzip.headers["content-encoding"]).toBe("gzip");
        expect(br.headers.vary).toBe("Accept-Encoding");
        expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
        expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
        expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
        expect(new Set([plain.headers.etag, br.headers.etag, gzip.headers.etag]).size).toBe(3);
        const again = await desk.app.inject({
          url,
          headers: { ...headers, "accept-encoding": "br", "if-none-match": String(br.headers.etag) },
        });
        expect(again.statusCode).toBe(304);
        expect(again.headers["content-encoding"]).toBeUndefined();
        // A reload without Accept-Encoding, after the snapshot was rebuilt: the same content, still 304.
        statusPageChanged();
        const reload = await desk.app.inject({
          url,
          headers: { ...headers, "if-none-match": String(gzip.headers.etag) },
        });
        expect(reload.statusCode).toBe(304);
      }
    }
  });

  it("reads Accept-Encoding's refusals", () => {
    expect(preferredCoding(undefined)).toBeNull();
    expect(preferredCoding("identity")).toBeNull();
    expect(preferredCoding("gzip;q=0.5, br;q=0")).toBe("gzip");
    expect(preferredCoding("BR")).toBe("br");
    expect(preferredCoding("gzip;q=0, deflate")).toBeNull();
  });
});
