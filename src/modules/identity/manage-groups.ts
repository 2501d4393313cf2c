import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import {
  addMembership,
  findGroupById,
  findGroupByName,
  type GroupRow,
  insertGroup,
  listGroupRows,
  memberIdsByGroup,
  removeMembership,
} from "./group-repository.js";
import { requireAdmin, requireStaff } from "./identity-policy.js";
import { findPersonById } from "./person-repository.js";

export interface GroupView {
  id: string;
  name: string;
  description: string;
  memberIds: string[];
  createdAt: string;
  updatedAt: string;
}

function presentGroup(row: GroupRow, memberIds: string[]): GroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listGroups(ctx: Context): Promise<GroupView[]> {
  requireStaff(ctx.actor);
  const rows = await listGroupRows(ctx.db);
  const members = await memberIdsByGroup(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => presentGroup(row, members.get(row.id) ?? []));
}

export async function getGroup({ ctx, id }: { ctx: Context; id: string }): Promise<GroupView> {
  requireStaff(ctx.actor);
  const row = await findGroupById(ctx.db, id);
  if (!row) throw new NotFoundError(`No group ${id}.`);
  const members = await memberIdsByGroup(ctx.db, [id]);
  return presentGroup(row, members.get(id) ?? []);
}

export async function createGroup({
  ctx,
  input,
}: {
  ctx: Context;
  input: { name: string; description?: string };
}): Promise<GroupView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const name = input.name.trim();
    if (await findGroupByName(tx.db, name))
      throw new ConflictError(`A group named "${name}" already exists.`);
    const now = tx.clock.now().toISOString();
    const row: GroupRow = {
      id: newId(),
      name,
      description: input.description ?? "",
      created_at: now,
      updated_at: now,
    };
    await insertGroup(tx.db, row);
    await recordAudit(tx, { action: "group.created", targetType: "group", targetId: row.id, after: row });
    return presentGroup(row, []);
  });
}

/** Only agents and admins sit in groups: a group is a queue the support team works. */
export async function addGroupMember({
  ctx,
  groupId,
  personId,
}: {
  ctx: Context;
  groupId: string;
  personId: string;
}): Promise<GroupView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    if (!(await findGroupById(tx.db, groupId))) throw new NotFoundError(`No group ${groupId}.`);
    const person = await findPersonById(tx.db, personId);
    if (!person) throw ValidationError.field("personId", `no person ${personId}`);
    if (person.role === "customer")
      throw ValidationError.field("personId", "customers cannot join a support group");
    await addMembership(tx.db, groupId, personId);
    await recordAudit(tx, {
      action: "group.member_added",
      targetType: "group",
      targetId: groupId,
      after: { personId },
    });
    return getGroup({ ctx: tx, id: groupId });
  });
}

export async function removeGroupMember({
  ctx,
  groupId,
  personId,
}: {
  ctx: Context;
  groupId: string;
  personId: string;
}): Promise<GroupView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    if (!(await findGroupById(tx.db, groupId))) throw new NotFoundError(`No group ${groupId}.`);
    await removeMembership(tx.db, groupId, personId);
    await recordAudit(tx, {
      action: "group.member_removed",
      targetType: "group",
      targetId: groupId,
      before: { personId },
    });
    return getGroup({ ctx: tx, id: groupId });
  });
}
