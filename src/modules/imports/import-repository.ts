import type { DbExecutor } from "../../db/database.js";
import type { TenantScope } from "../identity/tenant-scope.js";

// The reads an import needs to match what the desk holds already; it acts for the operator over
// every organization, so its scope is always the system's.

export async function takenTicketNumbers(
  db: DbExecutor,
  _scope: TenantScope,
  numbers: number[],
): Promise<Set<number>> {
  const taken = new Set<number>();
  for (let start = 0; start < numbers.length; start += 500) {
    const rows = await db
      .selectFrom("tickets")
      .select("number")
      .where("number", "in", numbers.slice(start, start + 500))
      .execute();
    for (const row of rows) taken.add(row.number);
  }
  return taken;
}

export async function findOrganizationIdByName(
  db: DbExecutor,
  _scope: TenantScope,
  name: string,
): Promise<string | undefined> {
  const row = await db.selectFrom("organizations").select("id").where("name", "=", name).executeTakeFirst();
  return row?.id;
}
