import { createHash, randomInt } from "node:crypto";
import { sql } from "kysely";
import { expect } from "vitest";
import type { Db } from "../../src/db/database.js";
import { insertAttachments } from "../../src/modules/attachments/attachment-repository.js";
import { writeAttachmentFile } from "../../src/modules/attachments/attachment-store.js";
import { storeInboundEmail } from "../../src/modules/email/store-inbound-email.js";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import { updateOrganization } from "../../src/modules/identity/manage-organizations.js";
import { hashSecret, newSecret } from "../../src/modules/identity/secrets.js";
import { sessionIdleLifetimeMs } from "../../src/modules/identity/sessions.js";
import { insertActionTokens } from "../../src/modules/paging/paging-repository.js";
import { createCustomerException } from "../../src/modules/sla/customer-exceptions.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { DAY } from "../../src/shared/clock.js";
import { newId } from "../../src/shared/ids.js";
import type { Person, TestDesk } from "../support/test-desk.js";
import type { ResourceKind } from "./attack-surface.js";

/**
 * Organization A's data, which every attacker below goes after: a ticket with a public reply, an
 * internal note, staff-only events and running SLA clocks, an SLA exception, an API token — each
 * carrying a word that exists nowhere else, so a leak shows as that word in a response.
 */

/** How far a caller is trusted, which decides what they may see of organization A. */
export type Trust = "public" | "outsider" | "member" | "agent" | "admin";

export interface Attacker {
  name: string;
  trust: Trust;
  headers: Record<string, string>;
  /** A credential that worked and ran out: every route it may not use answers 401, nothing else. */
  lapsed?: boolean;
}

export interface Secret {
  label: string;
  value: string;
  /** Staff-only: hidden from organization A's own customers too. */
  staffOnly: boolean;
}

export interface VictimDesk {
  organizationId: string;
  victim: Person;
  ticketNumber: number;
  ticketId: string;
  ids: Record<ResourceKind, string>;
  /** Ids that look right but name nothing: a refusal must read the same as for these. */
  missingIds: Record<ResourceKind, string>;
  secrets: Secret[];
  words: { subject: string; body: string; reply: string; note: string; internalArticle: string };
  attackers: Attacker[];
  agent: Person;
  admin: Person;
  colleague: Person;
}

const letters = "abcdefghijklmnopqrstuvwxyz";
/** Letters only, so both full-text engines index it as one word. */
const secretWord = (label: string) =>
  `${label}${Array.from({ length: 10 }, () => letters[randomInt(letters.length)]).join("")}`;

/**
 * A schedule the agent rotates in, an override the admin made for themselves (not the agent's to
 * take back), and the admin's calendar feed, with its live secret for the public feed route.
 */
async function oncallIds(desk: TestDesk, admin: Person, agent: Person, words: VictimDesk["words"]) {
  const schedule = (
    await call(desk, "POST", "/oncall/schedules", admin.auth, {
      name: "Victim desk rotation",
      timeZone: "Europe/Paris",
      layers: [{ participants: [agent.id, admin.id], startDate: "2026-11-02", handoffTime: "09:00" }],
    })
  ).json();
  const override = (
    await call(desk, "POST", `/oncall/schedules/${schedule.id}/overrides`, admin.auth, {
      personId: admin.id,
      coversPersonId: agent.id,
      start: "2026-11-30T08:00:00.000Z",
      end: "2026-12-01T08:00:00.000Z",
    })
  ).json();
  const feed = (await call(desk, "POST", "/oncall/feeds", admin.auth, { scheduleId: schedule.id })).json();
  // The next handoff is the admin's (their override runs to 1 December) to the agent.
  const debrief = (await call(desk, "POST", `/oncall/schedules/${schedule.id}/debriefs`, admin.auth)).json();
  // Notes quoting A's conversation: debrief search must find them for staff and nobody else.
  await call(desk, "PATCH", `/oncall/debriefs/${debrief.id}`, admin.auth, {
    version: debrief.version,
    overallNotes: `A's ${words.subject}: ${words.body}, answered ${words.reply}; internally ${words.note}.`,
  });
  return {
    oncallSchedule: schedule.id as string,
    oncallOverride: override.id as string,
    oncallFeed: feed.id as string,
    oncallFeedSecret: /\/feeds\/(.+)\.ics$/.exec(feed.url)?.[1] as string,
    handoffDebrief: debrief.id as string,
  };
}

