import type { DbExecutor } from "../../db/database.js";
import type { UploadsTable } from "../../db/tables.js";

export type UploadRow = UploadsTable;

export async function insertUpload(db: DbExecutor, row: UploadRow): Promise<void> {
  await db.insertInto("uploads").values(row).execute();
}

/**
 * Takes these uploads out of the pending table, as long as they are the uploader's and younger
 * than `createdAfter`, and returns the ones taken. One `DELETE … RETURNING`: of two transactions
 * claiming the same upload, the second waits for the first's row lock and then finds nothing.
 */
export async function takeUploads(
  db: DbExecutor,
  claim: { uploaderId: string; ids: string[]; createdAfter: string },
): Promise<UploadRow[]> {
  if (claim.ids.length === 0) return [];
  return db
    .deleteFrom("uploads")
    .where("id", "in", claim.ids)
    .where("uploader_id", "=", claim.uploaderId)
    .where("created_at", ">", claim.createdAfter)
    .returningAll()
    .execute();
}

/** Deletes the uploads nobody claimed by `createdBefore` and returns the ids it deleted. */
export async function deleteUnclaimedUploads(db: DbExecutor, createdBefore: string): Promise<string[]> {
  const rows = await db
    .deleteFrom("uploads")
    .where("created_at", "<=", createdBefore)
    .returning("id")
    .execute();
  return rows.map((row) => row.id);
}

/** A person's pending uploads: counted for an erasure's dry run, deleted by the erasure. */
export async function countUploadsOf(db: DbExecutor, uploaderId: string): Promise<number> {
  const row = await db
    .selectFrom("uploads")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("uploader_id", "=", uploaderId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteUploadsOf(db: DbExecutor, uploaderId: string): Promise<string[]> {
  const rows = await db
    .deleteFrom("uploads")
    .where("uploader_id", "=", uploaderId)
    .returning("sha256")
    .execute();
  return [...new Set(rows.map((row) => row.sha256))];
}
