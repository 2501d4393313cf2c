import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { systemClock } from "../../shared/clock.js";
import { createStatusComponent, createStatusMonitor, updateStatusMonitor } from "./manage-status.js";
import { readComponentAvailability } from "./read-availability.js";
import { StatusMonitorWorker } from "./status-monitor-worker.js";

const desk = useTestDesk();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let healthy = true;
const server = http.createServer((_request, response) => {
  response.statusCode = healthy ? 200 : 503;
  response.end(healthy ? "all good" : "overloaded");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the worker's status monitors", () => {
  it("check a real HTTP server on loopback and show its availability drop when it goes down", async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    // The runner sleeps on real timers, so this test runs on the real clock.
    const ctx = { ...desk.system, clock: systemClock, logger: pino({ level: "silent" }) };
    const component = await createStatusComponent({ ctx, input: { groupName: "Web", name: "Home page" } });
    const monitor = await createStatusMonitor({
      ctx,
      input: {
        componentId: component.id,
        name: "Front door",
        kind: "http",
        intervalSeconds: 10,
        http: { url: `http://127.0.0.1:${port}/`, keyword: "good", timeoutMs: 5_000 },
      },
    });
    // 10 s is the shortest interval the API takes; a test cannot wait minutes for a few checks, so
    // the stored monitor is set to check every 50 ms behind its back; its timeout stays long (1 s) so a
    // loaded machine's slow answer is not mistaken for an outage.
    const stored = await desk.database.db
      .selectFrom("status_monitors")
      .select("probe")
      .where("id", "=", monitor.id)
      .executeTakeFirstOrThrow();
    const probe = { ...JSON.parse(stored.probe as string), timeoutMs: 1_000 };
    await desk.database.db
      .updateTable("status_monitors")
      .set({ interval_ms: 50, probe: JSON.stringify(probe) })
      .where("id", "=", monitor.id)
      .execute();
    const worker = new StatusMonitorWorker(ctx, { refreshMs: 100 });
    await worker.start();
    try {
      // About 10 checks up.
      await sleep(600);
      const whileUp = await readComponentAvailability(ctx, component.id);
      expect(whileUp.rolling["1h"].observedMs).toBeGreaterThan(300);
      expect(whileUp.rolling["1h"].availability).toBe(1);

      healthy = false;
      await sleep(600);
      const afterDown = await readComponentAvailability(ctx, component.id);
      const availability = afterDown.rolling["1h"].availability as number;
      // Half the time up, half down, give or take what a loaded machine does to the timers.
      expect(availability).toBeLessThan(0.85);
      expect(availability).toBeGreaterThan(0.15);
      expect(afterDown.rolling["1h"].observedMs).toBeGreaterThan(whileUp.rolling["1h"].observedMs);
      expect(afterDown.month.errorBudget.usedMs).toBeGreaterThan(0);

      // Switched off in the database, the monitor stops being checked at the next reload.
      await updateStatusMonitor({ ctx, id: monitor.id, input: { enabled: false } });
      await sleep(300);
      const results = await desk.database.db
        .selectFrom("status_check_results")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("monitor_id", "=", monitor.id)
        .executeTakeFirstOrThrow();
      await sleep(300);
      const later = await desk.database.db
        .selectFrom("status_check_results")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("monitor_id", "=", monitor.id)
        .executeTakeFirstOrThrow();
      expect(Number(later.count)).toBe(Number(results.count));
      const reasons = await desk.database.db
        .selectFrom("status_check_results")
        .select("reason")
        .where("monitor_id", "=", monitor.id)
        .where("up", "=", 0)
        .execute();
      expect(reasons[0]?.reason).toBe("answered HTTP 503, not an expected status");
    } finally {
      await worker.stop();
    }
  });
});
