import type { CustomerTicketVisibility, Plan, Stage } from "./organization.js";
import type { OrganizationRow } from "./organization-repository.js";

export interface OrganizationView {
  id: string;
  name: string;
  domains: string[];
  plan: Plan;
  stage: Stage;
  notes: string;
  customerTicketVisibility: CustomerTicketVisibility;
  createdAt: string;
  updatedAt: string;
}

export function presentOrganization(row: OrganizationRow): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    domains: row.domains,
    plan: row.plan as Plan,
    stage: row.stage as Stage,
    notes: row.notes,
    customerTicketVisibility: row.customer_ticket_visibility as CustomerTicketVisibility,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
