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
  /** 'organization' | 'requester': which tickets the organization's customers see. */
  customer_ticket_visibility: string;
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
  /** When an admin (or staff, for a customer) deactivated the account; null while it is active. */
  deactivated_at: string | null;
}

/** An agent who asked not to be mailed of assignments and requesters' replies (`notifications/`). */
export interface StaffNotificationOptOutsTable {
  person_id: string;
  opted_out_at: string;
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
  sign_in_method: string;
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

/**
 * A mailed single-use link: one that lifts a staff account's lockout (`unlock_tokens`) or signs a
 * customer in to the portal (`sign_in_links`). Only the token's SHA-256 is kept.
 */
export interface SingleUseLinksTable {
  token_hash: string;
  person_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** The link's mail: queued → sent | failed, with the relay's answer. */
  delivery_state: string;
  delivery_answer: string | null;
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

/**
 * An hour (Flow) or day (Times) a write touched since its rollup was last computed; written by triggers
 * (`2026-12-07T1000-report-rollups.ts`), taken by the refresh job. Repeats are allowed.
 */
export interface ReportStalePeriodsTable {
  /** flow | durations */
  rollup: string;
  /** YYYY-MM-DDTHH (flow) or YYYY-MM-DD (durations), UTC. */
  period: string;
}

/** Flow's count of one figure in one UTC hour on one channel, as its own query answers it. */
export interface FlowHourlyCountsTable {
  figure: string;
  /** YYYY-MM-DDTHH, UTC. */
  hour: string;
  channel: string;
  count: number;
}

/** The People report's grouped counts of one source (solves, replies, CSAT, SLA) on one UTC day. */
export interface PeopleDailyCellsTable {
  source: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** JSON, as `reports/people-rollup.ts` writes it. */
  cells: string;
}

/** The durations of the clocks of one policy and metric that stopped on one UTC day, sorted. */
export interface StoppedDurationDigestsTable {
  /** YYYY-MM-DD, UTC. */
  day: string;
  policy_id: string;
  metric: string;
  count: number;
  /** Float64 little-endian, ascending. */
  business_ms: Uint8Array;
  calendar_ms: Uint8Array;
}

/** One row per SLA clock, in step with `sla_clocks`: what the SLA reports group, filter and count. */
export interface SlaReportFactsTable {
  clock_id: string;
  ticket_id: string;
  ticket_number: number;
  policy_id: string;
  metric: string;
  severity: string;
  plan: string | null;
  group_id: string | null;
  assignee_id: string | null;
  /** met | breached | open */
  outcome: string;
  settled_at: string | null;
  /** The Monday (UTC, YYYY-MM-DD) of the settling week. */
  settled_week: string | null;
  /** YYYY-MM of the settling instant. */
  settled_month: string | null;
  due_at: string | null;
  started_at: string;
  stopped_at: string | null;
  business_ms: number;
  calendar_ms: number | null;
  target_ms: number;
}

export interface DomainEventsTable {
  id: string;
  kind: string;
  ticket_id: string | null;
  payload: string;
  created_at: string;
}

export interface DomainEventSubscriptionsTable {
  job_kind: string;
  event_kind: string;
}

export interface AutomationsTable {
  id: string;
  name: string;
  enabled: number;
  /** The order automations run in for one event: ascending. */
  position: number;
  /** JSON: the ticket event kinds it fires on. */
  events: string;
  /** "all" or "any" of the conditions. */
  match: string;
  /** JSON: `AutomationCondition[]` (`automations/automation-conditions.ts`). */
  conditions: string;
  /** JSON: `AutomationAction[]` (`automations/automation-actions.ts`). */
  actions: string;
  /** The admin who saved it last: notes and replies it writes carry their name. */
  author_id: string;
  created_at: string;
  updated_at: string;
}

export interface AutomationRunsTable {
  id: string;
  automation_id: string;
  /** The domain event it ran for; unique with the automation, so a retried job runs nothing twice. */
  event_id: string;
  ticket_id: string | null;
  /** "running" while claimed, then "succeeded", "failed" (some action failed) or "skipped". */
  outcome: string;
  /** JSON: one `{ action, ok, detail }` per action. */
  results: string;
  ran_at: string;
}

export interface GroupAssignmentCursorsTable {
  group_id: string;
  /** The agent round-robin chose last in this group. */
  last_person_id: string | null;
  version: number;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  /** JSON array of domain event kinds, or `["*"]` for all. */
  event_kinds: string;
  enabled: number;
  /** The Standard Webhooks `whsec_…` secret, sealed with TEND_SECRET_KEY when set. */
  secret: string;
  /** The secret a rotation replaced, still signed with until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /** The first failed attempt since the last success; null while deliveries succeed. */
  failing_since: string | null;
  consecutive_failures: number;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_kind: string;
  /** "pending" (an attempt is due), "delivered", "failed" (retries spent or the endpoint disabled), "gone" (the event was erased). */
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  manual: number;
  at: string;
  status_code: number | null;
  response_body: string;
  error: string | null;
  duration_ms: number;
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
  /** sha256(salt ‖ personal part): what the hash seals instead of the personal fields. */
  content_digest: string;
  /** Null once an erasure redacted the record's personal fields. */
  salt: string | null;
  prev_hash: string;
  hash: string;
}

/** A ticket whose subject and messages an erasure or a retention policy replaced with a tombstone. */
export interface TicketErasuresTable {
  ticket_id: string;
  erased_at: string;
  /** "person_erased" | "retention" */
  cause: string;
}

/** How long closed tickets are kept: the desk's default (id "desk") or one organization's. */
export interface RetentionPoliciesTable {
  /** "desk", or the organization's id. */
  id: string;
  organization_id: string | null;
  /** Months after closing; null keeps closed tickets for ever. */
  closed_ticket_months: number | null;
  /** "delete" | "anonymize" */
  closed_ticket_action: string;
  /** The desk's row only: days raw inbound mail is kept once handled; null keeps it for ever. */
  raw_email_days: number | null;
  updated_at: string;
}

export interface AuditChainHeadTable {
  /** Always "audit": the one row appends lock. */
  id: string;
  last_seq: number;
  last_hash: string;
}

/** Every inbound message as it arrived, before parsing: the SMTP 250 waits for this row. */
export interface RawEmailsTable {
  id: string;
  sha256: string;
  raw: Buffer;
  size_bytes: number;
  mail_from: string | null;
  /** JSON array of envelope recipients. */
  rcpt_to: string;
  remote_address: string | null;
  received_at: string;
  /** received | processed | failed | ignored */
  status: string;
  status_reason: string | null;
  message_id: string | null;
  ticket_id: string | null;
  processed_at: string | null;
}

/** One mail of a ticket's thread, inbound or outbound, with its unique Message-ID. */
export interface EmailMessagesTable {
  id: string;
  direction: string;
  /** null only while an outbound mail waits for its first attempt. */
  message_id: string | null;
  ticket_id: string;
  comment_id: string | null;
  raw_email_id: string | null;
  from_address: string;
  from_name: string | null;
  /** JSON arrays of lower-case addresses. */
  to_addresses: string;
  cc_addresses: string;
  subject: string;
  in_reply_to: string | null;
  /** JSON array of Message-IDs. */
  reference_ids: string;
  body_text: string;
  body_html: string;
  delivery_state: string | null;
  delivery_answer: string | null;
  sent_at: string | null;
  created_at: string;
  /** Outbound only: the template that renders it (`TicketMailKind`); null for inbound mail. */
  kind?: string | null;
}

/** A file that came with a message, stored content-addressed under the data dir's attachments/. */
export interface AttachmentsTable {
  id: string;
  ticket_id: string;
  comment_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  /** 1: an inline image referred to by its Content-ID. */
  inline: number;
  content_id: string | null;
  created_at: string;
}

/** A file uploaded through the API, its uploader's until a new ticket or comment claims it. */
export interface UploadsTable {
  id: string;
  uploader_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
}

/** A person who receives a ticket's public replies by mail; following grants no access. */
export interface TicketViewsTable {
  id: string;
  name: string;
  /** JSON: the ticket-list filter (status, groupId, assignee, …). */
  filter: string;
  created_at: string;
  updated_at: string;
}

export interface TicketFollowersTable {
  ticket_id: string;
  person_id: string;
  /** "email" (on To/Cc of a message on the ticket) or "staff" (added through the API). */
  source: string;
  created_at: string;
}

/** Where the IMAP poller stands in one mailbox: UIDVALIDITY, the last stored UID, the poll lease. */
export interface ImapMailboxesTable {
  mailbox_key: string;
  uid_validity: string | null;
  /** bigint (UIDs are unsigned 32-bit): PostgreSQL's driver returns it as a string. */
  last_uid: number | string;
  lease_owner: string | null;
  lease_until: string | null;
  last_polled_at: string | null;
  /** XOAUTH2: SHA-256 of the configured refresh token the stored tokens descend from. */
  oauth_origin: string | null;
  /** Sealed (TEND_SECRET_KEY): the provider's current refresh token, and the access token until it expires. */
  oauth_refresh_token: string | null;
  oauth_access_token: string | null;
  oauth_access_expires_at: string | null;
}

export interface TwoFactorCredentialsTable {
  person_id: string;
  /** Base32 TOTP secret. */
  secret: string;
  /** Null while enrollment awaits its first code: the second factor is on only once confirmed. */
  confirmed_at: string | null;
  /** The 30-second step of the last code accepted; no code at or before it is accepted again. */
  last_accepted_step: number | null;
  created_at: string;
}

export interface RecoveryCodesTable {
  /** SHA-256 of the normalized code: the code itself is shown once and never stored. */
  code_hash: string;
  person_id: string;
  created_at: string;
  used_at: string | null;
}

/** A correct password awaiting its second factor: short-lived, single-use, dies after wrong codes. */
export interface SignInChallengesTable {
  id_hash: string;
  person_id: string;
  created_at: string;
  expires_at: string;
  failures: Generated<number>;
  /** What earned the challenge: `password` or `email_link`. */
  first_factor: Generated<string>;
}

export interface SecuritySettingsTable {
  /** Always "security": one row. */
  id: string;
  /** "none" | "admins" | "staff". */
  require_two_factor_for: string;
  updated_at: string;
}

/** A sign-in sent to the OpenID provider, awaiting its callback: single-use, short-lived. */
export interface SsoLoginAttemptsTable {
  /** SHA-256 of the `state` parameter. */
  state_hash: string;
  nonce: string;
  /** The PKCE verifier; only its S256 challenge ever left the server. */
  code_verifier: string;
  created_at: string;
  expires_at: string;
}

/** A person's identity at an OpenID provider: `iss` + `sub`, stable across email changes. */
export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  person_id: string;
  created_at: string;
  last_signed_in_at: string;
}

export interface Tables {
  organizations: OrganizationsTable;
  organization_domains: OrganizationDomainsTable;
  people: PeopleTable;
  staff_notification_opt_outs: StaffNotificationOptOutsTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttles: SignInThrottlesTable;
  unlock_tokens: SingleUseLinksTable;
  sign_in_links: SingleUseLinksTable;
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
  sla_report_facts: SlaReportFactsTable;
  report_stale_periods: ReportStalePeriodsTable;
  flow_hourly_counts: FlowHourlyCountsTable;
  stopped_duration_digests: StoppedDurationDigestsTable;
  people_daily_cells: PeopleDailyCellsTable;
  domain_events: DomainEventsTable;
  domain_event_subscriptions: DomainEventSubscriptionsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  automations: AutomationsTable;
  automation_runs: AutomationRunsTable;
  group_assignment_cursors: GroupAssignmentCursorsTable;
  ticket_health_settings: TicketHealthSettingsTable;
  ticket_health_flags: TicketHealthFlagsTable;
  saved_replies: SavedRepliesTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  retention_policies: RetentionPoliciesTable;
  ticket_erasures: TicketErasuresTable;
  sso_login_attempts: SsoLoginAttemptsTable;
  sso_identities: SsoIdentitiesTable;
  raw_emails: RawEmailsTable;
  email_messages: EmailMessagesTable;
  ticket_followers: TicketFollowersTable;
  ticket_views: TicketViewsTable;
  imap_mailboxes: ImapMailboxesTable;
  attachments: AttachmentsTable;
  uploads: UploadsTable;
  two_factor_credentials: TwoFactorCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_challenges: SignInChallengesTable;
  security_settings: SecuritySettingsTable;
  oncall_schedules: OncallSchedulesTable;
  oncall_overrides: OncallOverridesTable;
  oncall_feed_tokens: OncallFeedTokensTable;
  handoff_debriefs: HandoffDebriefsTable;
  handoff_debrief_items: HandoffDebriefItemsTable;
  escalation_policies: EscalationPoliciesTable;
  pages: PagesTable;
  page_events: PageEventsTable;
  page_action_tokens: PageActionTokensTable;
  person_page_webhooks: PersonPageWebhooksTable;
  page_slack_replies: PageSlackRepliesTable;
  paging_triggers: PagingTriggersTable;
  paging_trigger_firings: PagingTriggerFiringsTable;
  status_incident_trigger_firings: StatusIncidentTriggerFiringsTable;
  status_components: StatusComponentsTable;
  status_monitors: StatusMonitorsTable;
  status_check_results: StatusCheckResultsTable;
  status_minute_rollups: StatusRollupsTable;
  status_day_rollups: StatusRollupsTable;
  status_user_impact_samples: StatusUserImpactSamplesTable;
  status_incidents: StatusIncidentsTable;
  status_incident_components: StatusIncidentComponentsTable;
  status_incident_updates: StatusIncidentUpdatesTable;
  status_maintenances: StatusMaintenancesTable;
  status_maintenance_components: StatusMaintenanceComponentsTable;
  status_maintenance_policy: StatusMaintenancePolicyTable;
  status_page_settings: StatusPageSettingsTable;
  status_incident_rule_settings: StatusIncidentRuleSettingsTable;
  status_rule_incident_claims: StatusRuleIncidentClaimsTable;
  satisfaction_settings: SatisfactionSettingsTable;
  satisfaction_surveys: SatisfactionSurveysTable;
  case_reviews: CaseReviewsTable;
  knowledge_categories: KnowledgeCategoriesTable;
  knowledge_articles: KnowledgeArticlesTable;
  knowledge_article_revisions: KnowledgeArticleRevisionsTable;
  knowledge_deflections: KnowledgeDeflectionsTable;
  frequent_question_runs: FrequentQuestionRunsTable;
  frequent_question_groups: FrequentQuestionGroupsTable;
  frequent_question_members: FrequentQuestionMembersTable;
  github_settings: GithubSettingsTable;
  ticket_engineering: TicketEngineeringTable;
  github_webhook_deliveries: GithubWebhookDeliveriesTable;
  chat_routes: ChatRoutesTable;
  chat_deliveries: ChatDeliveriesTable;
  chat_ticket_threads: ChatTicketThreadsTable;
  chat_connected_channels: ChatConnectedChannelsTable;
  chat_slack_events: ChatSlackEventsTable;
  chat_tickets: ChatTicketsTable;
  chat_slack_people: ChatSlackPeopleTable;
  status_security_checklists: StatusSecurityChecklistsTable;
  status_incident_checklist_steps: StatusIncidentChecklistStepsTable;
  status_incident_retrospectives: StatusIncidentRetrospectivesTable;
  status_incident_follow_ups: StatusIncidentFollowUpsTable;
  status_subscribers: StatusSubscribersTable;
  status_subscriber_components: StatusSubscriberComponentsTable;
  status_subscription_confirmations: StatusSubscriptionConfirmationsTable;
  status_announcement_deliveries: StatusAnnouncementDeliveriesTable;
}

export interface OncallSchedulesTable {
  id: string;
  name: string;
  time_zone: string;
  /** JSON: RotationLayer[] (src/modules/oncall/rotation.ts), participants as person ids. */
  layers: string;
  /** Slack-compatible incoming webhook for handoff announcements; a secret, never presented. */
  chat_webhook_url: string | null;
  last_announced_person_id: string | null;
  last_announced_at: string | null;
  /** The person mailed when a handoff debrief goes unacknowledged; null: nobody is. */
  support_lead_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface OncallOverridesTable {
  id: string;
  schedule_id: string;
  person_id: string;
  start_at: string;
  end_at: string;
  covers_person_id: string | null;
  /** Shared by the two overrides of a swap. */
  swap_id: string | null;
  created_by: string | null;
  created_at: string;
}

export interface OncallFeedTokensTable {
  id: string;
  /** SHA-256 of the secret in the feed's URL. */
  token_hash: string;
  schedule_id: string | null;
  person_id: string | null;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface EscalationPoliciesTable {
  id: string;
  name: string;
  /** JSON: the escalation maths' EscalationPolicy. */
  definition: string;
  /** A Slack-compatible incoming webhook each step is posted to; a secret, never shown. */
  chat_webhook_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface PagesTable {
  id: string;
  title: string;
  details: string;
  severity: string;
  ticket_id: string | null;
  policy_id: string;
  /** 'open' | 'acknowledged' | 'resolved' */
  status: string;
  /** Null when the system or the CLI opened it. */
  opened_by: string | null;
  opened_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  /** Escalation steps already notified. */
  steps_done: number;
}

export interface PageEventsTable {
  id: string;
  page_id: string;
  /** 'opened' | 'escalated' | 'notified' | 'acknowledged' | 'resolved' */
  kind: string;
  person_id: string | null;
  detail: string;
  /** What the system was doing ("escalation", "tend page (CLI)"); null when person_id acted. */
  actor: string | null;
  at: string;
}

export interface PageActionTokensTable {
  token_hash: string;
  page_id: string;
  person_id: string;
  /** 'acknowledge' | 'resolve' */
  action: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface HandoffDebriefsTable {
  id: string;
  schedule_id: string;
  outgoing_person_id: string;
  incoming_person_id: string;
  handoff_at: string;
  overall_notes: string;
  /** 'prepared' | 'completed' | 'acknowledged' */
  status: string;
  /** 'reassign' | 'follow' */
  reassign_mode: string;
  completed_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** When the support lead was told it went unacknowledged: set once, by compare-and-set. */
  lead_notified_at: string | null;
  /** When the schedule's support lead was mailed of it: set once, after the relay took the mail. */
  lead_mailed_at: string | null;
  created_at: string;
  version: number;
}

export interface HandoffDebriefItemsTable {
  debrief_id: string;
  ticket_id: string;
  position: number;
  /** The subject as prepared, for search without reaching into the tickets table. */
  ticket_subject: string;
  notes: string;
  /** JSON: the ticket as the debrief was prepared (number, subject, status, severity, clocks, updates). */
  snapshot: string;
  /** On acknowledgement: 'reassigned' | 'followed' | 'stale' | 'no_longer_open' | 'reassigned_elsewhere'. */
  outcome: string | null;
}

/** A person's own webhook for their pages; `url` is sealed (secret-box, bound to the person) with a key. */
export interface PersonPageWebhooksTable {
  person_id: string;
  url: string;
  updated_at: string;
}

/** The Slack slash command a page came from: where to say its later state changes. */
export interface PageSlackRepliesTable {
  page_id: string;
  response_url: string;
  /** "@name (U123) in #channel, team T1": the page log names the Slack user this way. */
  slack_user: string;
  created_at: string;
  expires_at: string;
}

/** "When this happens, page that policy": `kind` is one of `pagingTriggerKinds` (paging-triggers.ts). */
export interface PagingTriggersTable {
  id: string;
  kind: string;
  policy_id: string;
  /** 1 or 0. */
  enabled: number;
  created_at: string;
  updated_at: string;
}

/** A trigger's claim on an occasion (a ticket created, one of its clocks breached): one page each. */
export interface PagingTriggerFiringsTable {
  trigger_id: string;
  ticket_id: string;
  /** "created", or "breach:<sla policy>|<target>|<cycle>" for a breached clock. */
  occasion: string;
  page_id: string | null;
  fired_at: string;
}

/** A component of the status page, in a group; `manual_state` overrides what monitors say, null when unset. */
export interface StatusComponentsTable {
  id: string;
  group_name: string;
  name: string;
  description: string;
  position: number;
  /** operational | degraded | partial_outage | major_outage | under_maintenance, or null. */
  manual_state: string | null;
  /** The uptime objective its error budget is measured against (0.995). */
  uptime_target: number;
  created_at: string;
  updated_at: string;
}

/** A monitor feeding a component: `kind` http | tcp | push; `probe` is a Probe (probes.ts) as JSON, null for push. */
export interface StatusMonitorsTable {
  id: string;
  component_id: string;
  name: string;
  kind: string;
  probe: string | null;
  interval_ms: number;
  /** 1 or 0. */
  enabled: number;
  /** SHA-256 of a push monitor's token; null for http and tcp. */
  push_token_hash: string | null;
  /** The latest result counted into the rollups (epoch ms), whose span is still open. */
  last_result_at: number | null;
  last_result_up: number | null;
  created_at: string;
  updated_at: string;
}

export interface StatusCheckResultsTable {
  id: string;
  monitor_id: string;
  /** Epoch milliseconds. */
  at: number;
  up: number;
  latency_ms: number | null;
  reason: string;
}

/** Observed and good milliseconds of one monitor in one bucket (a UTC minute or day starting at `at`). */
export interface StatusRollupsTable {
  monitor_id: string;
  at: number;
  observed_ms: number;
  good_ms: number;
}

/** "N of M users saw errors" at an instant, pushed for a component. */
export interface StatusUserImpactSamplesTable {
  id: string;
  component_id: string;
  at: number;
  affected: number;
  total: number;
}

/**
 * An incident of the status page. `kind` incident | security; `state` investigating | identified | monitoring |
 * resolved; `impact` none | minor | major | critical (Statuspage's words). A security incident starts with
 * `published` 0 and the public page shows nothing of it until someone publishes it.
 */
export interface StatusIncidentsTable {
  id: string;
  title: string;
  kind: string;
  state: string;
  impact: string;
  /** 1 or 0. */
  published: number;
  /** The incident rule that opened it (incident-rules.ts's rule name), null when a person opened it. */
  fired_rule: string | null;
  /** The figures that fired the rule, as JSON; null when a person opened it. */
  fired_figures: string | null;
  opened_by: string | null;
  started_at: string;
  resolved_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface StatusIncidentComponentsTable {
  incident_id: string;
  component_id: string;
}

/**
 * One entry of an incident's log. `visibility` public | internal; `kind` update (a person's update or note),
 * opened (the rule's or person's opening), recovery_suggestion (a rule recovered: resolution suggested, the
 * incident stays as it is); `state` is the incident's state the entry announced or stood in.
 */
export interface StatusIncidentUpdatesTable {
  id: string;
  incident_id: string;
  visibility: string;
  kind: string;
  state: string;
  body: string;
  author_id: string | null;
  at: string;
}

/** A scheduled maintenance window; `overridden_rules` (JSON list) and `override_reason` when an admin overrode the policy. */
export interface StatusMaintenancesTable {
  id: string;
  title: string;
  description: string;
  starts_at: string;
  ends_at: string;
  cancelled_at: string | null;
  override_reason: string | null;
  overridden_rules: string | null;
  created_by: string | null;
  /** When subscribers were told it started and ended (the announcement job's compare-and-set). */
  start_announced_at: string | null;
  end_announced_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface StatusMaintenanceComponentsTable {
  maintenance_id: string;
  component_id: string;
}

/** The maintenance policy admins set (one row, id "policy"); absent, `defaultMaintenancePolicy` applies. */
export interface StatusMaintenancePolicyTable {
  id: string;
  /** JSON array of ISO weekdays (1 Monday … 7 Sunday). */
  allowed_weekdays: string;
  minimum_notice_ms: number;
  maximum_duration_ms: number;
  time_zone: string;
  updated_by: string | null;
  updated_at: string;
}

/** The security-incident checklist admins configured (one row, id "default"); absent, the built-in steps apply. */
export interface StatusSecurityChecklistsTable {
  id: string;
  /** JSON: SecurityChecklistStep[] (src/modules/status/security-checklist.ts). */
  steps: string;
  updated_by: string | null;
  updated_at: string;
}

/** A security incident's own copy of the checklist, taken when it opened; `deadline_hours` counts from its start. */
export interface StatusIncidentChecklistStepsTable {
  incident_id: string;
  position: number;
  title: string;
  deadline_hours: number | null;
  done_at: string | null;
  done_by: string | null;
}

/** One per incident; `timeline` is JSON: RetrospectiveTimelineEntry[] (src/modules/status/retrospectives.ts). */
export interface StatusIncidentRetrospectivesTable {
  incident_id: string;
  summary: string;
  timeline: string;
  contributing_factors: string;
  lessons_learned: string;
  updated_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A retrospective's follow-up item: a staff owner, an optional due day (YYYY-MM-DD), a ticket or a URL. */
export interface StatusIncidentFollowUpsTable {
  id: string;
  incident_id: string;
  title: string;
  owner_id: string;
  due_on: string | null;
  done_at: string | null;
  done_by: string | null;
  ticket_number: number | null;
  url: string | null;
  created_at: string;
  updated_at: string;
}

/** The public status page's settings: one row, id "page" (absent: the defaults). */
export interface StatusPageSettingsTable {
  id: string;
  title: string;
  /** 1: the page shows each component's monthly error budget; 0: admins only see it. */
  show_error_budget: number;
  updated_by: string | null;
  updated_at: string;
}

/**
 * A status-page subscriber: `kind` email (announced only once `confirmed_at` is set, double opt-in) or webhook
 * (an admin's, confirmed at creation; `webhook_secret` is the Standard Webhooks `whsec_…` signing secret,
 * sealed with TEND_SECRET_KEY when set). `all_components` 1: every component; 0: those in
 * `status_subscriber_components`.
 */
export interface StatusSubscribersTable {
  id: string;
  kind: string;
  email: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  all_components: number;
  confirmed_at: string | null;
  created_by: string | null;
  last_delivery_at: string | null;
  /** The last delivery's answer: the relay's reply or the webhook's HTTP status, or the failure. */
  last_delivery_answer: string | null;
  created_at: string;
}

export interface StatusSubscriberComponentsTable {
  subscriber_id: string;
  component_id: string;
}

/** A confirmation link's token, as SHA-256; single use, 48 hours. */
export interface StatusSubscriptionConfirmationsTable {
  token_hash: string;
  subscriber_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** One announcement to one subscriber, claimed once; `state` queued | sent | failed. */
export interface StatusAnnouncementDeliveriesTable {
  announcement_key: string;
  subscriber_id: string;
  state: string;
  /** SHA-256 of the unsubscribe token the mailed announcement carries; null for webhooks. */
  unsubscribe_token_hash: string | null;
  answer: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A knowledge-base category; `position` orders them on /help. */
export interface KnowledgeCategoriesTable {
  id: string;
  name: string;
  slug: string;
  position: number;
  description: string;
  created_at: string;
  updated_at: string;
}

/** An article in Markdown; `visibility` public | internal, `state` draft | published. */
export interface KnowledgeArticlesTable {
  id: string;
  title: string;
  slug: string;
  body: string;
  category_id: string;
  visibility: string;
  state: string;
  author_id: string | null;
  updated_by: string | null;
  version: number;
  view_count: number;
  deflection_count: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

/** A version an article had before a save replaced it. */
export interface KnowledgeArticleRevisionsTable {
  id: string;
  article_id: string;
  version: number;
  title: string;
  body: string;
  state: string;
  visibility: string;
  written_by: string | null;
  written_at: string;
  replaced_by: string | null;
  replaced_at: string;
}

/** A customer said a suggested article solved their problem, so no request was filed. */
export interface KnowledgeDeflectionsTable {
  id: string;
  article_id: string;
  query: string;
  person_id: string | null;
  created_at: string;
}

/** CSAT settings, one row (id "desk"); the lists are JSON arrays. */
export interface SatisfactionSettingsTable {
  id: string;
  enabled: number;
  delay_minutes: number;
  excluded_organization_ids: string;
  excluded_tags: string;
  updated_by: string | null;
  updated_at: string;
}

/** One CSAT survey per ticket solve cycle; `rating` good | bad once answered. */
export interface SatisfactionSurveysTable {
  id: string;
  ticket_id: string;
  solved_at: string;
  requester_id: string;
  organization_id: string | null;
  plan: string | null;
  group_id: string | null;
  assignee_id: string | null;
  severity: string;
  due_at: string;
  sent_at: string | null;
  token_hash: string | null;
  token_expires_at: string | null;
  rating: string | null;
  comment: string | null;
  rated_at: string | null;
  rated_by: string | null;
  created_at: string;
}

/** A case review: `source` sample | bad_rating, `state` open | done; rubric scores 1–4. */
export interface CaseReviewsTable {
  id: string;
  ticket_id: string;
  agent_id: string | null;
  source: string;
  survey_id: string | null;
  period_from: string | null;
  period_to: string | null;
  state: string;
  reviewer_id: string | null;
  accuracy: number | null;
  tone: number | null;
  completeness: number | null;
  followed_process: number | null;
  note: string;
  outcome: string | null;
  version: number;
  created_at: string;
  reviewed_at: string | null;
}

/** A component's incident rules (JSON `IncidentRule[]`) and the impact an incident they open gets; absent = defaults. */
export interface StatusIncidentRuleSettingsTable {
  component_id: string;
  enabled: number;
  rules: string;
  availability_impact: string;
  users_impact: string;
  updated_at: string;
}

/** One per component while an incident opened by rule is open there: the key that makes opening it happen once. */
export interface StatusRuleIncidentClaimsTable {
  component_id: string;
  incident_id: string;
  recovery_suggested_at: string | null;
  claimed_at: string;
}

/** A paging trigger's firing for a status incident's opening: its primary key keeps a re-run job to one page. */
export interface StatusIncidentTriggerFiringsTable {
  trigger_id: string;
  incident_id: string;
  page_id: string | null;
  fired_at: string;
}

export interface FrequentQuestionRunsTable {
  id: string;
  window_start: string;
  ticket_count: number;
  duration_ms: number;
  created_at: string;
}

export interface FrequentQuestionGroupsTable {
  id: string;
  run_id: string;
  position: number;
  size: number;
  /** JSON array of the group's telling terms, strongest first. */
  top_terms: string;
  article_id: string | null;
  /** "search" (a published article matched its terms) or "drafted" (an article was started from it). */
  coverage: string | null;
}

export interface FrequentQuestionMembersTable {
  group_id: string;
  ticket_id: string;
  position: number;
}

export interface ChatRoutesTable {
  id: string;
  name: string;
  /** slack | teams | generic */
  kind: string;
  /** Sealed when TEND_SECRET_KEY is set. */
  webhook_url: string | null;
  /** A Slack bot token (sealed when TEND_SECRET_KEY is set): posts with chat.postMessage, threaded. */
  bot_token: string | null;
  slack_channel_id: string | null;
  /** JSON array of domain event kinds. */
  event_kinds: string;
  /** JSON array of group ids; empty is every group. */
  group_ids: string;
  /** JSON array of severities; empty is every severity. */
  severities: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface ChatDeliveriesTable {
  route_id: string;
  event_id: string;
  delivered_at: string | null;
  created_at: string;
}

export interface ChatTicketThreadsTable {
  route_id: string;
  ticket_id: string;
  message_ts: string;
}

export interface ChatConnectedChannelsTable {
  id: string;
  slack_channel_id: string;
  name: string;
  /** Sealed when TEND_SECRET_KEY is set. */
  bot_token: string;
  organization_id: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface ChatSlackEventsTable {
  event_id: string;
  received_at: string;
}

export interface ChatTicketsTable {
  ticket_id: string;
  channel_id: string;
  thread_ts: string;
}

export interface ChatSlackPeopleTable {
  slack_user_id: string;
  person_id: string;
}

/** The GitHub connection, one row (id "desk"); the token and webhook secret sealed when a secret key is set. */
export interface GithubSettingsTable {
  id: string;
  base_url: string;
  token: string | null;
  default_repository: string | null;
  /** JSON array of `owner/name`. */
  allowed_repositories: string;
  /** JSON array of label names. */
  default_labels: string;
  webhook_secret: string | null;
  updated_by: string | null;
  updated_at: string;
}

/** A ticket's "needs engineering" flag and its linked GitHub issue; `issue_key` is lower-case `owner/name#n`. */
export interface TicketEngineeringTable {
  ticket_id: string;
  needs_engineering: number;
  marked_by: string | null;
  marked_at: string | null;
  issue_key: string | null;
  issue_repository: string | null;
  issue_number: number | null;
  issue_url: string | null;
  /** 'open' | 'closed' */
  issue_state: string | null;
  issue_title: string | null;
  /** JSON array of label names. */
  issue_labels: string | null;
  linked_by: string | null;
  linked_at: string | null;
  issue_synced_at: string | null;
}

/** X-GitHub-Delivery ids already acted on. */
export interface GithubWebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  received_at: string;
}
