import { describe, expect, it } from "vitest";
import {
  type AuditRecord,
  canonicalJson,
  checkChainEnd,
  contentDigest,
  erasedContent,
  genesisHash,
  hashRecord,
  redactRecord,
  verifyChain,
} from "./audit-record.js";
import { changedFields, redacted, redactSecrets } from "./audit-redaction.js";

/** A well-formed chain of `length` records, built the way recordAudit seals them. */
function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = genesisHash;
  for (let seq = 1; seq <= length; seq += 1) {
    const personal = {
      actor: { kind: "person", id: "agent-1", role: "agent", display: "Ada <ada@support.example>" },
      origin: { ip: "203.0.113.7", userAgent: "curl/8", tokenId: null },
      before: { status: "new" },
      after: { status: "open", assignee_id: `agent-${seq}` },
    };
    const salt = `salt-${seq}`;
    const unsealed: Omit<AuditRecord, "hash"> = {
      ...personal,
      seq,
      id: `record-${seq}`,
      at: new Date(Date.UTC(2026, 10, 23, 9, seq)).toISOString(),
      channel: "api",
      action: "ticket.updated",
      target: { type: "ticket", id: "ticket-1" },
      contentDigest: contentDigest(personal, salt),
      salt,
      prevHash,
    };
    const record = { ...unsealed, hash: hashRecord(unsealed) };
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}

describe("the audit chain verifier", () => {
  it("accepts an untouched chain and reports its last link", () => {
    const records = chain(5);
    expect(verifyChain(records)).toEqual({
      intact: true,
      count: 5,
      last: { seq: 5, hash: records[4]?.hash },
    });
  });

  it("names the record whose contents were changed", () => {
    const records = chain(6);
    const doctored = records.map((r) => (r.seq === 4 ? { ...r, after: { status: "solved" } } : r));
    expect(verifyChain(doctored)).toMatchObject({
      intact: false,
      brokenAt: 4,
      count: 3,
      reason: "its contents do not match its hash",
    });
  });

  it("names the record after one that was rehashed to hide a change", () => {
    const records = chain(6);
    const doctored = records.map((r) => {
      if (r.seq !== 3) return r;
      const changed = { ...r, origin: { ...r.origin, ip: "198.51.100.1" } };
      const resealed = { ...changed, contentDigest: contentDigest(changed, r.salt ?? "") };
      return { ...resealed, hash: hashRecord(resealed) };
    });
    expect(verifyChain(doctored)).toMatchObject({
      intact: false,
      brokenAt: 4,
      reason: expect.stringMatching(/previous-hash/),
    });
  });

  it("still verifies a chain whose records were redacted, which keep no trace of what they held", () => {
    const records = chain(5).map((r) => (r.seq === 2 || r.seq === 4 ? redactRecord(r) : r));
    expect(verifyChain(records)).toMatchObject({ intact: true, count: 5 });
    const redactedRecord = records[1] as AuditRecord;
    expect(redactedRecord).toMatchObject({
      actor: { display: erasedContent },
      origin: { ip: null, userAgent: null },
      before: erasedContent,
      after: erasedContent,
      salt: null,
    });
    expect(JSON.stringify(redactedRecord)).not.toMatch(/Ada|ada@|203\.0\.113|curl|agent-2/);
  });

  it("refuses a redacted record that shows anything but the marker", () => {
    const records = chain(3).map((r) =>
      r.seq === 2 ? { ...redactRecord(r), after: { status: "solved" } } : r,
    );
    expect(verifyChain(records)).toMatchObject({
      intact: false,
      brokenAt: 2,
      reason: "its contents do not match its hash",
    });
  });

  it("notices a removed record and a reordered pair", () => {
    const records = chain(5);
    expect(verifyChain(records.filter((r) => r.seq !== 3))).toMatchObject({ intact: false, brokenAt: 3 });
    const swapped = [records[0], records[2], records[1], records[3]] as AuditRecord[];
    expect(verifyChain(swapped)).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it("verifies in batches when given the last link of the batch before", () => {
    const records = chain(7);
    const first = verifyChain(records.slice(0, 3));
    if (!first.intact) throw new Error("first batch should verify");
    expect(verifyChain(records.slice(3), first.last)).toMatchObject({ intact: true, count: 4 });
  });

  it("notices a log that ends before its chain head", () => {
    const records = chain(4);
    const last = { seq: 3, hash: records[2]?.hash ?? "" };
    expect(checkChainEnd(last, { seq: 4, hash: records[3]?.hash ?? "" })).toMatchObject({ brokenAt: 4 });
    expect(checkChainEnd(last, last)).toBeUndefined();
  });

  it("serializes the same value the same way whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });
});

describe("what an audit record may show", () => {
  it("redacts password hashes, token hashes, issued tokens, session ids and TOTP secrets at any depth", () => {
    const value = redactSecrets({
      name: "Ada",
      password_hash: "$argon2id$v=19$secret",
      token_hash: "9f86d081884c7d659a2feaa0c55ad015",
      token: "tend_abc",
      tokenId: "0191-token",
      totp_secret: "JBSWY3DPEHPK3PXP",
      nested: { id_hash: "abc", sessionSecret: "s", scopes: "write", recovery_codes: ["a"] },
    });
    expect(value).toEqual({
      name: "Ada",
      password_hash: redacted,
      token_hash: redacted,
      token: redacted,
      tokenId: "0191-token",
      totp_secret: redacted,
      nested: { id_hash: redacted, sessionSecret: redacted, scopes: "write", recovery_codes: redacted },
    });
    expect(JSON.stringify(value)).not.toMatch(/argon2|JBSWY3|tend_abc|9f86d08/);
  });

  it("keeps only the fields that changed", () => {
    expect(
      changedFields({ name: "Ada", role: "agent", tags: ["a"] }, { name: "Ada", role: "admin", tags: ["a"] }),
    ).toEqual({ before: { role: "agent" }, after: { role: "admin" } });
    expect(changedFields(undefined, { name: "Ada" })).toEqual({ before: null, after: { name: "Ada" } });
  });
});
