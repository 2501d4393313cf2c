import os from "node:os";
import { type Db, migrateToLatest, openDatabase } from "../src/db/database.js";
import type { StatusRollupsTable } from "../src/db/tables.js";
import { DAY_MS } from "../src/modules/calendar/zoned-time.js";
import { insertInBatches } from "../src/modules/demo/insert-in-batches.js";
import { seededRandom } from "../src/modules/demo/random.js";
import { MINUTE } from "../src/shared/clock.js";
import type { BenchDatabase } from "./bench-database.js";
import { startChildServer } from "./child-server.js";
import { type LoadSettings, measureLoad } from "./http-load.js";
import { formatCount, formatNumber, type RecordFigure } from "./report.js";
import { insertPushMonitoredComponents } from "./seed-status-components.js";

// Issue 8: the public page and summary.json at 10,000 requests a second or more on one process.
const throughputTarget = { comparison: "at least", value: 10_000 } as const;
const groups = ["Web app", "API", "Email", "Integrations"];
const componentsPerGroup = 5;
const days = 90;

export interface StatusPageSettings {
  load: LoadSettings;
}

/**
 * What a real page shows: 20 components in 4 groups, each with a push monitor and 90 days of day
 * rollups (a few bad days), five resolved incidents, one open incident and a maintenance next week.
 */
async function seedStatusPage(db: Db, now: number): Promise<void> {
  const random = seededRandom(8);
  const iso = (at: number) => new Date(at).toISOString();
  const createdAt = iso(now - 100 * DAY_MS);
  const componentIds = groups.flatMap((_, g) =>
    Array.from({ length: componentsPerGroup }, (_, n) => `page-component-${g}-${n}`),
  );
  await insertPushMonitoredComponents(
    db,
    componentIds.map((id, n) => ({
      id,
      groupName: groups[Math.floor(n / componentsPerGroup)] ?? "Other",
      name: `Service ${n + 1}`,
      description: `What service ${n + 1} does for customers.`,
      monitorId: `page-monitor-${n}`,
    })),
    now,
    createdAt,
  );
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const rollups: StatusRollupsTable[] = [];
  for (const [n] of componentIds.entries()) {
    for (let day = days; day >= 0; day -= 1) {
      const at = today - day * DAY_MS;
      const observed = day === 0 ? now - 20_000 - today : DAY_MS;
      const badMs = random.chance(0.05) ? random.int(1, 180) * MINUTE : 0;
      rollups.push({
        monitor_id: `page-monitor-${n}`,
        at,
        observed_ms: observed,
        good_ms: Math.max(0, observed - badMs),
      });
    }
  }
  await insertInBatches(rollups, (batch) => db.insertInto("status_day_rollups").values(batch).execute());

  const incidents = [
    ...Array.from({ length: 5 }, (_, n) => ({ n, startedAt: now - (10 + n * 15) * DAY_MS, resolved: true })),
    { n: 5, startedAt: now - 40 * MINUTE, resolved: false },
  ];
  for (const incident of incidents) {
    const id = `page-incident-${incident.n}`;
    const resolvedAt = incident.resolved ? incident.startedAt + 95 * MINUTE : null;
    await db
      .insertInto("status_incidents")
      .values({
        id,
        title: incident.resolved ? `Slow responses on service ${incident.n + 1}` : "Email delivery delayed",
        kind: "incident",
        state: incident.resolved ? "resolved" : "identified",
        impact: incident.resolved ? "minor" : "major",
        published: 1,
        fired_rule: null,
        fired_figures: null,
        opened_by: null,
        started_at: iso(incident.startedAt),
        resolved_at: resolvedAt === null ? null : iso(resolvedAt),
        version: 1,
        created_at: iso(incident.startedAt),
        updated_at: iso(resolvedAt ?? incident.startedAt),
      })
      .execute();
    await db
      .insertInto("status_incident_components")
      .values({ incident_id: id, component_id: componentIds[incident.resolved ? incident.n : 10] ?? "" })
      .execute();
    const updates = [
      { state: "investigating", kind: "opened", at: incident.startedAt, body: "We are looking into it." },
      { state: "identified", kind: "update", at: incident.startedAt + 20 * MINUTE, body: "Cause found." },
      ...(resolvedAt === null
        ? []
        : [{ state: "resolved", kind: "update", at: resolvedAt, body: "Fixed; we are watching it." }]),
    ];
    await db
      .insertInto("status_incident_updates")
      .values(
        updates.map((update, u) => ({
          id: `${id}-update-${u}`,
          incident_id: id,
          visibility: "public",
          kind: update.kind,
          state: update.state,
          body: update.body,
          author_id: null,
          at: iso(update.at),
        })),
      )
      .execute();
  }

  const startsAt = today + 5 * DAY_MS + 2 * 3_600_000;
  await db
    .insertInto("status_maintenances")
    .values({
      id: "page-maintenance",
      title: "Database upgrade",
      description: "The API may answer slowly for a few minutes.",
      starts_at: iso(startsAt),
      ends_at: iso(startsAt + 3_600_000),
      cancelled_at: null,
      override_reason: null,
      overridden_rules: null,
      created_by: null,
      start_announced_at: null,
      end_announced_at: null,
      version: 1,
      created_at: iso(now),
      updated_at: iso(now),
    })
    .execute();
  await db
    .insertInto("status_maintenance_components")
    .values(
      componentIds
        .slice(5, 10)
        .map((componentId) => ({ maintenance_id: "page-maintenance", component_id: componentId })),
    )
    .execute();
}

