import type { TendApp } from "../src/http/build-app.js";
import type { Tend } from "../src/main.js";
import { formatNumber, type RecordFigure } from "./report.js";
import { summarizeLatencies } from "./stats.js";

const pageTarget = { comparison: "at most", value: 20 } as const;

/** What the workspace's ticket page asks for at once when it opens a ticket (web/src/ticket-page.tsx). */
const pageRequests = (number: number) => [
  `/api/v1/tickets/${number}`,
  `/api/v1/tickets/${number}/comments`,
  `/api/v1/tickets/${number}/events`,
  `/api/v1/tickets/${number}/sla`,
];

/**
 * Issue 11: the ticket page API ≤ 20 ms on a big desk. Each sample opens a different ticket drawn at
 * random over the whole desk (not one warm ticket again and again), through the HTTP layer in process:
 * the ticket alone, and the page's four requests sent together as the browser sends them.
 */
export async function measureTicketPage(
  tend: Tend,
  app: TendApp,
  authorization: string,
  options: { warmUpSamples: number; samples: number },
  record: RecordFigure,
): Promise<void> {
  const range = await tend.database.db
    .selectFrom("tickets")
    .select((eb) => [eb.fn.min<number>("number").as("first"), eb.fn.max<number>("number").as("last")])
    .executeTakeFirstOrThrow();
  let seed = 7;
  // A fixed sequence, so two runs open the same tickets.
  const nextNumber = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return range.first + (seed % (range.last - range.first + 1));
  };
  const get = async (url: string) => {
    const response = await app.inject({ method: "GET", url, headers: { authorization } });
    if (response.statusCode !== 200)
      throw new Error(`${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    return response.body.length;
  };
  const ticketOnly: number[] = [];
  const wholePage: number[] = [];
  let bytes = 0;
  for (let sample = -options.warmUpSamples; sample < options.samples; sample += 1) {
    const number = nextNumber();
    let started = performance.now();
    await get(`/api/v1/tickets/${number}`);
    const ticketMs = performance.now() - started;

    const other = nextNumber();
    started = performance.now();
    const sizes = await Promise.all(pageRequests(other).map(get));
    const pageMs = performance.now() - started;
    if (sample < 0) continue;
    ticketOnly.push(ticketMs);
    wholePage.push(pageMs);
    bytes += sizes.reduce((sum, size) => sum + size, 0);
  }
  const ticket = summarizeLatencies(ticketOnly);
  const page = summarizeLatencies(wholePage);
  record({
    name: "ticket page: GET /tickets/{number} p95",
    value: ticket.p95Ms,
    unit: "ms",
    target: pageTarget,
    detail: `p50 ${formatNumber(ticket.p50Ms)} ms, ${ticket.samples} tickets drawn at random`,
  });
  record({
    name: "ticket page: ticket, comments, events and SLA together p95",
    value: page.p95Ms,
    unit: "ms",
    target: pageTarget,
    detail:
      `p50 ${formatNumber(page.p50Ms)} ms, ${page.samples} tickets drawn at random, ` +
      `${formatNumber(bytes / page.samples / 1024)} KB a page`,
  });
}
