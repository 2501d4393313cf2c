import type { Tables } from "../../db/tables.js";
import type { Actor } from "./actor.js";
import { isStaff, requireAuthenticated } from "./identity-policy.js";

declare const tenantScopeBrand: unique symbol;

/**
 * The tables holding one organization's data: customers, their tickets and everything hanging off
 * a ticket, their SLA exceptions, their mail. A repository function that reads one of them takes a
 * `TenantScope`, or sits on the reviewed allow-list in test/security/tenant-scope-lint.test.ts.
 */
export const tenantTables = [
  "organizations",
  "organization_domains",
  "people",
  "tickets",
  "ticket_tags",
  "comments",
  "ticket_events",
  "ticket_search",
  "sla_clocks",
  "sla_customer_exceptions",
  "ticket_health_flags",
  "raw_emails",
  "attachments",
  "uploads",
  "email_messages",
  "ticket_followers",
  // A debrief's items copy a ticket's subject and excerpts of the customer's and the team's words.
  "handoff_debrief_items",
  // A ticket's link to a GitHub issue and its "needs engineering" flag.
  "ticket_engineering",
] as const satisfies readonly (keyof Tables)[];

/**
 * Which organizations' data a query may touch: a customer's organization, only their own tickets
 * when they belong to none or their organization shows each customer only theirs, or everything for staff and the system. Every repository function that
 * reads a tenant table takes one (test/security/tenant-scope-lint.test.ts fails CI otherwise), and
 * the brand means one cannot be written as a literal: it comes from the actor (`tenantScopeOf`) or,
 * visibly, from `systemScope`.
 */
export type TenantScope = ScopeShape & { readonly [tenantScopeBrand]: true };

type ScopeShape =
  | { kind: "all" }
  | { kind: "organization"; organizationId: string }
  | { kind: "requester"; requesterId: string };

const branded = (scope: ScopeShape) => scope as TenantScope;

export function tenantScopeOf(actor: Actor): TenantScope {
  requireAuthenticated(actor);
  if (isStaff(actor) || actor.kind !== "person") return branded({ kind: "all" });
  return actor.organizationId && actor.ticketVisibility !== "requester"
    ? branded({ kind: "organization", organizationId: actor.organizationId })
    : branded({ kind: "requester", requesterId: actor.personId });
}

/**
 * Every organization's data, for code that acts for nobody in particular: timers, inbound mail
 * before it knows its sender, operators' commands. The reason says which, so a reviewer reading a
 * call sees at once whether it belongs in request handling (it does not).
 */
export function systemScope(_reason: string): TenantScope {
  return branded({ kind: "all" });
}
