import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { MINUTE, systemClock } from "../../shared/clock.js";
import { evaluateIncidentRules } from "./evaluate-incident-rules.js";
import { saveIncidentRuleSettings } from "./incident-rule-settings.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { StatusMonitorWorker } from "./status-monitor-worker.js";

/**
 * The whole chain on a real socket: a loopback HTTP server switched between healthy, failing and too slow,
 * checked by the worker's monitor runner (results stored through `recordCheckResult`), and the rule job
 * reading those results opens an incident for each broken path and suggests resolving it once it recovers.
 * The runner sleeps on real timers, so everything runs on the real clock; every wait is on a condition
 * with a deadline, so a loaded machine makes the test slower, not wrong.
 */
const desk = useTestDesk();
// Long enough that a healthy loopback answer on a loaded machine is never counted as a timeout (one
// false "down" among a few checks would fire the rule), short enough to keep the slow phase brief.
const probeTimeoutMs = 500;

type Behaviour = "up" | "down" | "slow";
const behaviour = new Map<string, Behaviour>([
  ["/failing", "up"],
  ["/slow", "up"],
]);
const server = http.createServer((request, response) => {
  const mode = behaviour.get(request.url ?? "") ?? "down";
  if (mode === "slow") {
    // Answers well after the probe has given up on it.
    setTimeout(() => response.end("late"), probeTimeoutMs * 3).unref();
    return;
  }
  response.statusCode = mode === "up" ? 200 : 500;
  response.end(mode);
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ctx = () => ({ ...desk.system, clock: systemClock, logger: pino({ level: "silent" }) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the rule job until `done` holds, or fails naming what it waited for. */
async function evaluateUntil(what: string, done: () => Promise<boolean>, deadlineMs = 12_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    await evaluateIncidentRules(ctx());
    if (await done()) return;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

async function componentWatching(path: string) {
  const component = await createStatusComponent({ ctx: ctx(), input: { groupName: "Loopback", name: path } });
  await saveIncidentRuleSettings({
    ctx: ctx(),
    componentId: component.id,
    input: { enabled: true, rules: [{ kind: "availability_below", windowMs: MINUTE, threshold: 0.9 }] },
  });
  const monitor = await createStatusMonitor({
    ctx: ctx(),
    input: {
      componentId: component.id,
      name: `${path} probe`,
      kind: "http",
      intervalSeconds: 10,
      http: { url: `${base}${path}`, timeoutMs: probeTimeoutMs },
    },
  });
  // 10 s is the API's shortest interval; the stored monitor checks every 50 ms behind its back, as
  // status-monitor-worker.test.ts does, so a minute's window sees enough checks in a few seconds.
  await desk.database.db
    .updateTable("status_monitors")
    .set({ interval_ms: 50 })
    .where("id", "=", monitor.id)
    .execute();
  return component.id;
}

async function incidentsOf(componentId: string) {
  return desk.database.db
    .selectFrom("status_incidents")
    .innerJoin("status_incident_components", "status_incident_components.incident_id", "status_incidents.id")
    .select(["status_incidents.id", "status_incidents.fired_rule", "status_incidents.state"])
    .where("status_incident_components.component_id", "=", componentId)
    .execute();
}

async function recoverySuggestions(incidentId: string) {
  return desk.database.db
    .selectFrom("status_incident_updates")
    .select("id")
    .where("incident_id", "=", incidentId)
    .where("kind", "=", "recovery_suggestion")
    .execute();
}

async function checksOf(componentId: string) {
  return desk.database.db
    .selectFrom("status_check_results")
    .innerJoin("status_monitors", "status_monitors.id", "status_check_results.monitor_id")
    .select("status_check_results.up")
    .where("status_monitors.component_id", "=", componentId)
    .execute();
}

describe("incident rules against a real loopback server", () => {
  it("open an incident when a target fails or answers too late, and suggest resolving it once it recovers", async () => {
    const failing = await componentWatching("/failing");
    const slow = await componentWatching("/slow");
    const worker = new StatusMonitorWorker(ctx(), { refreshMs: 100 });
    await worker.start();
    try {
      // Healthy first: checks arrive, and no rule fires.
      await evaluateUntil("healthy checks on both paths", async () => {
        const [a, b] = await Promise.all([checksOf(failing), checksOf(slow)]);
        return a.length >= 5 && b.length >= 5;
      });
      expect(await incidentsOf(failing)).toEqual([]);
      expect(await incidentsOf(slow)).toEqual([]);

      behaviour.set("/failing", "down");
      behaviour.set("/slow", "slow");
      await evaluateUntil("an incident on each path", async () => {
        const [a, b] = await Promise.all([incidentsOf(failing), incidentsOf(slow)]);
        return a.length > 0 && b.length > 0;
      });
      for (const componentId of [failing, slow]) {
        const incidents = await incidentsOf(componentId);
        expect(incidents).toHaveLength(1);
        expect(JSON.parse(incidents[0]?.fired_rule as string)).toMatchObject({ windowMs: MINUTE });
        expect((await checksOf(componentId)).some((check) => check.up === 0)).toBe(true);
      }

      behaviour.set("/failing", "up");
      behaviour.set("/slow", "up");
      const [failingIncident] = await incidentsOf(failing);
      const [slowIncident] = await incidentsOf(slow);
      await evaluateUntil(
        "a recovery suggestion on each incident",
        async () => {
          const [a, b] = await Promise.all([
            recoverySuggestions(failingIncident?.id as string),
            recoverySuggestions(slowIncident?.id as string),
          ]);
          return a.length > 0 && b.length > 0;
        },
        // Recovery needs nine times the downtime in healthy checks: more room than the other waits.
        25_000,
      );
      // Still one incident each, open until a person resolves it, with one suggestion.
      for (const componentId of [failing, slow]) {
        const incidents = await incidentsOf(componentId);
        expect(incidents).toHaveLength(1);
        expect(incidents[0]?.state).toBe("investigating");
        expect(await recoverySuggestions(incidents[0]?.id as string)).toHaveLength(1);
      }
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
