import pino from "pino";
import { describe, expect, it } from "vitest";
import { captureLogs } from "../../test/support/captured-logs.js";
import { useTestDesk } from "../../test/support/test-desk.js";
import { openDatabase } from "../db/database.js";
import { DAY, HOUR, MINUTE } from "../shared/clock.js";
import { inTransaction } from "../shared/context.js";
import { findJob } from "./job-repository.js";
import { enqueueJob, JobRunner, retryDelayMs } from "./job-runner.js";
import { registerJobs } from "./schedule.js";

const desk = useTestDesk();
const silent = pino({ level: "silent" });

describe("durable job runner", () => {
  it("runs a due job once and not a job scheduled for later", async () => {
    const seen: unknown[] = [];
    const kind = `record-${desk.unique()}`;
    const runner = new JobRunner({ ...desk.system, logger: silent }).register(kind, async (_ctx, payload) => {
      seen.push(payload);
    });
    const now = desk.clock.now();
    const dueId = await enqueueJob(desk.system, kind, { n: 1 });
    const laterId = await enqueueJob(
      desk.system,
      kind,
      { n: 2 },
      { runAt: new Date(now.getTime() + 60_000) },
    );
    await runner.runDueJobs();
    await runner.runDueJobs();
    expect(seen).toEqual([{ n: 1 }]);
    expect((await findJob(desk.database.db, dueId))?.status).toBe("succeeded");
    expect((await findJob(desk.database.db, laterId))?.status).toBe("queued");
  });

  it("runs up to its concurrency at once, each job still once", async () => {
    const kind = `overlap-${desk.unique()}`;
    let running = 0;
    let mostAtOnce = 0;
    const done: number[] = [];
    const runner = new JobRunner({ ...desk.system, logger: silent }, { concurrency: 3 }).register(
      kind,
      async (_ctx, payload) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        done.push((payload as { n: number }).n);
      },
    );
    for (let n = 0; n < 7; n += 1) await enqueueJob(desk.system, kind, { n });
    expect(await runner.runDueJobs()).toBe(7);
    expect(mostAtOnce).toBe(3);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("wakes on demand instead of waiting for the next poll", async () => {
    const kind = `woken-${desk.unique()}`;
    const seen: number[] = [];
    const runner = new JobRunner({ ...desk.system, logger: silent }, { pollMs: 60_000 }).register(
      kind,
      async (_ctx, payload) => {
        seen.push((payload as { n: number }).n);
      },
    );
    await runner.start({ schedule: false, work: true });
    try {
      // Past the first poll, which found nothing: the next one is a minute away.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await enqueueJob(desk.system, kind, { n: 1 });
      runner.wake();
      await expect.poll(() => seen, { timeout: 5000 }).toEqual([1]);
    } finally {
      await runner.stop();
    }
  });

  it("is woken by a transaction that committed jobs for it, and not by one that rolled back", async () => {
    const kind = `committed-${desk.unique()}`;
    const seen: number[] = [];
    const runner = new JobRunner({ ...desk.system, logger: silent }, { pollMs: 60_000 }).register(
      kind,
      async (_ctx, payload) => {
        seen.push((payload as { n: number }).n);
      },
    );
    let wakes = 0;
    const ctx = {
      ...desk.system,
      jobsCommitted: () => {
        wakes += 1;
        runner.wake();
      },
    };
    await runner.start({ schedule: false, work: true });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(
        inTransaction(ctx, async (tx) => {
          await enqueueJob(tx, kind, { n: 1 });
          throw new Error("the work failed");
        }),
      ).rejects.toThrow("the work failed");
      expect(wakes).toBe(0);
      await inTransaction(ctx, async (tx) => {
        await enqueueJob(tx, kind, { n: 2 });
        await enqueueJob(tx, kind, { n: 3 });
      });
      expect(wakes).toBe(1);
      await expect.poll(() => seen.sort(), { timeout: 5000 }).toEqual([2, 3]);
    } finally {
      await runner.stop();
    }
  });

  it("retries a failing job with growing delays and gives up after its attempts", async () => {
    const kind = `flaky-${desk.unique()}`;
    let calls = 0;
    const runner = new JobRunner({ ...desk.system, logger: silent }).register(kind, async () => {
      calls += 1;
      throw new Error("upstream unavailable");
    });
    const id = await enqueueJob(desk.system, kind, {}, { maxAttempts: 3 });
    await runner.runDueJobs();
    let job = await findJob(desk.database.db, id);
    expect(job).toMatchObject({ status: "queued", attempts: 1, last_error: "upstream unavailable" });
    expect(Date.parse(job!.run_at) - desk.clock.now().getTime()).toBe(retryDelayMs(1));

    await runner.runDueJobs();
    expect(calls).toBe(1);
    for (let attempt = 1; attempt < 3; attempt += 1) {
      desk.clock.advance(retryDelayMs(attempt));
      await runner.runDueJobs();
    }
    job = await findJob(desk.database.db, id);
    expect(calls).toBe(3);
    expect(job).toMatchObject({ status: "failed", attempts: 3 });
  });

  it("completes a job with its handler's work, or not at all when that work rolls back", async () => {
    const kind = `transactional-${desk.unique()}`;
    const marker = `marker-${desk.unique()}`;
    const markers = () =>
      desk.database.db.selectFrom("counters").selectAll().where("name", "=", marker).execute();
    let failAfterCompleting = true;
    const runner = new JobRunner({ ...desk.system, logger: silent }).register(
      kind,
      async (ctx, _payload, job) => {
        await inTransaction(ctx, async (tx) => {
          await tx.db.insertInto("counters").values({ name: marker, value: 1 }).execute();
          await job.markSucceededIn(tx);
          if (failAfterCompleting) throw new Error("the work failed after completing the job");
        });
      },
    );
    const id = await enqueueJob(desk.system, kind, {});
    await runner.runDueJobs();
    expect(await findJob(desk.database.db, id)).toMatchObject({
      status: "queued",
      last_error: "the work failed after completing the job",
    });
    expect(await markers()).toEqual([]);

    failAfterCompleting = false;
    desk.clock.advance(retryDelayMs(1));
    await runner.runDueJobs();
    expect(await findJob(desk.database.db, id)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(await markers()).toHaveLength(1);
  });

  it("does not mark again a job its handler completed in a committed transaction", async () => {
    const kind = `completed-once-${desk.unique()}`;
    const batchKind = `completed-once-batch-${desk.unique()}`;
    // The runner's own completions go through its context's database; the handlers' through their
    // transactions, which are not counted.
    let runnerUpdates = 0;
    const counted = new Proxy(desk.database.db, {
      get(target, property, receiver) {
        if (property === "updateTable") runnerUpdates += 1;
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const runner = new JobRunner({ ...desk.system, db: counted, logger: silent }, { concurrency: 1 })
      .register(kind, async (ctx, _payload, job) => {
        await inTransaction(ctx, (tx) => job.markSucceededIn(tx));
      })
      .registerBatch(batchKind, async (ctx, jobs) => {
        await inTransaction(ctx, async (tx) => {
          for (const job of jobs) await job.markSucceededIn(tx);
        });
        return new Map();
      });
    const ids = [
      await enqueueJob(desk.system, kind, {}),
      await enqueueJob(desk.system, batchKind, {}),
      await enqueueJob(desk.system, batchKind, {}),
    ];
    await runner.runDueJobs();
    for (const id of ids) expect((await findJob(desk.database.db, id))?.status).toBe("succeeded");
    expect(runnerUpdates).toBe(0);
  });

  it("hands a batch handler its kind's jobs together, retrying only those it reports failed", async () => {
    const batchKind = `batch-${desk.unique()}`;
    const singleKind = `single-${desk.unique()}`;
    const batches: number[][] = [];
    const singles: number[] = [];
    const runner = new JobRunner({ ...desk.system, logger: silent }, { concurrency: 1 })
      .registerBatch(batchKind, async (_ctx, jobs) => {
        // In no particular order: a handler that cares orders them itself.
        batches.push(jobs.map((job) => (job.payload as { n: number }).n).sort());
        return new Map(
          jobs.filter((job) => (job.payload as { n: number }).n === 2).map((job) => [job.id, "refused"]),
        );
      })
      .register(singleKind, async (_ctx, payload) => {
        singles.push((payload as { n: number }).n);
      });
    const ids: string[] = [];
    for (let n = 0; n < 4; n += 1) ids.push(await enqueueJob(desk.system, batchKind, { n }));
    await enqueueJob(desk.system, singleKind, { n: 9 });

    expect(await runner.runDueJobs()).toBe(5);
    expect(batches).toEqual([[0, 1, 2, 3]]);
    expect(singles).toEqual([9]);
    const statuses = await Promise.all(ids.map(async (id) => (await findJob(desk.database.db, id))?.status));
    expect(statuses).toEqual(["succeeded", "succeeded", "queued", "succeeded"]);
    expect(await findJob(desk.database.db, ids[2] as string)).toMatchObject({ last_error: "refused" });

    // A handler that throws fails its whole batch, to be retried.
    desk.clock.advance(10_000);
    const failing = new JobRunner({ ...desk.system, logger: silent }).registerBatch(batchKind, async () => {
      throw new Error("relay down");
    });
    await failing.runDueJobs();
    expect(await findJob(desk.database.db, ids[2] as string)).toMatchObject({
      status: "queued",
      attempts: 2,
      last_error: "relay down",
    });
  });

  it("leases ordinary jobs ten at a time, and a batch kind's eight a lane", async () => {
    const batchKind = `leased-batch-${desk.unique()}`;
    const singleKind = `leased-single-${desk.unique()}`;
    const batchSizes: number[] = [];
    const leasedWhileRunning: number[] = [];
    const leased = async (kind: string) =>
      Number(
        (
          await desk.database.db
            .selectFrom("jobs")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("kind", "=", kind)
            .where("status", "=", "running")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const runner = new JobRunner({ ...desk.system, logger: silent }, { concurrency: 2 })
      .registerBatch(batchKind, async (_ctx, jobs) => {
        batchSizes.push(jobs.length);
        return new Map();
      })
      .register(singleKind, async () => {
        leasedWhileRunning.push(await leased(singleKind));
      });
    for (let n = 0; n < 40; n += 1) await enqueueJob(desk.system, batchKind, { n });
    for (let n = 0; n < 12; n += 1) await enqueueJob(desk.system, singleKind, { n });

    expect(await runner.runDueJobs()).toBe(52);
    // 16 a claim at two lanes; on PostgreSQL each claim is split over the lanes.
    expect(batchSizes.reduce((sum, size) => sum + size, 0)).toBe(40);
    expect(Math.max(...batchSizes)).toBe(desk.database.dialect === "postgres" ? 8 : 16);
    // The first ordinary claim holds 10 of the 12; the rest wait for the next claim.
    expect(Math.max(...leasedWhileRunning)).toBe(10);
  });

  it("hands a job whose worker died to another worker once the lock expires", async () => {
    const kind = `crashy-${desk.unique()}`;
    const id = await enqueueJob(desk.system, kind, {});
    // The first worker claims the job and dies before finishing: it never returns.
    const dying = new JobRunner({ ...desk.system, logger: silent }, { lockMs: 30_000 }).register(
      kind,
      () => new Promise(() => {}),
    );
    void dying.runDueJobs();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await findJob(desk.database.db, id))?.status).toBe("running");

    let ran = 0;
    const survivor = new JobRunner({ ...desk.system, logger: silent }).register(kind, async () => {
      ran += 1;
    });
    await survivor.runDueJobs();
    expect(ran).toBe(0);
    desk.clock.advance(30_000);
    await survivor.runDueJobs();
    expect(ran).toBe(1);
    expect(await findJob(desk.database.db, id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  // Meaningful on PostgreSQL (SKIP LOCKED under real concurrency); on SQLite it checks the same
  // guarantee through separate connections that the file lock serializes.
  it("never runs one job twice when workers with separate connections race", async () => {
    const kind = `race-${desk.unique()}`;
    const total = 200;
    for (let i = 0; i < total; i += 1) await enqueueJob(desk.system, kind, { i });
    const runs = new Map<number, number>();
    // Each worker has its own connection pool, as separate processes would.
    const pools = [0, 1, 2, 3].map(() => openDatabase(desk.database.target));
    const workers = pools.map((database) =>
      new JobRunner({ ...desk.system, db: database.db, logger: silent }, { batchSize: 5 }).register(
        kind,
        async (_ctx, payload) => {
          const { i } = payload as { i: number };
          runs.set(i, (runs.get(i) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
      ),
    );
    await Promise.all(workers.map((worker) => worker.runDueJobs()));
    await Promise.all(pools.map((database) => database.destroy()));
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });
});

describe("recurring timers when the system clock jumps", () => {
  /** Jobs the scheduler enqueued for each schedule so far. */
  async function runsPerSchedule(): Promise<Map<string, number>> {
    const jobs = await desk.database.db.selectFrom("jobs").select("payload").execute();
    const runs = new Map<string, number>();
    for (const { payload } of jobs) {
      const schedule = (JSON.parse(payload) as { schedule?: string } | null)?.schedule;
      if (schedule) runs.set(schedule, (runs.get(schedule) ?? 0) + 1);
    }
    return runs;
  }

  it("runs each of Tend's timers once after a forward jump of a day, not once per missed interval", async () => {
    const logs = captureLogs();
    const scheduler = registerJobs(new JobRunner({ ...desk.system, logger: logs.logger }));
    await scheduler.installSchedules();
    const schedules = await desk.database.db.selectFrom("job_schedules").select("name").execute();
    const before = await runsPerSchedule();
    await scheduler.enqueueDueSchedules();

    desk.clock.advance(DAY);
    expect(await scheduler.enqueueDueSchedules()).toBe(schedules.length);
    expect(await scheduler.enqueueDueSchedules()).toBe(0);
    const after = await runsPerSchedule();
    for (const { name } of schedules) expect((after.get(name) ?? 0) - (before.get(name) ?? 0), name).toBe(2);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 40, schedule: "sla.scan", lateMs: DAY - 15_000, missedRuns: 5759 }),
    );
  });

  it("runs a timer again within its interval after the clock steps back an hour, not an hour later", async () => {
    const logs = captureLogs();
    const everyMinute = `every-minute-${desk.unique()}`;
    const daily = `daily-${desk.unique()}`;
    const scheduler = new JobRunner({ ...desk.system, logger: logs.logger })
      .every({ name: everyMinute, kind: everyMinute, intervalMs: MINUTE })
      .every({ name: daily, kind: daily, intervalMs: DAY });
    await scheduler.installSchedules();
    await scheduler.enqueueDueSchedules();
    const runs = async () => {
      const all = await runsPerSchedule();
      return { everyMinute: all.get(everyMinute), daily: all.get(daily) };
    };
    expect(await runs()).toEqual({ everyMinute: 1, daily: 1 });

    desk.clock.advance(-HOUR);
    await scheduler.enqueueDueSchedules();
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 40, schedule: everyMinute, clockWentBackMs: HOUR }),
    );
    desk.clock.advance(MINUTE);
    await scheduler.enqueueDueSchedules();
    expect(await runs()).toEqual({ everyMinute: 2, daily: 1 });
    desk.clock.advance(DAY - MINUTE);
    await scheduler.enqueueDueSchedules();
    expect(await runs()).toEqual({ everyMinute: 3, daily: 2 });
  });
});
