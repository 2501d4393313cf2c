import type { Role } from "./actor.js";
import type { PersonRow } from "./person-repository.js";

export interface PersonView {
  id: string;
  name: string;
  email: string;
  role: Role;
  organizationId: string | null;
  timeZone: string;
  createdAt: string;
  updatedAt: string;
  /** When the account was deactivated; null while it is active. */
  deactivatedAt: string | null;
}

export function presentPerson(row: PersonRow): PersonView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    organizationId: row.organization_id,
    timeZone: row.time_zone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deactivatedAt: row.deactivated_at,
  };
}
