import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckDone, MonitorRunner, type ScheduledMonitor } from "./monitor-runner.js";

const server = http.createServer((request, response) => {
  if (request.url === "/down") response.writeHead(500);
  response.end("ok");
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

function monitor(id: string, path: string, intervalMs: number): ScheduledMonitor {
  return {
    id,
    intervalMs,
    probe: {
      kind: "http",
      url: `${base}${path}`,
      method: "GET",
      timeoutMs: 1_000,
      expectedStatus: [[200, 299]],
      certificateWarningDays: 14,
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the monitor runner against a real loopback server", () => {
  it("checks each monitor once per interval at its due time, and reports each verdict", async () => {
    const done: CheckDone[] = [];
    const runner = new MonitorRunner({ onCheckDone: (check) => done.push(check) });
    runner.setMonitors([
      ...Array.from({ length: 10 }, (_, n) => monitor(`up-${n}`, "/up", 200)),
      monitor("down", "/down", 200),
    ]);
    runner.start();
    await sleep(1_100);
    await runner.stop();

    const perMonitor = new Map<string, CheckDone[]>();
    for (const check of done)
      perMonitor.set(check.monitorId, [...(perMonitor.get(check.monitorId) ?? []), check]);
    expect(perMonitor.size).toBe(11);
    for (const [id, checks] of perMonitor) {
      // 1.1 s at 200 ms: at most six checks, on the monitor's own beat. A check that finished after
      // its next due time (a loaded machine) skips that beat rather than overlapping, hence "a multiple".
      expect(checks.length, id).toBeGreaterThanOrEqual(3);
      expect(checks.length, id).toBeLessThanOrEqual(6);
      const dues = checks.map((c) => c.dueAt);
      for (let i = 1; i < dues.length; i += 1) {
        const apart = (dues[i] ?? 0) - (dues[i - 1] ?? 0);
        expect(apart).toBeGreaterThan(0);
        expect(apart % 200).toBe(0);
      }
    }
    expect(perMonitor.get("down")?.every((c) => !c.verdict.up && /HTTP 500/.test(c.verdict.reason))).toBe(
      true,
    );
    expect(perMonitor.get("up-0")?.every((c) => c.verdict.up)).toBe(true);
    for (const check of done) expect(check.startedAt).toBeGreaterThanOrEqual(check.dueAt);
  });

  it("stops checking a monitor removed from the set", async () => {
    const done: CheckDone[] = [];
    const runner = new MonitorRunner({ onCheckDone: (check) => done.push(check) });
    runner.setMonitors([monitor("kept", "/up", 100), monitor("removed", "/up", 100)]);
    runner.start();
    await sleep(350);
    runner.setMonitors([monitor("kept", "/up", 100)]);
    const removedSoFar = done.filter((c) => c.monitorId === "removed").length;
    await sleep(350);
    await runner.stop();
    // A check of the removed monitor in flight at the change may still finish; none starts after it.
    expect(done.filter((c) => c.monitorId === "removed").length).toBeLessThanOrEqual(removedSoFar + 1);
    expect(done.filter((c) => c.monitorId === "kept").length).toBeGreaterThanOrEqual(5);
  });
});
