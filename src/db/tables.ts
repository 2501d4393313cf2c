import type { Generated } from "kysely";

/** Kysely's view of the schema. Only repositories import these; the outside sees presenters' types. */

export interface OrganizationsTable {
  id: string;
  name: string;
  plan: string;
  stage: string;
  notes: string;
  created_at: string;
  updated_at: string;
}

export interface OrganizationDomainsTable {
  domain: string;
  organization_id: string;
}

export interface PeopleTable {
  id: string;
  organization_id: string | null;
  name: string;
  email: string;
  role: string;
  time_zone: string;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupsTable {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface GroupMembershipsTable {
  group_id: string;
  person_id: string;
}

export interface SessionsTable {
  id_hash: string;
  person_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  person_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** JSON array of "read" | "write" | "admin". */
  scopes: string;
  expires_at: string | null;
}

/** Failed sign-ins per account or per address, for lockouts that hold across processes. */
export interface SignInThrottlesTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface TicketsTable {
  id: string;
  number: number;
  subject: string;
  requester_id: string;
  organization_id: string | null;
  channel: string;
  status: string;
  severity: string;
  category: string;
  group_id: string | null;
  assignee_id: string | null;
  follow_up_of_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
  solved_at: string | null;
  closed_at: string | null;
  next_sla_due_at: string | null;
}

export interface TicketTagsTable {
  ticket_id: string;
  tag: string;
}

export interface CommentsTable {
  id: string;
  ticket_id: string;
  author_id: string;
  visibility: string;
  channel: string;
  body_text: string;
  body_html: string;
  created_at: string;
  summary: string | null;
  next_steps: string | null;
  qualifying: number;
  qualifying_reason: string | null;
  workaround: number;
}

export interface TicketEventsTable {
  id: string;
  ticket_id: string;
  actor_id: string | null;
  channel: string;
  kind: string;
  field: string | null;
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
  created_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: Generated<number>;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface JobSchedulesTable {
  name: string;
  kind: string;
  interval_ms: number;
  next_run_at: string;
}

export interface TicketSearchTable {
  ticket_id: string;
  visibility: string;
}

export interface BusinessCalendarsTable {
  id: string;
  name: string;
  /** JSON: the BusinessCalendar definition (time zone, weekly windows, holidays, overrides, closures). */
  definition: string;
  created_at: string;
  updated_at: string;
}

export interface SlaPoliciesTable {
  id: string;
  name: string;
  position: number;
  description: string;
  /** JSON: which tickets the policy applies to. */
  conditions: string;
  /** JSON: the targets (metric, duration, calendar, pause rule, warning share). */
  targets: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SlaCustomerExceptionsTable {
  id: string;
  organization_id: string;
  policy_id: string | null;
  targets: string;
  reason: string;
  expires_at: string;
  created_at: string;
}

export interface SlaClocksTable {
  id: string;
  ticket_id: string;
  policy_id: string;
  target_key: string;
  metric: string;
  cycle: number;
  state: string;
  started_at: string;
  due_at: string | null;
  warn_at: string | null;
  achieved_at: string | null;
  breached_at: string | null;
  warned_at: string | null;
  used_ms: number;
  paused_ms: number;
  target_ms: number;
  updated_at: string;
}

export interface DomainEventsTable {
  id: string;
  kind: string;
  ticket_id: string | null;
  payload: string;
  created_at: string;
}

export interface TicketHealthSettingsTable {
  /** Always "desk": one row of settings per desk. */
  id: string;
  calendar_id: string | null;
  unacknowledged_enabled: number;
  /** "close" or a local "HH:MM". */
  unacknowledged_deadline: string;
  open_idle_enabled: number;
  open_idle_business_ms: number;
  closed_ack_enabled: number;
  closed_ack_template: string;
  closed_ack_author_id: string | null;
  defaults_installed_at: string | null;
  updated_at: string;
}

export interface TicketHealthFlagsTable {
  id: string;
  ticket_id: string;
  flag: string;
  since: string;
  due_at: string;
  raised_at: string;
  cleared_at: string | null;
}

export interface SavedRepliesTable {
  id: string;
  name: string;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  /** Strictly increasing and gap-free: the chain's order. */
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_display: string;
  channel: string;
  ip: string | null;
  user_agent: string | null;
  token_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  /** Canonical JSON of the changed fields before and after, secrets redacted. */
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  /** Always "audit": the one row appends lock. */
  id: string;
  last_seq: number;
  last_hash: string;
}

export interface Tables {
  organizations: OrganizationsTable;
  organization_domains: OrganizationDomainsTable;
  people: PeopleTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttles: SignInThrottlesTable;
  counters: CountersTable;
  tickets: TicketsTable;
  ticket_tags: TicketTagsTable;
  comments: CommentsTable;
  ticket_events: TicketEventsTable;
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  ticket_search: TicketSearchTable;
  business_calendars: BusinessCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_customer_exceptions: SlaCustomerExceptionsTable;
  sla_clocks: SlaClocksTable;
  domain_events: DomainEventsTable;
  ticket_health_settings: TicketHealthSettingsTable;
  ticket_health_flags: TicketHealthFlagsTable;
  saved_replies: SavedRepliesTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
}
