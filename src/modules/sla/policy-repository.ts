import type { DbExecutor } from "../../db/database.js";
import type { SlaCustomerExceptionsTable, SlaPoliciesTable } from "../../db/tables.js";
import type { PolicyConditions, StoredTarget } from "./sla-types.js";

/** The only SQL for SLA policies and customer exceptions; JSON columns are decoded here. */

export type PolicyRow = Omit<SlaPoliciesTable, "conditions" | "targets" | "active"> & {
  conditions: PolicyConditions;
  targets: StoredTarget[];
  active: boolean;
};

export type ExceptionRow = Omit<SlaCustomerExceptionsTable, "targets"> & { targets: StoredTarget[] };

function decodePolicy(row: SlaPoliciesTable): PolicyRow {
  return {
    ...row,
    conditions: JSON.parse(row.conditions) as PolicyConditions,
    targets: JSON.parse(row.targets) as StoredTarget[],
    active: row.active === 1,
  };
}

function encodePolicy(row: PolicyRow): SlaPoliciesTable {
  return {
    ...row,
    conditions: JSON.stringify(row.conditions),
    targets: JSON.stringify(row.targets),
    active: row.active ? 1 : 0,
  };
}

export async function insertPolicy(db: DbExecutor, row: PolicyRow): Promise<void> {
  await db.insertInto("sla_policies").values(encodePolicy(row)).execute();
}

export async function updatePolicyRow(db: DbExecutor, row: PolicyRow): Promise<void> {
  const { id, ...changes } = encodePolicy(row);
  await db.updateTable("sla_policies").set(changes).where("id", "=", id).execute();
}

export async function deletePolicyRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("sla_policies").where("id", "=", id).execute();
}

export async function findPolicyById(db: DbExecutor, id: string): Promise<PolicyRow | undefined> {
  const row = await db.selectFrom("sla_policies").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? decodePolicy(row) : undefined;
}

export async function findPolicyByName(db: DbExecutor, name: string): Promise<PolicyRow | undefined> {
  const row = await db.selectFrom("sla_policies").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? decodePolicy(row) : undefined;
}

/** Policies in their order; only active ones when asked. */
export async function listPolicyRows(
  db: DbExecutor,
  options: { onlyActive?: boolean } = {},
): Promise<PolicyRow[]> {
  let query = db.selectFrom("sla_policies").selectAll();
  if (options.onlyActive) query = query.where("active", "=", 1);
  const rows = await query.orderBy("position").orderBy("id").execute();
  return rows.map(decodePolicy);
}

export async function policyNameTaken(
  db: DbExecutor,
  name: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("sla_policies").select("id").where("name", "=", name);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function countPolicies(db: DbExecutor): Promise<number> {
  const row = await db
    .selectFrom("sla_policies")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Numbers the policies 1, 2, … in the order given, writing only the rows whose position changes. */
export async function setPolicyPositions(
  db: DbExecutor,
  current: readonly { id: string; position: number }[],
  orderedIds: readonly string[],
): Promise<void> {
  const positionOf = new Map(current.map((policy) => [policy.id, policy.position]));
  for (const [index, id] of orderedIds.entries()) {
    if (positionOf.get(id) === index + 1) continue;
    await db
      .updateTable("sla_policies")
      .set({ position: index + 1 })
      .where("id", "=", id)
      .execute();
  }
}

/** Policy and exception targets that name `calendarId`, so a calendar in use is not deleted. */
export async function calendarUsers(
  db: DbExecutor,
  calendarId: string,
): Promise<{ policyNames: string[]; exceptionCount: number }> {
  // The LIKE narrows the rows; decoding confirms, so an id that merely appears in a name never counts.
  const pattern = `%${calendarId}%`;
  const uses = (targets: StoredTarget[]) => targets.some((target) => target.calendarId === calendarId);
  const policies = await db
    .selectFrom("sla_policies")
    .select(["name", "targets"])
    .where("targets", "like", pattern)
    .orderBy("position")
    .execute();
  const exceptions = await db
    .selectFrom("sla_customer_exceptions")
    .select("targets")
    .where("targets", "like", pattern)
    .execute();
  return {
    policyNames: policies.filter((row) => uses(JSON.parse(row.targets))).map((row) => row.name),
    exceptionCount: exceptions.filter((row) => uses(JSON.parse(row.targets))).length,
  };
}

function decodeException(row: SlaCustomerExceptionsTable): ExceptionRow {
  return { ...row, targets: JSON.parse(row.targets) as StoredTarget[] };
}

export async function insertException(db: DbExecutor, row: ExceptionRow): Promise<void> {
  await db
    .insertInto("sla_customer_exceptions")
    .values({ ...row, targets: JSON.stringify(row.targets) })
    .execute();
}

export async function deleteExceptionRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("sla_customer_exceptions").where("id", "=", id).execute();
}

export async function findExceptionById(db: DbExecutor, id: string): Promise<ExceptionRow | undefined> {
  const row = await db
    .selectFrom("sla_customer_exceptions")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? decodeException(row) : undefined;
}

/** An organization's exceptions, expired ones included, latest expiry first, with their policies' names. */
export async function listExceptionRows(
  db: DbExecutor,
  organizationId: string,
): Promise<(ExceptionRow & { policy_name: string | null })[]> {
  const rows = await db
    .selectFrom("sla_customer_exceptions")
    .leftJoin("sla_policies", "sla_policies.id", "sla_customer_exceptions.policy_id")
    .selectAll("sla_customer_exceptions")
    .select("sla_policies.name as policy_name")
    .where("sla_customer_exceptions.organization_id", "=", organizationId)
    .orderBy("sla_customer_exceptions.expires_at", "desc")
    .orderBy("sla_customer_exceptions.id", "desc")
    .execute();
  return rows.map((row) => ({ ...decodeException(row), policy_name: row.policy_name }));
}

/** Exceptions still in force at `now` (an ISO instant, compared as text: every stored one is toISOString()). */
export async function listExceptionsInForce(
  db: DbExecutor,
  organizationId: string,
  now: string,
): Promise<ExceptionRow[]> {
  const rows = await db
    .selectFrom("sla_customer_exceptions")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("expires_at", ">", now)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(decodeException);
}

/** Which of `ids` name an organization: policy conditions and exceptions may point at one. */
export async function existingOrganizationIds(db: DbExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("organizations")
    .select("id")
    .where("id", "in", [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}
