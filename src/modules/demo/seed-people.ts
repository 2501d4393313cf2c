import type { Insertable } from "kysely";
import type { Db } from "../../db/database.js";
import type { GroupMembershipsTable, GroupsTable, OrganizationsTable, PeopleTable } from "../../db/tables.js";
import { newId } from "../../shared/ids.js";
import { findGroupByName } from "../identity/group-repository.js";
import { type Plan, plans } from "../identity/organization.js";
import { insertInBatches } from "./insert-in-batches.js";
import type { Random } from "./random.js";

/** Who the seeded tickets are about and who works them. */
export interface SeededPeople {
  organizations: { id: string; plan: Plan; stage: string; customerIds: string[] }[];
  /** Customers whose email domain belongs to no organization. */
  unaffiliatedCustomerIds: string[];
  agentIds: string[];
  /** Group names to ids: the two the migrations seed, and three more a grown desk adds. */
  groupIds: Map<string, string>;
}

const organizationCount = 200;
const agentCount = 50;
const unaffiliatedCustomerCount = 500;
export const addedGroupNames = ["Billing", "Onboarding", "Security"];

export async function seedPeople(db: Db, random: Random, now: string): Promise<SeededPeople> {
  const organizations: Insertable<OrganizationsTable>[] = [];
  const people: Insertable<PeopleTable>[] = [];
  const person = (name: string, email: string, role: string, organizationId: string | null): string => {
    const id = newId();
    people.push({
      id,
      organization_id: organizationId,
      name,
      email,
      role,
      time_zone: "UTC",
      password_hash: null,
      created_at: now,
      updated_at: now,
    });
    return id;
  };

  const seeded: SeededPeople = {
    organizations: [],
    unaffiliatedCustomerIds: [],
    agentIds: [],
    groupIds: new Map(),
  };
  for (let index = 1; index <= organizationCount; index += 1) {
    const label = String(index).padStart(3, "0");
    const id = newId();
    const plan = random.pick(plans);
    const stage = random.chance(0.85) ? "customer" : "pre_sales";
    organizations.push({
      id,
      name: `Customer ${label} Ltd`,
      plan,
      stage,
      notes: "",
      customer_ticket_visibility: "organization",
      created_at: now,
      updated_at: now,
    });
    const customerIds = Array.from({ length: random.int(5, 40) }, (_, n) =>
      person(`Customer ${label} person ${n + 1}`, `person${n + 1}@org${label}.example`, "customer", id),
    );
    seeded.organizations.push({ id, plan, stage, customerIds });
  }
  for (let index = 1; index <= unaffiliatedCustomerCount; index += 1) {
    seeded.unaffiliatedCustomerIds.push(
      person(`Visitor ${index}`, `visitor${index}@mail.example`, "customer", null),
    );
  }
  for (let index = 1; index <= agentCount; index += 1) {
    const label = String(index).padStart(2, "0");
    seeded.agentIds.push(person(`Agent ${label}`, `agent${label}@tend.bench`, "agent", null));
  }

  const groups: Insertable<GroupsTable>[] = addedGroupNames.map((name) => ({
    id: newId(),
    name,
    description: `${name} specialists`,
    created_at: now,
    updated_at: now,
  }));
  for (const group of groups) seeded.groupIds.set(group.name, group.id);
  for (const name of ["Tier 1", "Platform experts"]) {
    const group = await findGroupByName(db, name);
    if (!group) throw new Error(`the migrations should have seeded the group "${name}"`);
    seeded.groupIds.set(name, group.id);
  }
  const groupIds = [...seeded.groupIds.values()];
  const memberships: Insertable<GroupMembershipsTable>[] = seeded.agentIds.flatMap((personId, index) => {
    const home = groupIds[index % groupIds.length] ?? "";
    const second = random.pick(groupIds);
    return second === home
      ? [{ group_id: home, person_id: personId }]
      : [
          { group_id: home, person_id: personId },
          { group_id: second, person_id: personId },
        ];
  });

  await db.transaction().execute(async (tx) => {
    await insertInBatches(organizations, (batch) => tx.insertInto("organizations").values(batch).execute());
    await insertInBatches(
      organizations.map((o, index) => ({
        domain: `org${String(index + 1).padStart(3, "0")}.example`,
        organization_id: o.id,
      })),
      (batch) => tx.insertInto("organization_domains").values(batch).execute(),
    );
    await insertInBatches(people, (batch) => tx.insertInto("people").values(batch).execute());
    await insertInBatches(groups, (batch) => tx.insertInto("groups").values(batch).execute());
    await insertInBatches(memberships, (batch) => tx.insertInto("group_memberships").values(batch).execute());
  });
  return seeded;
}
