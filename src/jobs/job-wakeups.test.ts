import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDialect } from "../../test/support/test-database.js";
import { PostgresNotifications } from "../db/postgres-notifications.js";
import { JobWakeups, jobsQueuedChannel } from "./job-wakeups.js";

const silent = pino({ level: "silent" });
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe.skipIf(testDialect !== "postgres")("job wakeups from a process that runs no worker", () => {
  let database: TestDatabase;
  let senderSide: PostgresNotifications;
  let workerSide: PostgresNotifications;
  const received: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = database.target.kind === "postgres" ? database.target.url : "";
    senderSide = new PostgresNotifications(database.db, url, silent);
    workerSide = new PostgresNotifications(database.db, url, silent);
    await workerSide.listen(jobsQueuedChannel, (origin) => received.push(origin));
  });

  afterAll(async () => {
    await senderSide.close();
    await workerSide.close();
    await database.drop();
  });

  it("coalesce a burst of commits into a notification on its way and one after it", async () => {
    const wakeups = new JobWakeups(senderSide, silent);
    for (let commit = 0; commit < 50; commit += 1) wakeups.jobsQueued();
    await settle();
    expect(received).toHaveLength(2);

    // A commit after the burst has been told is told again: nothing waits for a worker's poll.
    wakeups.jobsQueued();
    await settle();
    expect(received).toHaveLength(3);
    expect(new Set(received).size).toBe(1);
  });
});
