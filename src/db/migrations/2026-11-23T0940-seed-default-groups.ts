import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";

// The two tiers every desk we model runs: Tier 1 answers, Platform experts take escalations.
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("groups")
    .values([
      {
        id: randomUUID(),
        name: "Tier 1",
        description: "First tier: answers every new ticket",
        created_at: now,
        updated_at: now,
      },
      {
        id: randomUUID(),
        name: "Platform experts",
        description: "Second tier: takes escalations from Tier 1",
        created_at: now,
        updated_at: now,
      },
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom("groups").where("name", "in", ["Tier 1", "Platform experts"]).execute();
}
