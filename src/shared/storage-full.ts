/**
 * Storage Tend found too full before writing (less room left than a message needs): refused as the
 * file system would have refused the write, before anything was kept.
 */
export class StorageFullError extends Error {}

/**
 * Whether a failure is the storage being full — the attachment store's file system or quota, the
 * SQLite file's disk, PostgreSQL's — rather than a fault in the request or in Tend. Nothing was kept
 * (a write is whole or absent, a transaction rolled back), so the same request succeeds once space
 * is freed: an API request is answered 507, an inbound message 452, and a job is retried.
 */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  // The file system (ENOSPC) or the user's quota on it (EDQUOT); better-sqlite3's SQLITE_FULL; and
  // PostgreSQL's SQLSTATE 53100 disk_full.
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL" || code === "53100";
}