/**
 * An escalation policy paging the admin, a page the agent opened and the admin resolved, and a
 * mailed resolve link for it: the public link route answers it without changing anything (the
 * page is resolved already), so every attacker meets the same live link. A paging trigger on that
 * policy: only admins may change or delete it.
 */
async function pagingIds(desk: TestDesk, admin: Person, agent: Person) {
  const policy = (
    await call(desk, "POST", "/escalation-policies", admin.auth, {
      name: "Victim desk leadership",
      levels: [{ targets: [{ kind: "person", personId: admin.id }], timeoutMinutes: 5 }],
    })
  ).json();
  const page = (
    await call(desk, "POST", "/pages", agent.auth, {
      title: "Victim desk page",
      severity: "sev2",
      policyId: policy.id,
    })
  ).json();
  await call(desk, "POST", `/pages/${page.id}/resolution`, admin.auth);
  const secret = newSecret("");
  const now = desk.clock.now();
  await insertActionTokens(desk.database.db, [
    {
      token_hash: hashSecret(secret),
      page_id: page.id,
      person_id: admin.id,
      action: "resolve",
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 365 * DAY).toISOString(),
      used_at: null,
    },
  ]);
  const trigger = (
    await call(desk, "POST", "/paging-triggers", admin.auth, {
      kind: "sev1_sla_breached",
      policyId: policy.id,
    })
  ).json();
  return {
    escalationPolicy: policy.id as string,
    page: page.id as string,
    pageActionSecret: secret,
    pagingTrigger: trigger.id as string,
  };
}

const incidentNote = "Victim desk incident note: the cause is host b7";
const maintenanceOverrideReason = "Victim desk override reason: vendor deadline";

/**
 * A status component with a push monitor: staff read them, admins change them, and the push token
 * is the only credential the public push routes take.
 */
async function statusIds(desk: TestDesk, admin: Person) {
  const component = (
    await call(desk, "POST", "/status/components", admin.auth, { groupName: "Victim desk", name: "Portal" })
  ).json();
  const monitor = (
    await call(desk, "POST", "/status/monitors", admin.auth, {
      componentId: component.id,
      name: "Victim desk probe",
      kind: "push",
      intervalSeconds: 60,
    })
  ).json();
  const subscriber = (
    await call(desk, "POST", "/status/subscribers/webhooks", admin.auth, {
      url: "https://hooks.victim.example/status",
    })
  ).json();
  // An incident run by staff, with an internal note and a follow-up: the note is for staff eyes only.
  const incident = (
    await call(desk, "POST", "/status/incidents", admin.auth, {
      title: "Victim desk portal errors",
      impact: "minor",
      componentIds: [component.id],
      body: "Investigating.",
    })
  ).json();
  await call(desk, "POST", `/status/incidents/${incident.id}/notes`, admin.auth, { body: incidentNote });
  const followUp = (
    await call(desk, "POST", `/status/incidents/${incident.id}/follow-ups`, admin.auth, {
      title: "Alert sooner",
      ownerId: admin.id,
    })
  ).json();
  // A past window scheduled against the policy by an admin: the override's reason is for staff only.
  const maintenance = (
    await call(desk, "POST", "/status/maintenances", admin.auth, {
      title: "Victim desk database move",
      startsAt: "2026-01-06T10:00:00.000Z",
      endsAt: "2026-01-06T11:00:00.000Z",
      componentIds: [component.id],
      override: { reason: maintenanceOverrideReason },
    })
  ).json();
  return {
    statusComponent: component.id as string,
    statusMonitor: monitor.id as string,
    statusPushToken: monitor.pushToken as string,
    statusIncident: incident.id as string,
    statusFollowUp: followUp.id as string,
    statusSubscriber: subscriber.subscriber.id as string,
    statusMaintenance: maintenance.id as string,
  };
}

/**
 * A category and an internal, published article with one earlier version: customers and the
 * public must never read its words, through the API or its search.
 */
