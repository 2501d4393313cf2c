import type { AutocannonOptions } from "autocannon";
import type { BenchDatabase } from "./bench-database.js";
import { startChildServer } from "./child-server.js";
import { type LoadFigures, type LoadSettings, measureLoad } from "./http-load.js";
import { formatNumber, type RecordFigure } from "./report.js";

const creationTarget = { comparison: "at least", value: 2000 } as const;

const subject = "Webhook deliveries time out since the upgrade";
const body =
  "Since this morning every webhook delivery to our endpoint fails with a timeout after 30 seconds. " +
  "Nothing changed on our side; the endpoint answers in under 100 ms when we call it ourselves.";

/**
 * POST /api/v1/tickets against Tend's web role in a child process, then the same load against the
 * bare insert floor on the same database: the ratio says how much of the ceiling Tend itself spends.
 */
export async function measureTicketCreation(
  database: BenchDatabase,
  credentials: { adminToken: string; requesterId: string },
  load: LoadSettings,
  record: RecordFigure,
): Promise<void> {
  const creation = await loadChildServer("serve-for-bench.ts", database, load, {
    path: "/api/v1/tickets",
    headers: { authorization: `Bearer ${credentials.adminToken}`, "content-type": "application/json" },
    // A unique subject per request, as real tickets have; the requester exists, as most do.
    body: JSON.stringify({ subject: `${subject} [<id>]`, body, requesterId: credentials.requesterId }),
  });
  record({
    name: "create ticket over HTTP",
    value: creation.requestsPerSecond,
    unit: "req/s",
    target: creationTarget,
    detail: describeLoad(creation, load),
  });

  const floor = await loadChildServer("serve-insert-floor.ts", database, load, {
    path: "/rows",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ subject: `${subject} [<id>]`, body }),
  });
  record({
    name: "floor: bare route, one-row insert",
    value: floor.requestsPerSecond,
    unit: "req/s",
    detail: describeLoad(floor, load),
  });
  record({
    name: "ticket creation as share of the floor",
    value: (100 * creation.requestsPerSecond) / floor.requestsPerSecond,
    unit: "%",
  });
}

async function loadChildServer(
  script: string,
  database: BenchDatabase,
  load: LoadSettings,
  request: { path: string; headers: Record<string, string>; body: string },
): Promise<LoadFigures> {
  const server = await startChildServer(script, database.environment);
  try {
    const options: Omit<AutocannonOptions, "connections" | "duration"> = {
      url: `${server.url}${request.path}`,
      method: "POST",
      headers: request.headers,
      body: request.body,
      idReplacement: true,
    };
    return await measureLoad(options, load);
  } finally {
    await server.stop();
  }
}

function describeLoad(figures: LoadFigures, load: LoadSettings): string {
  const runs = figures.runs.map((r) => formatNumber(r.requestsPerSecond)).join(", ");
  return (
    `median of ${load.runs} × ${load.durationSeconds} s at ${load.connections} connections (runs ${runs}/s); ` +
    `latency p50 ${formatNumber(figures.latencyP50Ms)} ms, p99 ${formatNumber(figures.latencyP99Ms)} ms; ` +
    `non-2xx ${figures.non2xx}, errors ${figures.errors}`
  );
}