/**
 * Issue 8's throughput target: `tend serve --roles web` in a child process on a seeded page, and
 * autocannon against `GET /status` and `GET /api/v2/summary.json`, once with the full body (a first visit)
 * uncompressed (curl), compressed (a browser's first visit) and with `If-None-Match` (a reload, answered 304).
 */
export async function measureStatusPage(
  database: BenchDatabase,
  settings: StatusPageSettings,
  record: RecordFigure,
): Promise<void> {
  const { db, destroy } = openDatabase(database.target);
  try {
    await migrateToLatest(db);
    await seedStatusPage(db, Date.now());
  } finally {
    await destroy();
  }

  const server = await startChildServer("serve-for-bench.ts", database.environment);
  try {
    for (const path of ["/status", "/api/v2/summary.json"]) {
      const url = `${server.url}${path}`;
      const first = await fetch(url);
      const body = Buffer.from(await first.arrayBuffer());
      const etag = first.headers.get("etag");
      if (first.status !== 200 || !etag) throw new Error(`${path} answered ${first.status} without an ETag`);
      const revalidated = await fetch(url, { headers: { "if-none-match": etag } });
      if (revalidated.status !== 304)
        throw new Error(`${path} with If-None-Match answered ${revalidated.status}`);

      const variants: { label: string; headers: Record<string, string>; held?: boolean }[] = [
        // What a browser or a status aggregator sends: the cached Brotli copy. The spike the target
        // is about is browsers, so the target holds here and on reloads.
        { label: "200 (Accept-Encoding: gzip, br)", headers: { "accept-encoding": "gzip, br" }, held: true },
        { label: "304 (If-None-Match)", headers: { "if-none-match": etag }, held: true },
        // A client that asks for no compression (curl without --compressed) gets the whole body: its
        // figure is bounded by the bytes copied over loopback, printed beside it.
        { label: `200 (${formatCount(body.length)} B, uncompressed)`, headers: {} },
      ];
      for (const variant of variants) {
        const figures = await measureLoad({ url, headers: variant.headers }, settings.load);
        record({
          name: `GET ${path} ${variant.label}`,
          value: figures.requestsPerSecond,
          unit: "req/s",
          target: variant.held ? throughputTarget : undefined,
          detail:
            (variant.held
              ? ""
              : `${formatNumber((figures.requestsPerSecond * body.length) / 1e6)} MB/s of body; `) +
            `p50 ${formatNumber(figures.latencyP50Ms)} ms, p99 ${formatNumber(figures.latencyP99Ms)} ms; ` +
            `median of ${settings.load.runs} × ${settings.load.durationSeconds} s, ${settings.load.connections} connections; ` +
            `runs ${figures.runs.map((run) => formatCount(Math.round(run.requestsPerSecond))).join(" / ")}; ` +
            // autocannon counts a 304 as "non-2xx": on the conditional path every answer should be one.
            `non-2xx ${formatCount(figures.non2xx)}, errors ${figures.errors}; ` +
            `autocannon shares the machine's ${os.cpus().length} cores with the server`,
        });
      }
    }
  } finally {
    await server.stop();
  }
}
