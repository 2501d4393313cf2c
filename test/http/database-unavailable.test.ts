import { createRequire } from "node:module";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { buildApp } from "../../src/http/build-app.js";
import { ManualClock } from "../../src/shared/clock.js";
import { testDialect } from "../support/test-database.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const silent = pino({ level: "silent" });

describe("a request while the database is out of reach", () => {
  // A PostgreSQL that is down: nothing listens on the port, and every connection is refused.
  const unreachable = openDatabase({
    kind: "postgres",
    url: "postgres://tend@127.0.0.1:9/tend",
    poolSize: 2,
  });
  afterAll(() => unreachable.destroy());

  it("is answered 503 with Retry-After and a problem the client can act on, not a 500", async () => {
    const app = await buildApp({
      database: unreachable,
      logger: silent,
      clock: new ManualClock(new Date("2026-12-04T12:00:00Z")),
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 1024 * 1024,
    });
    try {
      const response = await app.inject({
        method: "GET",
        url: "/api/v1/tickets",
        headers: { authorization: "Bearer tend_an_api_token_the_database_would_know" },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      expect(response.headers["content-type"]).toContain("application/problem+json");
      expect(response.json()).toMatchObject({
        type: "urn:tend:problem:unavailable",
        status: 503,
        detail: expect.stringContaining("nothing was saved"),
      });
      const ready = await app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(testDialect !== "sqlite")("a write while another process holds SQLite's write lock", () => {
  /** An agent, a customer, and another process on the desk's file, as `tend` commands beside `tend serve` are. */
  async function anotherProcessBeside() {
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const target = desk.database.target;
    if (target.kind !== "sqlite") throw new Error("SQLite only");
    const require = createRequire(import.meta.url);
    const BetterSqlite = require("better-sqlite3") as new (
      file: string,
    ) => {
      exec(sql: string): void;
      close(): void;
    };
    return { agent, customer, other: new BetterSqlite(target.file) };
  }

  it("waits out the busy timeout, then answers 503 and saves nothing; the next try succeeds", async () => {
    const { agent, customer, other } = await anotherProcessBeside();
    const payload = {
      subject: "Held by another writer",
      body: "Written while the file is locked.",
      requesterId: customer.id,
    };
    const createTicket = () =>
      desk.app.inject({ method: "POST", url: "/api/v1/tickets", headers: agent.auth, payload });
    try {
      other.exec("BEGIN IMMEDIATE");
      const refused = await createTicket();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers["retry-after"]).toBe("5");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    const count = async () =>
      (
        await desk.database.db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("subject", "=", payload.subject)
          .executeTakeFirstOrThrow()
      ).n;
    expect(Number(await count())).toBe(0);
    const retried = await createTicket();
    expect(retried.statusCode).toBe(201);
    expect(Number(await count())).toBe(1);
  });

  it("keeps serving while it waits for the lock, and writes once the other process lets go", async () => {
    const { agent, customer, other } = await anotherProcessBeside();
    other.exec("BEGIN IMMEDIATE");
    // Released by this process's own event loop: a wait that stopped the process would never see it.
    let ticks = 0;
    const ticking = setInterval(() => {
      ticks += 1;
    }, 10);
    try {
      const waiting = desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: {
          subject: "Written after the lock",
          body: "Queued behind a CLI command.",
          requesterId: customer.id,
        },
      });
      const health = await desk.app.inject({ method: "GET", url: "/healthz" });
      expect(health.statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      other.exec("ROLLBACK");
      expect((await waiting).statusCode).toBe(201);
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(ticking);
      other.close();
    }
  });
});
