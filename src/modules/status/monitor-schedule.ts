/**
 * When each monitor's checks are due. A monitor checks every `intervalMs` at a fixed phase within
 * its interval, taken from its id: a thousand monitors at 30 s then spread evenly over the 30 s
 * instead of all firing at once on the minute, and a restart keeps each monitor's rhythm.
 */

/** FNV-1a: a stable, well-spread hash of the monitor's id (no cryptography needed). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The monitor's offset within its interval, in [0, intervalMs). */
export function phaseOf(monitorId: string, intervalMs: number): number {
  return hashOf(monitorId) % intervalMs;
}

/** The first due instant strictly after `after`. */
export function nextDueAt(monitorId: string, intervalMs: number, after: number): number {
  const phase = phaseOf(monitorId, intervalMs);
  const cycles = Math.floor((after - phase) / intervalMs) + 1;
  return phase + cycles * intervalMs;
}

/** A binary min-heap of due checks, earliest first: the runner's queue stays O(log n) per check. */
export class DueQueue<T extends { dueAt: number }> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((items[parent] as T).dueAt <= item.dueAt) break;
      items[index] = items[parent] as T;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const first = items[0];
    const last = items.pop();
    if (first === undefined || last === undefined || items.length === 0) return first;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && (items[right] as T).dueAt < (items[left] as T).dueAt ? right : left;
      if ((items[child] as T).dueAt >= last.dueAt) break;
      items[index] = items[child] as T;
      index = child;
    }
    items[index] = last;
    return first;
  }
}