async function knowledgeIds(desk: TestDesk, agent: Person, internalWord: string) {
  const category = (
    await call(desk, "POST", "/knowledge/categories", agent.auth, { name: "Victim desk runbooks" })
  ).json();
  const article = (
    await call(desk, "POST", "/knowledge/articles", agent.auth, {
      title: "Victim desk failover",
      body: `Draft: fail over with ${internalWord}.`,
      categoryId: category.id,
      visibility: "internal",
    })
  ).json();
  await call(desk, "PATCH", `/knowledge/articles/${article.id}`, agent.auth, {
    version: article.version,
    body: `Fail over the cluster with ${internalWord}.`,
    state: "published",
  });
  const history = (await call(desk, "GET", `/knowledge/articles/${article.id}/history`, agent.auth)).json();
  return {
    knowledgeCategory: category.id as string,
    knowledgeArticle: article.id as string,
    knowledgeRevision: history[0].id as string,
  };
}

/**
 * A second request of A's customer, solved by the agent and rated Bad by its requester: its case
 * review names the agent and A's ticket, for the agent and admins only.
 */
async function caseReviewIds(desk: TestDesk, victim: Person, agent: Person) {
  const ticket = (
    await call(desk, "POST", "/tickets", victim.auth, { subject: "Invoice question", body: "Which plan?" })
  ).json();
  await call(desk, "PATCH", `/tickets/${ticket.number}`, agent.auth, {
    version: ticket.version,
    status: "solved",
    assigneeId: agent.id,
  });
  await call(desk, "POST", `/tickets/${ticket.number}/satisfaction`, victim.auth, {
    rating: "bad",
    comment: "Not answered",
  });
  const reviews = (await call(desk, "GET", "/case-reviews?agentId=me", agent.auth)).json() as {
    id: string;
    ticket: { number: number };
  }[];
  const review = reviews.find((item) => item.ticket.number === ticket.number);
  if (!review) throw new Error("the Bad rating opened no case review");
  return { caseReview: review.id };
}

/**
 * The desk's integrations, admins' configuration naming nobody's data but holding secrets: an
 * automation, a chat route and a connected channel, a webhook endpoint and one delivery of the
 * victim's ticket's creation (stored as the fan-out job stores it; no worker runs here).
 */
async function integrationIds(desk: TestDesk, admin: Person, ticketId: string) {
  const automation = (
    await call(desk, "POST", "/automations", admin.auth, {
      name: "Victim desk tagging",
      events: ["ticket.created"],
      conditions: [{ field: "text", operator: "contains", value: "outage" }],
      actions: [{ type: "add_tags", tags: ["outage"] }],
    })
  ).json();
  const chatRoute = (
    await call(desk, "POST", "/chat/routes", admin.auth, {
      name: "Victim desk stream",
      kind: "generic",
      webhookUrl: "http://127.0.0.1:9/victim-stream",
      eventKinds: ["ticket.created"],
      enabled: false,
    })
  ).json();
  const chatChannel = (
    await call(desk, "POST", "/chat/channels", admin.auth, {
      name: "#victim-support",
      slackChannelId: "C0VICTIM",
      botToken: "xoxb-victim-desk-token",
    })
  ).json();
  const endpoint = (
    await call(desk, "POST", "/webhooks/endpoints", admin.auth, {
      url: "http://127.0.0.1:9/victim-hook",
      description: "Victim desk bridge",
      eventKinds: ["ticket.created"],
    })
  ).json();
  const event = await desk.database.db
    .selectFrom("domain_events")
    .select(["id", "kind"])
    .where("ticket_id", "=", ticketId)
    .executeTakeFirstOrThrow();
  const deliveryId = newId();
  await desk.database.db
    .insertInto("webhook_deliveries")
    .values({
      id: deliveryId,
      endpoint_id: endpoint.endpoint.id,
      event_id: event.id,
      event_kind: event.kind,
      state: "failed",
      attempts: 1,
      next_attempt_at: null,
      delivered_at: null,
      created_at: new Date(0).toISOString(),
    })
    .execute();
  return {
    automation: automation.id as string,
    chatRoute: chatRoute.id as string,
    chatChannel: chatChannel.id as string,
    webhookEndpoint: endpoint.endpoint.id as string,
    webhookDelivery: deliveryId,
  };
}

async function call(
  desk: TestDesk,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) {
  const response = await desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response;
}

