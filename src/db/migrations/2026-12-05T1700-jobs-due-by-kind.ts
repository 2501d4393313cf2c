import type { Kysely } from "kysely";

// A worker claims due jobs of the kinds it runs. With (status, run_at) it read every due job of every
// kind and dropped the others: outbound mail queued while no relay is configured piles up, and each
// claim read the whole pile (0.7 ms a claim at 2,400 waiting messages, most of an inbound message's
// database time). With the kind before run_at a claim reads only the jobs it can take. The new index
// also answers the metrics' counts by status and kind, so that index goes.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("jobs_due_by_kind").on("jobs").columns(["status", "kind", "run_at"]).execute();
  await db.schema.dropIndex("jobs_by_status_kind").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("jobs_by_status_kind").on("jobs").columns(["status", "kind"]).execute();
  await db.schema.dropIndex("jobs_due_by_kind").execute();
}
