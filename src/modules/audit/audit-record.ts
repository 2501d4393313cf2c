import { createHash } from "node:crypto";

/** The hash the first record points back to: there is nothing before it. */
export const genesisHash = "0".repeat(64);

/**
 * One audit record as the API, the export and the verifier see it. `before` and `after` hold only
 * the fields that changed, secrets redacted. The personal part (who acted, from where, before and
 * after) is sealed through `contentDigest`, a salted digest, and `hash` seals the digest with every
 * other field and `prevHash`: erasing a person deletes the personal part and the salt, the digest
 * stays and the chain still verifies, while the digest alone reveals nothing of what it sealed.
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
  /** sha256(salt ‖ canonical JSON of the personal part), hex. */
  contentDigest: string;
  /** Random per record; null once the record was redacted, which makes the digest unverifiable by design. */
  salt: string | null;
  prevHash: string;
  hash: string;
}

/** What stands in for every personal field of a redacted record. */
export const erasedContent = "[erased]";

/** The fields of a record that can hold a person's data, and that an erasure may therefore remove. */
function personalPart(record: Pick<AuditRecord, "actor" | "origin" | "before" | "after">) {
  return {
    actorDisplay: record.actor.display,
    ip: record.origin.ip,
    userAgent: record.origin.userAgent,
    before: record.before ?? null,
    after: record.after ?? null,
  };
}

export function contentDigest(
  record: Pick<AuditRecord, "actor" | "origin" | "before" | "after">,
  salt: string,
): string {
  return createHash("sha256")
    .update(salt)
    .update(canonicalJson(personalPart(record)))
    .digest("hex");
}

/**
 * The record as an erasure leaves it: personal fields replaced by the marker, the salt gone, the
 * digest and the hash untouched. The database's trigger allows exactly this change and no other.
 */
export function redactRecord(record: AuditRecord): AuditRecord {
  return {
    ...record,
    actor: { ...record.actor, display: erasedContent },
    origin: { ...record.origin, ip: null, userAgent: null },
    before: erasedContent,
    after: erasedContent,
    salt: null,
  };
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

/** A redacted record shows the marker and nothing else where its personal part was. */
function isRedacted(record: AuditRecord): boolean {
  return canonicalJson(personalPart(record)) === canonicalJson(personalPart(redactRecord(record)));
}

/**
 * SHA-256 over a fixed-order array of every field but the hash itself, the personal part through
 * its digest. A version tag leads, so a later change of the layout cannot be mistaken for tampering
 * with old records. v1 sealed the personal part itself; the erasure migration rewrote every v1
 * record as v2, so no other version exists.
 */
export function hashRecord(record: Omit<AuditRecord, "hash" | "salt">): string {
  const sealed = [
    "tend-audit-v2",
    record.seq,
    record.id,
    record.at,
    record.actor.kind,
    record.actor.id,
    record.actor.role,
    record.channel,
    record.origin.tokenId,
    record.action,
    record.target.type,
    record.target.id,
    record.contentDigest,
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
    const contentMatches =
      record.salt === null ? isRedacted(record) : contentDigest(record, record.salt) === record.contentDigest;
    if (!contentMatches || hashRecord(record) !== record.hash) {
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