/** A message A's customer sent to the support address, stored as the SMTP listener stores it. */
async function victimInboundEmail(desk: TestDesk, from: string, subject: string): Promise<string> {
  const raw = Buffer.from(`From: ${from}\r\nTo: support@tend.test\r\nSubject: ${subject}\r\n\r\nHello\r\n`);
  const { rawEmailId } = await storeInboundEmail(desk.system, raw, {
    mailFrom: from,
    rcptTo: ["support@tend.test"],
    remoteAddress: "192.0.2.1",
  });
  if (!rawEmailId) throw new Error("the victim's inbound email was not stored");
  return rawEmailId;
}

/** A file on the ticket's first message, as inbound mail stores one; its bytes carry a secret word. */
async function victimAttachment(desk: TestDesk, ticketId: string, commentId: string, marker: string) {
  const content = Buffer.from(`%PDF-1.4 contract ${marker}`);
  const id = newId();
  await insertAttachments(desk.database.db, [
    {
      id,
      ticket_id: ticketId,
      comment_id: commentId,
      filename: "contract.pdf",
      content_type: "application/pdf",
      size_bytes: content.length,
      sha256: await writeAttachmentFile(desk.attachmentsDir, content),
      inline: 0,
      content_id: null,
      created_at: desk.clock.now().toISOString(),
    },
  ]);
  return id;
}

