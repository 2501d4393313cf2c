// Loaded into a bench's `tend serve` (`node --expose-gc --import`): on SIGUSR2, a full garbage
// collection, then the heap's spaces written to BENCH_HEAP_PROBE_FILE. RSS cannot tell memory a
// process keeps from garbage V8 has not collected yet; the heap right after a full collection can.
import { writeFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

const file = process.env.BENCH_HEAP_PROBE_FILE;
if (file && typeof globalThis.gc === "function") {
  let probe = 0;
  process.on("SIGUSR2", () => {
    globalThis.gc();
    probe += 1;
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]),
    );
    writeFileSync(file, JSON.stringify({ probe, spaces, ...process.memoryUsage() }));
  });
}
