import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { createTend } from "../src/main.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import { createEscalationPolicy } from "../src/modules/paging/manage-escalation-policies.js";
import { notifyPagedPersonJob } from "../src/modules/paging/page-escalation.js";
import type { BenchDatabase } from "./bench-database.js";
import { startChildServer } from "./child-server.js";
import { formatNumber, type RecordFigure } from "./report.js";
import { summarizeLatencies } from "./stats.js";

// Issue 7: page creation to the first notification job under 100 ms at the 95th percentile.
const firstNotificationTarget = { comparison: "at most", value: 100 } as const;

/**
 * `tend serve --roles web,worker` in a child process; pages opened one after another over the API,
 * each timed from the request until the job that notifies the on-duty person is committed (the
 * escalation's first step runs as a job: opening the page enqueues it, the worker runs it).
 */
export async function measurePaging(
  database: BenchDatabase,
  settings: { pages: number },
  record: RecordFigure,
): Promise<void> {
  const setup = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  let token: string;
  let policyId: string;
  try {
    const ctx = setup.context();
    const admin = await createPerson({
      ctx,
      input: { name: "Bench Admin", email: "admin@tend.bench", role: "admin" },
    });
    const onDuty = await createPerson({
      ctx,
      input: { name: "Bench Agent", email: "agent@tend.bench", role: "agent" },
    });
    token = (await issueApiToken(ctx, admin.id, { name: "bench paging", scopes: ["write", "admin"] })).token;
    const asAdmin = {
      ...ctx,
      actor: { kind: "person", personId: admin.id, role: "admin", organizationId: null },
    } as const;
    policyId = (
      await createEscalationPolicy({
        ctx: asAdmin,
        input: {
          name: "support-leadership",
          levels: [{ targets: [{ kind: "person", personId: onDuty.id }], timeoutMinutes: 15 }],
        },
      })
    ).id;
  } finally {
    await setup.stop();
  }

  const server = await startChildServer("serve-for-bench.ts", {
    ...database.environment,
    BENCH_ROLES: "web,worker",
  });
  const observer = openDatabase(loadConfig(database.environment).database);
  try {
    const notified = async (pageId: string) => {
      const row = await observer.db
        .selectFrom("jobs")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("kind", "=", notifyPagedPersonJob)
        .where(sql<string>`payload`, "like", `%${pageId}%`)
        .executeTakeFirstOrThrow();
      return Number(row.count) > 0;
    };
    const created: number[] = [];
    const firstNotification: number[] = [];
    for (let n = 0; n < settings.pages; n += 1) {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/v1/pages`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ title: `Checkout down ${n}`, severity: "sev1", policyId }),
      });
      if (response.status !== 201)
        throw new Error(`POST /pages: ${response.status} ${await response.text()}`);
      created.push(performance.now() - started);
      const { id } = (await response.json()) as { id: string };
      while (!(await notified(id))) await new Promise((resolve) => setTimeout(resolve, 1));
      firstNotification.push(performance.now() - started);
    }
    const toNotification = summarizeLatencies(firstNotification);
    record({
      name: "page opened to first notification job, p95",
      value: toNotification.p95Ms,
      unit: "ms",
      target: firstNotificationTarget,
      detail: `p50 ${formatNumber(toNotification.p50Ms)} ms over ${toNotification.samples} pages`,
    });
    const toCreated = summarizeLatencies(created);
    record({
      name: "POST /pages answered, p95",
      value: toCreated.p95Ms,
      unit: "ms",
      detail: `p50 ${formatNumber(toCreated.p50Ms)} ms`,
    });
  } finally {
    await observer.destroy();
    await server.stop();
  }
}