export async function buildVictimDesk(desk: TestDesk): Promise<VictimDesk> {
  await installDefaultPolicies(desk.system);
  await installHealthDefaults(desk.system);
  const agentPassword = "a long agent password 4 tests";
  const agent = await desk.makeAgent({ password: agentPassword });
  const admin = await desk.makeAgent({ role: "admin" });

  const organization = await desk.makeOrganization({ plan: "cloud" });
  const words = {
    subject: secretWord("subject"),
    body: secretWord("body"),
    reply: secretWord("reply"),
    note: secretWord("note"),
    internalArticle: secretWord("kbinternal"),
  };
  const orgNotes = secretWord("orgnotes");
  const exceptionReason = secretWord("exception");
  const tokenName = secretWord("token");
  const attachmentBytes = secretWord("attachment");
  await updateOrganization({ ctx: desk.as(admin.actor), id: organization.id, input: { notes: orgNotes } });

  const victim = await desk.makeCustomer(organization.id);
  const colleague = await desk.makeCustomer(organization.id);
  const revoked = await desk.makeCustomer(organization.id);

  const ticket = (
    await call(desk, "POST", "/tickets", victim.auth, {
      subject: `Outage of ${words.subject}`,
      body: `Our ${words.body} cluster stopped answering.`,
    })
  ).json();
  const assigned = (
    await call(desk, "PATCH", `/tickets/${ticket.number}`, agent.auth, {
      version: ticket.version,
      assigneeId: agent.id,
      tags: ["escalated"],
    })
  ).json();
  await call(desk, "POST", `/tickets/${ticket.number}/comments`, agent.auth, {
    body: `The renewal is at risk: ${words.note}.`,
    visibility: "internal",
  });
  await call(desk, "POST", `/tickets/${ticket.number}/comments`, agent.auth, {
    body: `We are looking at ${words.reply} now.`,
    visibility: "public",
    summary: "Checked the cluster.",
    nextSteps: "We restart it and report back.",
  });
  expect(assigned.version).toBeGreaterThan(ticket.version);

  // The default promises run on the ticket, so its clocks are there to leak and to guard.
  const sla = (await call(desk, "GET", `/tickets/${ticket.number}/sla`, agent.auth)).json();
  expect(sla.clocks.length).toBeGreaterThan(0);

  const victimToken = (await call(desk, "POST", "/tokens", victim.auth, { name: tokenName })).json();
  const exception = await createCustomerException({
    ctx: desk.as(admin.actor),
    organizationId: organization.id,
    input: {
      targets: [{ metric: "first_response", durationMs: 3_600_000 }],
      reason: exceptionReason,
      expiresAt: "2030-01-01T00:00:00.000Z",
    },
  });

  const firstId = async (url: string, pick: (items: { id: string; name?: string }[]) => unknown) => {
    const body = (await call(desk, "GET", url, admin.auth)).json();
    const items = (Array.isArray(body) ? body : body.items) as { id: string; name?: string }[];
    const found = pick(items) as { id: string } | undefined;
    if (!found) throw new Error(`nothing to attack at ${url}`);
    return found.id;
  };

  // A token that worked, then was revoked through the API: it must now open nothing.
  const revokedTokenId = await firstId("/tokens", (items) =>
    (items as { id: string; personId: string }[]).find((t) => t.personId === revoked.id),
  );
  await call(desk, "GET", "/me", revoked.auth);
  await call(desk, "DELETE", `/tokens/${revokedTokenId}`, revoked.auth);

  // A session cookie that worked, then was signed out.
  const signedOut = await desk.signIn(agent.email, agentPassword);
  await call(desk, "POST", "/auth/logout", signedOut.headers);
  const sessionHeaders = signedOut.headers;

  const outsiderOrganization = await desk.makeOrganization({ plan: "cloud" });
  const outsider = await desk.makeCustomer(outsiderOrganization.id);
  const loner = await desk.makeCustomer(null);

  const ids: Record<ResourceKind, string> = {
    ticket: String(ticket.number),
    organization: organization.id,
    person: victim.id,
    group: await firstId("/groups", (items) => items.find((g) => g.name === "Tier 1")),
    groupMember: agent.id,
    apiToken: victimToken.id,
    slaCalendar: await firstId("/sla/calendars", (items) => items[0]),
    slaPolicy: await firstId("/sla/policies", (items) => items[0]),
    slaException: exception.id,
    savedReply: await firstId("/saved-replies", (items) => items[0]),
    inboundEmail: await victimInboundEmail(desk, victim.email, words.subject),
    attachment: await victimAttachment(
      desk,
      ticket.id,
      await firstId(`/tickets/${ticket.number}/comments`, (items) => items[0]),
      attachmentBytes,
    ),
    // A queue naming A's organization: desk configuration, for staff eyes only.
    view: (
      await call(desk, "POST", "/views", admin.auth, {
        name: "Victim's queue",
        filter: { organizationId: organization.id },
      })
    ).json().id,
    ...(await oncallIds(desk, admin, agent, words)),
    ...(await pagingIds(desk, admin, agent)),
    ...(await statusIds(desk, admin)),
    ...(await caseReviewIds(desk, victim, agent)),
    ...(await knowledgeIds(desk, agent, words.internalArticle)),
    ...(await integrationIds(desk, admin, ticket.id)),
  };
  const missingUuid = "0190c0de-0000-7000-8000-00000000dead";
  const missingIds = Object.fromEntries(
    Object.keys(ids).map((kind) => [kind, kind === "ticket" ? "999999" : missingUuid]),
  ) as Record<ResourceKind, string>;

  // Last, because it moves the clock: a day-long token of A's customer and an agent's session, both
  // proven to work, then left until the token has expired and the session has sat idle too long.
  const lapsedCustomer = await desk.makeCustomer(organization.id);
  const { token: expiringToken } = await issueApiToken(desk.system, lapsedCustomer.id, {
    name: "expires in a day",
    scopes: ["write"],
    expiresInDays: 1,
  });
  const expiredTokenHeaders = { authorization: `Bearer ${expiringToken}` };
  await call(desk, "GET", "/me", expiredTokenHeaders);
  desk.clock.advance(DAY - sessionIdleLifetimeMs);
  const idleSession = await desk.signIn(agent.email, agentPassword);
  await call(desk, "GET", "/me", idleSession.headers);
  desk.clock.advance(sessionIdleLifetimeMs);

  const secret = (label: string, value: string, staffOnly = false): Secret => ({ label, value, staffOnly });
  return {
    organizationId: organization.id,
    victim,
    ticketNumber: ticket.number,
    ticketId: ticket.id,
    ids,
    missingIds,
    words,
    agent,
    admin,
    colleague,
    secrets: [
      secret("ticket subject", words.subject),
      secret("ticket body", words.body),
      secret("public reply", words.reply),
      secret("internal note", words.note, true),
      secret("organization notes", orgNotes, true),
      secret("SLA exception reason", exceptionReason, true),
      secret("API token name", tokenName),
      secret("attachment bytes", attachmentBytes),
      secret("organization name", organization.name),
      secret("organization domain", organization.domain),
      secret("victim email", victim.email),
      secret("victim name", victim.name),
      secret("colleague email", colleague.email),
      secret("status push token", ids.statusPushToken, true),
      secret("status incident internal note", incidentNote, true),
      secret("status maintenance override reason", maintenanceOverrideReason, true),
      secret("internal knowledge-base article", words.internalArticle, true),
    ],
    attackers: [
      { name: "anonymous", trust: "public", headers: {} },
      {
        name: "garbage bearer token",
        trust: "public",
        headers: { authorization: "Bearer tend_notatoken0000" },
      },
      { name: "revoked token (org A)", trust: "public", headers: revoked.auth },
      { name: "signed-out session", trust: "public", headers: sessionHeaders },
      { name: "expired token (org A)", trust: "public", headers: expiredTokenHeaders, lapsed: true },
      { name: "idle-timed-out session", trust: "public", headers: idleSession.headers, lapsed: true },
      { name: "customer of org B", trust: "outsider", headers: outsider.auth },
      { name: "customer without organization", trust: "outsider", headers: loner.auth },
      { name: "customer of org A (colleague)", trust: "member", headers: colleague.auth },
      { name: "agent", trust: "agent", headers: agent.auth },
      { name: "admin", trust: "admin", headers: admin.auth },
    ],
  };
}

