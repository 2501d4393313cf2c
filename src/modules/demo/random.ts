/** A seeded generator: the same seed builds the same desk, so two runs compare like with like. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast and good enough for test data (not for secrets). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("cannot pick from an empty list");
      return item;
    },
  };
}

/**
 * Draws from `items` with the given relative weights. Built once, drawn many times: a binary search
 * over cumulative weights keeps a 100k-ticket seed from spending its time choosing.
 */
export function weightedSampler<T>(random: Random, entries: readonly (readonly [T, number])[]): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of entries) {
    total += weight;
    cumulative.push(total);
  }
  return () => {
    const target = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) <= target) low = middle + 1;
      else high = middle;
    }
    const entry = entries[low];
    if (!entry) throw new Error("cannot sample from an empty list");
    return entry[0];
  };
}

/** Zipf's law: the item of rank r is drawn with weight 1/r^exponent — a few common, a long rare tail. */
export function zipfSampler<T>(random: Random, items: readonly T[], exponent: number): () => T {
  return weightedSampler(
    random,
    items.map((item, index) => [item, 1 / (index + 1) ** exponent] as const),
  );
}
