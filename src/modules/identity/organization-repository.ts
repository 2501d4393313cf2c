import type { DbExecutor } from "../../db/database.js";
import type { OrganizationsTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { TenantScope } from "./tenant-scope.js";

export type OrganizationRow = OrganizationsTable & { domains: string[] };

export async function insertOrganization(db: DbExecutor, row: OrganizationRow): Promise<void> {
  const { domains, ...organization } = row;
  await db.insertInto("organizations").values(organization).execute();
  await replaceDomains(db, row.id, domains);
}

export async function updateOrganizationRow(db: DbExecutor, row: OrganizationRow): Promise<void> {
  const { domains, id, ...changes } = row;
  await db.updateTable("organizations").set(changes).where("id", "=", id).execute();
  await replaceDomains(db, id, domains);
}

async function replaceDomains(db: DbExecutor, organizationId: string, domains: string[]): Promise<void> {
  await db.deleteFrom("organization_domains").where("organization_id", "=", organizationId).execute();
  if (domains.length > 0) {
    await db
      .insertInto("organization_domains")
      .values(domains.map((domain) => ({ domain, organization_id: organizationId })))
      .execute();
  }
}

export async function findOrganizationById(db: DbExecutor, id: string): Promise<OrganizationRow | undefined> {
  const row = await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return { ...row, domains: await domainsOf(db, id) };
}

export async function findOrganizationIdByDomain(
  db: DbExecutor,
  domain: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("organization_domains")
    .select("organization_id")
    .where("domain", "=", domain.toLowerCase())
    .executeTakeFirst();
  return row?.organization_id;
}

/** Which of `domains` already belong to an organization other than `exceptOrganizationId`. */
export async function domainsTakenElsewhere(
  db: DbExecutor,
  domains: string[],
  exceptOrganizationId: string | null,
): Promise<string[]> {
  if (domains.length === 0) return [];
  let query = db.selectFrom("organization_domains").select("domain").where("domain", "in", domains);
  if (exceptOrganizationId) query = query.where("organization_id", "!=", exceptOrganizationId);
  return (await query.execute()).map((r) => r.domain);
}

export async function organizationNameTaken(
  db: DbExecutor,
  name: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("organizations").select("id").where("name", "=", name);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

async function domainsOf(db: DbExecutor, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("organization_domains")
    .select("domain")
    .where("organization_id", "=", organizationId)
    .orderBy("domain")
    .execute();
  return rows.map((r) => r.domain);
}

export interface OrganizationListQuery {
  limit: number;
  after?: CursorPosition;
}

export async function listOrganizationRows(
  db: DbExecutor,
  scope: TenantScope,
  query: OrganizationListQuery,
): Promise<OrganizationRow[]> {
  // A customer in no organization has none to list.
  if (scope.kind === "requester") return [];
  let select = db.selectFrom("organizations").selectAll();
  if (scope.kind === "organization") select = select.where("id", "=", scope.organizationId);
  if (query.after) {
    const after = query.after;
    select = select.where((eb) =>
      eb.or([
        eb("name", ">", String(after.value)),
        eb.and([eb("name", "=", String(after.value)), eb("id", ">", after.id)]),
      ]),
    );
  }
  const rows = await select.orderBy("name").orderBy("id").limit(query.limit).execute();
  if (rows.length === 0) return [];
  const domainRows = await db
    .selectFrom("organization_domains")
    .selectAll()
    .where(
      "organization_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("domain")
    .execute();
  return rows.map((row) => ({
    ...row,
    domains: domainRows.filter((d) => d.organization_id === row.id).map((d) => d.domain),
  }));
}
