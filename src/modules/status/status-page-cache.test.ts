import { describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock.js";
import { etagMatches, representationOf, StatusPageCache, statusPageChanged } from "./status-page-cache.js";

/** A loader whose reads the test releases one at a time, counting them. */
function gatedLoader() {
  let version = 0;
  let release: (() => void) | null = null;
  const loader = {
    loads: 0,
    load: async () => {
      loader.loads += 1;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      version += 1;
      return version;
    },
    release: () => {
      release?.();
      release = null;
    },
  };
  return loader;
}

const render = (snapshot: number) => representationOf(`snapshot ${snapshot}`, "text/plain");

describe("StatusPageCache", () => {
  it("reads once for many waiting requests, then serves old bytes while one stale rebuild runs", async () => {
    const clock = new ManualClock();
    const loader = gatedLoader();
    const cache = new StatusPageCache({ clock, maxAgeMs: 5000, load: loader.load });
    const first = Promise.all(Array.from({ length: 20 }, () => cache.representation("page", render)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    loader.release();
    const bodies = (await first).map((rep) => rep.body.toString());
    expect(new Set(bodies)).toEqual(new Set(["snapshot 1"]));
    expect(loader.loads).toBe(1);

    clock.advance(5001);
    const during = await Promise.all(Array.from({ length: 20 }, () => cache.representation("page", render)));
    expect(new Set(during.map((rep) => rep.body.toString()))).toEqual(new Set(["snapshot 1"]));
    expect(loader.loads).toBe(2);
    loader.release();
    await cache.settled();
    expect((await cache.representation("page", render)).body.toString()).toBe("snapshot 2");
  });

  it("waits for a fresh snapshot after a change in this process", async () => {
    const clock = new ManualClock();
    const loader = gatedLoader();
    const cache = new StatusPageCache({ clock, maxAgeMs: 5000, load: loader.load });
    const first = cache.representation("page", render);
    await new Promise((resolve) => setTimeout(resolve, 0));
    loader.release();
    const before = await first;
    statusPageChanged();
    const after = cache.representation("page", render);
    await new Promise((resolve) => setTimeout(resolve, 0));
    loader.release();
    expect((await after).body.toString()).toBe("snapshot 2");
    expect((await after).etag).not.toBe(before.etag);
  });

  it("compares If-None-Match as RFC 9110 says", () => {
    const { etag } = representationOf("x", "text/plain");
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`"other", W/${etag}`, etag)).toBe(true);
    expect(etagMatches("*", etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });
});