/** Tables whose rows a refused write must leave exactly as they were. */
const guardedTables = [
  "organizations",
  "organization_domains",
  "people",
  "groups",
  "group_memberships",
  "tickets",
  "ticket_tags",
  "comments",
  "ticket_events",
  "business_calendars",
  "sla_policies",
  "sla_customer_exceptions",
  "sla_clocks",
  "ticket_health_settings",
  "ticket_health_flags",
  "saved_replies",
  "raw_emails",
  "email_messages",
  "attachments",
  "oncall_schedules",
  "oncall_overrides",
  "oncall_feed_tokens",
  "handoff_debriefs",
  "handoff_debrief_items",
  "escalation_policies",
  "pages",
  "page_events",
  "page_action_tokens",
  "paging_triggers",
  "knowledge_categories",
  "knowledge_articles",
  "knowledge_article_revisions",
  "knowledge_deflections",
] as const;

/** Tokens as a refused request must leave them; `last_used_at` moves with every authenticated call. */
const tokensWithoutUse = sql`select id, person_id, name, token_hash, created_at, revoked_at from api_tokens`;

/** A fingerprint of every guarded row (rows sorted, so storage order does not matter). */
export async function fingerprint(db: Db): Promise<string> {
  const hash = createHash("sha256");
  // Read together: on PostgreSQL each table is a round trip, and the attack suites take a
  // fingerprint around every write they try (the reads see no writes meanwhile: none is in flight).
  const tables = await Promise.all(
    guardedTables.map((table) => sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)),
  );
  guardedTables.forEach((table, index) => {
    const lines = (tables[index]?.rows ?? []).map((row) => JSON.stringify(row)).sort();
    hash.update(`${table}:${lines.length}\n${lines.join("\n")}\n`);
  });
  const { rows } = await sql<Record<string, unknown>>`${tokensWithoutUse}`.execute(db);
  hash.update(
    rows
      .map((row) => JSON.stringify(row))
      .sort()
      .join("\n"),
  );
  return hash.digest("hex");
}

/** A fingerprint of organization A's own rows, for writes an attacker may make in their own scope. */
export async function victimFingerprint(db: Db, organizationId: string): Promise<string> {
  const hash = createHash("sha256");
  const ticketsOfA = sql`(select id from tickets where organization_id = ${organizationId})`;
  const queries = [
    sql`select * from organizations where id = ${organizationId}`,
    sql`select * from people where organization_id = ${organizationId}`,
    sql`select * from tickets where organization_id = ${organizationId}`,
    sql`select * from comments where ticket_id in ${ticketsOfA}`,
    sql`select * from ticket_events where ticket_id in ${ticketsOfA}`,
    sql`select * from ticket_tags where ticket_id in ${ticketsOfA}`,
    sql`select * from sla_clocks where ticket_id in ${ticketsOfA}`,
    sql`select * from sla_customer_exceptions where organization_id = ${organizationId}`,
    sql`${tokensWithoutUse} where person_id in (select id from people where organization_id = ${organizationId})`,
  ];
  const results = await Promise.all(
    queries.map((query) => (query as ReturnType<typeof sql<Record<string, unknown>>>).execute(db)),
  );
  for (const { rows } of results) {
    hash.update(
      `${rows
        .map((row) => JSON.stringify(row))
        .sort()
        .join("\n")}\n--\n`,
    );
  }
  return hash.digest("hex");
}
