import { canonicalJson } from "./audit-record.js";

/** What stands in for a secret in an audit record: the record shows that it changed, never its value. */
export const redacted = "[redacted]";

// Field names that hold credentials anywhere in Tend: password hashes, token hashes and the token
// shown once at issue, session ids, TOTP secrets and recovery codes.
const secretField =
  /password|passphrase|secret|totp|recovery|^token$|token_?hash|id_?hash|session_?id|api_?key|cookie|authorization/i;

/** A deep copy of `value` with every secret-named field replaced, at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] =
        secretField.test(key) && item !== null && item !== undefined ? redacted : redactSecrets(item);
    }
    return copy;
  }
  return value;
}

/**
 * Keeps only the fields whose value differs between `before` and `after`, so a record says what
 * changed rather than restating the whole row. Either side may be absent (a creation, a deletion).
 */
export function changedFields(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (!before || !after) return { before: before ?? null, after: after ?? null };
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null)) {
      changedBefore[key] = before[key] ?? null;
      changedAfter[key] = after[key] ?? null;
    }
  }
  return { before: changedBefore, after: changedAfter };
}
