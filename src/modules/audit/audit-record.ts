import { createHash } from "node:crypto";

/** The hash the first record points back to: there is nothing before it. */
export const genesisHash = "0".repeat(64);

/**
 * One audit record as the API, the export and the verifier see it. `before` and `after` hold only
 * the fields that changed, secrets redacted; `hash` seals every other field and `prevHash`.
 */
export interface AuditRecord {
  seq: number;
  id: string;
  at: string;
  actor: { kind: string; id: string | null; role: string | null; display: string };
  channel: string;
  origin: { ip: string | null; userAgent: string | null; tokenId: string | null };
  action: string;
  target: { type: string; id: string | null };
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/**
 * JSON with object keys sorted at every depth and `undefined` dropped: the same value always
 * serializes to the same text, whatever order its fields were built in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = sortKeys(item);
    }
    return sorted;
  }
  return value;
}

/**
 * SHA-256 over a fixed-order array of every field but the hash itself. A version tag leads, so a
 * later change of the layout cannot be mistaken for tampering with old records.
 */
export function hashRecord(record: Omit<AuditRecord, "hash">): string {
  const sealed = [
    "tend-audit-v1",
    record.seq,
    record.id,
    record.at,
    record.actor.kind,
    record.actor.id,
    record.actor.role,
    record.actor.display,
    record.channel,
    record.origin.ip,
    record.origin.userAgent,
    record.origin.tokenId,
    record.action,
    record.target.type,
    record.target.id,
    canonicalJson(record.before ?? null),
    canonicalJson(record.after ?? null),
    record.prevHash,
  ];
  return createHash("sha256").update(JSON.stringify(sealed)).digest("hex");
}

export interface ChainLink {
  seq: number;
  hash: string;
}

export type ChainVerdict =
  | { intact: true; count: number; last: ChainLink }
  | { intact: false; count: number; brokenAt: number; reason: string };

/**
 * Checks records in seq order against the link before them: each must follow by exactly one, point
 * at the previous hash and carry its own correct hash. Pure, so it verifies the database, an
 * export or a test's doctored copy alike; feed batches by passing the last link back as `from`.
 */
export function verifyChain(
  records: Iterable<AuditRecord>,
  from: ChainLink = { seq: 0, hash: genesisHash },
): ChainVerdict {
  let previous = from;
  let count = 0;
  for (const record of records) {
    const expectedSeq = previous.seq + 1;
    if (record.seq !== expectedSeq) {
      const reason =
        record.seq > expectedSeq
          ? `records ${expectedSeq}–${record.seq - 1} are missing`
          : `seq ${record.seq} comes after ${previous.seq}`;
      return { intact: false, count, brokenAt: expectedSeq, reason };
    }
    if (record.prevHash !== previous.hash) {
      return {
        intact: false,
        count,
        brokenAt: record.seq,
        reason: "its previous-hash does not match the record before it",
      };
    }
    if (hashRecord(record) !== record.hash) {
      return { intact: false, count, brokenAt: record.seq, reason: "its contents do not match its hash" };
    }
    previous = { seq: record.seq, hash: record.hash };
    count += 1;
  }
  return { intact: true, count, last: previous };
}

/** The chain head names the last record appended: a log that ends earlier lost its tail. */
export function checkChainEnd(last: ChainLink, head: ChainLink): ChainVerdict | undefined {
  if (last.seq === head.seq && last.hash === head.hash) return undefined;
  if (last.seq < head.seq) {
    return {
      intact: false,
      count: last.seq,
      brokenAt: last.seq + 1,
      reason: `the chain head names record ${head.seq}, but the log ends at ${last.seq}`,
    };
  }
  return {
    intact: false,
    count: last.seq,
    brokenAt: head.seq === last.seq ? last.seq : head.seq + 1,
    reason: "the chain head does not match the last record",
  };
}
