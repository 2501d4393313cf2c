import type { TendApp } from "../src/http/build-app.js";
import { type LatencySummary, summarizeLatencies } from "./stats.js";

/** One kind of GET /api/v1/tickets an agent's screen makes: a queue, or a search. */
export interface TicketListShape {
  name: string;
  url: string;
}

export interface TicketListLatency<Shape extends TicketListShape> extends LatencySummary {
  shape: Shape;
  /** Items on the first page: a fast empty page would prove nothing. */
  rows: number;
}

/**
 * Times each shape through the whole HTTP layer (auth, validation, SQL, presenting, serializing) with
 * `app.inject()`. Shapes take turns sample by sample, so a burst of noise on the machine spreads over
 * all of them instead of skewing one.
 */
export async function measureTicketListLatency<Shape extends TicketListShape>(
  app: TendApp,
  authorization: string,
  shapes: readonly Shape[],
  options: { warmUpSamples: number; samples: number },
): Promise<TicketListLatency<Shape>[]> {
  const timings = shapes.map(() => [] as number[]);
  const rows = shapes.map(() => 0);
  for (let sample = -options.warmUpSamples; sample < options.samples; sample += 1) {
    for (const [index, shape] of shapes.entries()) {
      const started = performance.now();
      const response = await app.inject({ method: "GET", url: shape.url, headers: { authorization } });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) {
        throw new Error(`${shape.url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      }
      if (sample < 0) continue;
      timings[index]?.push(elapsed);
      if (sample === 0) rows[index] = (response.json() as { items: unknown[] }).items.length;
    }
  }
  return shapes.map((shape, index) => ({
    shape,
    rows: rows[index] ?? 0,
    ...summarizeLatencies(timings[index] ?? []),
  }));
}
