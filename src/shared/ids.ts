import { randomFillSync } from "node:crypto";

let lastMillis = 0;
let sequence = 0;

// Random bytes drawn 4 KB at a time, as crypto.randomUUID does: a call into the system's generator
// per id was a tenth of a millisecond of every stored message, which makes a dozen ids.
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;

function sixteenRandomBytes(): Buffer {
  if (randomPoolOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const bytes = Buffer.from(randomPool.subarray(randomPoolOffset, randomPoolOffset + 16));
  randomPoolOffset += 16;
  return bytes;
}

/**
 * A UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and B-tree inserts stay at the right edge.
 * Within one millisecond a 12-bit counter (method 1) keeps ids from one process in creation order,
 * which the ticket timeline relies on when several events share a millisecond.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      // Counter exhausted: borrow the next millisecond rather than lose ordering.
      lastMillis += 1;
      sequence = 0;
    }
  }
  const bytes = sixteenRandomBytes();
  const millis = lastMillis;
  bytes[0] = Math.floor(millis / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(millis / 2 ** 32) & 0xff;
  bytes[2] = (millis >>> 24) & 0xff;
  bytes[3] = (millis >>> 16) & 0xff;
  bytes[4] = (millis >>> 8) & 0xff;
  bytes[5] = millis & 0xff;
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return uuidPattern.test(value);
}
