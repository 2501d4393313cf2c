import { type Insertable, sql } from "kysely";
import type { Db, DialectKind } from "../../db/database.js";
import type {
  CommentsTable,
  KnowledgeArticlesTable,
  KnowledgeCategoriesTable,
  SatisfactionSurveysTable,
  SlaClocksTable,
  SlaReportFactsTable,
  TicketEventsTable,
  TicketsTable,
  TicketTagsTable,
} from "../../db/tables.js";
import { DAY, HOUR, MINUTE } from "../../shared/clock.js";
import { newId } from "../../shared/ids.js";
import { indexArticle } from "../knowledge/article-search.js";
import { articlePlainText } from "../knowledge/render-markdown.js";
import { reportFactOf } from "../reports/sla-report-rules.js";
import { type MatchablePolicy, policiesFor } from "../sla/policy-matching.js";
import { listPolicyRows } from "../sla/policy-repository.js";
import type { ClockState } from "../sla/sla-types.js";
import { markLoadedTicketsMerged } from "../tickets/compact-search-index.js";
import type { TicketChannel } from "../tickets/ticket.js";
import { reserveTicketNumbers } from "../tickets/ticket-numbers.js";
import { documentsPerTicket, textsByTicketAndVisibility } from "../tickets/ticket-search.js";
import type { TicketStatus } from "../tickets/ticket-status.js";
import { withSecondaryIndexesDropped } from "./bulk-load-indexes.js";
import { deskText } from "./desk-text.js";
import { insertByColumns, insertInBatches } from "./insert-in-batches.js";
import { type Random, seededRandom, weightedSampler, zipfSampler } from "./random.js";
import { addedGroupNames, type SeededPeople, seedPeople } from "./seed-people.js";

/** Bumped whenever the generator draws a different desk: the bench's cached desks are keyed by it. */
export const deskGeneratorVersion = 2;

/** What the measurements need to know about the seeded desk. */
export interface SeededDesk {
  tickets: number;
  comments: number;
  slaClocks: number;
  surveys: number;
  articles: number;
  tier1GroupId: string;
  /** The agent with the most unsolved tickets: the heaviest "assigned to me" queue. */
  busiestAgentId: string;
  /** The organization with the most tickets. */
  busiestOrganizationId: string;
  /** A customer of that organization, to open tickets for. */
  customerId: string;
  /** How many tickets mention each word in the subject or any comment: picks search words by frequency. */
  ticketsMentioning: Map<string, number>;
  /** The published articles' titles: what knowledge searches are drawn from. */
  articleTitles: string[];
  /** The instant the desk was drawn against: "the last quarter" of its history ends here. */
  now: string;
  seconds: number;
}

export interface SeedDeskOptions {
  tickets: number;
  seed?: number;
  /** Defaults to 500, the size of a help center a team builds over two years. */
  articles?: number;
  now?: number;
}

// Insertable rows leave out the columns later migrations add with defaults (summaries, qualifying
// reasons): the seed fills what the use cases would and lets the schema default the rest.
interface TicketBatch {
  tickets: Insertable<TicketsTable>[];
  tags: Insertable<TicketTagsTable>[];
  comments: Insertable<CommentsTable>[];
  events: Insertable<TicketEventsTable>[];
  clocks: SlaClocksTable[];
  /** One per clock, as `recomputeTicketSla` keeps them for the SLA reports. */
  reportFacts: SlaReportFactsTable[];
  surveys: Insertable<SatisfactionSurveysTable>[];
  /** `rowid`: where SQLite's index files it (`documentsPerTicket`). */
  documents: { ticketId: string; rowid: number; visibility: string; text: string }[];
}

const historySpanMs = 730 * DAY;
// Tickets younger than this are still being worked; older ones have mostly closed (4 days after solving).
const workingWindowMs = 9 * DAY;
// Big enough that commits are rare (each may checkpoint SQLite's WAL), small enough to stay in memory.
const ticketsPerTransaction = 5_000;
// A business calendar of 8 hours on 5 days counts this share of the wall-clock time.
const businessShareOfWeek = (8 * 5) / (24 * 7);
const surveyShare = 0.95;
const bulkLoadedTables = [
  "tickets",
  "ticket_tags",
  "comments",
  "ticket_events",
  "sla_clocks",
  "sla_report_facts",
  "satisfaction_surveys",
  "ticket_search",
];
const surveyAnswerShare = 0.3;
const categoryNames = [
  "Getting started",
  "Accounts and sign-in",
  "Billing",
  "Email and notifications",
  "Integrations",
  "API",
  "Self-hosting",
  "Security",
  "Reports",
  "Troubleshooting",
];

const tagNames = (
  "vip billing bug feature-request sso outage api mobile export import webhooks performance security gdpr " +
  "invoice refund onboarding migration dns email-delivery integrations permissions reporting backup upgrade " +
  "trial churn-risk escalated docs ux"
).split(" ");

/**
 * Bulk-loads a desk of `tickets` tickets over two years with batched multi-row INSERTs straight into
 * the tables the use cases write — tickets, tags, comments (about five a ticket), events, SLA clocks
 * drawn from the desk's own policies and consistent with the replies, CSAT surveys, the search index —
 * plus a help center of published articles. Going through createTicket would take hours for a million
 * tickets. Distributions follow a desk in service: most tickets closed, a live backlog of recent ones,
 * a few organizations and words far more common than the rest. Expects a migrated, otherwise empty desk
 * with its SLA policies installed (as `createTend` leaves it).
 */
export async function seedDesk(db: Db, dialect: DialectKind, options: SeedDeskOptions): Promise<SeededDesk> {
  const started = performance.now();
  const random = seededRandom(options.seed ?? 20261123);
  const now = options.now ?? Date.now();
  const people = await seedPeople(db, random, new Date(now).toISOString());
  const policies: MatchablePolicy[] = await listPolicyRows(db, { onlyActive: true });
  const { draft, stats } = ticketDrafter(random, people, policies, now, options.tickets);

  const firstNumber = await reserveTicketNumbers(db, dialect, options.tickets);
  const counts = { comments: 0, slaClocks: 0, surveys: 0 };
  // On PostgreSQL the next batch is drawn while the server stores the previous one; better-sqlite3
  // blocks, so there the writes simply follow one another.
  await withSecondaryIndexesDropped(db, dialect, bulkLoadedTables, async () => {
    let writing: Promise<void> | undefined;
    for (let first = 0; first < options.tickets; first += ticketsPerTransaction) {
      const batch: TicketBatch = {
        tickets: [],
        tags: [],
        comments: [],
        events: [],
        clocks: [],
        reportFacts: [],
        surveys: [],
        documents: [],
      };
      for (let index = first; index < Math.min(first + ticketsPerTransaction, options.tickets); index += 1) {
        draft(index, firstNumber + index, batch);
      }
      counts.comments += batch.comments.length;
      counts.slaClocks += batch.clocks.length;
      counts.surveys += batch.surveys.length;
      await writing;
      writing = writeTicketBatch(db, dialect, batch);
    }
    await writing;
  });
  const articleTitles = await seedArticles(db, dialect, random, people, options.articles ?? 500, now);
  // The planner's statistics and the visibility map (for index-only scans), as a desk that has run a
  // while has them. Without them, until autovacuum came by, a 20,000-ticket demo desk planned a
  // ticket's SLA facts as a scan of two whole indexes of ticket_events: 26–46 ms instead of 0.35.
  // Tend never runs ANALYZE on SQLite: its queries are written for a planner without statistics.
  if (dialect === "postgres") {
    await markLoadedTicketsMerged(db, { firstNumber, lastNumber: firstNumber + options.tickets - 1 });
    await sql`VACUUM ANALYZE`.execute(db);
  }

  const { busiestAgentId, busiestOrganizationId, ticketsMentioning } = stats();
  const busiestOrganization = people.organizations.find((o) => o.id === busiestOrganizationId);
  return {
    tickets: options.tickets,
    ...counts,
    articles: articleTitles.length,
    tier1GroupId: people.groupIds.get("Tier 1") ?? "",
    busiestAgentId,
    busiestOrganizationId,
    customerId: busiestOrganization?.customerIds[0] ?? "",
    ticketsMentioning,
    articleTitles,
    now: new Date(now).toISOString(),
    seconds: (performance.now() - started) / 1000,
  };
}

async function writeTicketBatch(db: Db, dialect: DialectKind, batch: TicketBatch): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (dialect === "postgres") {
      await insertByColumns(tx, "tickets", batch.tickets);
      await insertByColumns(tx, "ticket_tags", batch.tags);
      await insertByColumns(tx, "comments", batch.comments);
      await insertByColumns(tx, "ticket_events", batch.events);
      await insertByColumns(tx, "sla_clocks", batch.clocks);
      await insertByColumns(tx, "sla_report_facts", batch.reportFacts);
      await insertByColumns(tx, "satisfaction_surveys", batch.surveys);
    } else {
      await insertInBatches(batch.tickets, (rows) => tx.insertInto("tickets").values(rows).execute());
      await insertInBatches(batch.tags, (rows) => tx.insertInto("ticket_tags").values(rows).execute());
      await insertInBatches(batch.comments, (rows) => tx.insertInto("comments").values(rows).execute());
      await insertInBatches(batch.events, (rows) => tx.insertInto("ticket_events").values(rows).execute());
      await insertInBatches(batch.clocks, (rows) => tx.insertInto("sla_clocks").values(rows).execute());
      await insertInBatches(batch.reportFacts, (rows) =>
        tx.insertInto("sla_report_facts").values(rows).execute(),
      );
      await insertInBatches(batch.surveys, (rows) =>
        tx.insertInto("satisfaction_surveys").values(rows).execute(),
      );
    }
    await insertSearchDocuments(tx, dialect, batch.documents);
  });
}

/**
 * The same documents `indexSearchDocuments` writes, one statement per batch rather than per document:
 * on PostgreSQL a ticket's texts of one visibility make one document.
 */
async function insertSearchDocuments(db: Db, dialect: DialectKind, documents: TicketBatch["documents"]) {
  if (dialect === "postgres") {
    const rows = textsByTicketAndVisibility(documents);
    for (let start = 0; start < rows.length; start += 10_000) {
      const slice = rows.slice(start, start + 10_000);
      await sql`INSERT INTO ticket_search (ticket_id, visibility, document)
        SELECT ticket_id, visibility, strip(to_tsvector('english', body))
        FROM unnest(${slice.map((d) => d.ticketId)}::text[], ${slice.map((d) => d.visibility)}::text[],
          ${slice.map((d) => d.text)}::text[]) AS d(ticket_id, visibility, body)`.execute(db);
    }
    return;
  }
  await insertInBatches(documents, (batch) => {
    const rows = batch.map((d) => sql`(${d.rowid}, ${d.ticketId}, ${d.visibility}, ${d.text})`);
    return sql`INSERT INTO ticket_search (rowid, ticket_id, visibility, body) VALUES ${sql.join(rows)}`.execute(
      db,
    );
  });
}

/** A help center: categories, and articles written by agents, most public and published, indexed. */
async function seedArticles(
  db: Db,
  dialect: DialectKind,
  random: Random,
  people: SeededPeople,
  count: number,
  now: number,
): Promise<string[]> {
  const text = deskText(random);
  const iso = (ms: number) => new Date(ms).toISOString();
  const categories: Insertable<KnowledgeCategoriesTable>[] = categoryNames.map((name, position) => ({
    id: newId(),
    name,
    slug: name.toLowerCase().replace(/[^a-z]+/g, "-"),
    position,
    description: `Articles about ${name.toLowerCase()}`,
    created_at: iso(now - historySpanMs),
    updated_at: iso(now - historySpanMs),
  }));
  const articles: Insertable<KnowledgeArticlesTable>[] = [];
  for (let index = 0; index < count; index += 1) {
    const createdAt = now - random.next() * historySpanMs;
    const published = random.chance(0.9);
    const authorId = random.pick(people.agentIds);
    const sections = Array.from({ length: random.int(2, 5) }, () => `## ${text.subject()}\n\n${text.body()}`);
    articles.push({
      id: newId(),
      title: text.subject(),
      slug: `article-${index + 1}`,
      body: `${text.body()}\n\n${sections.join("\n\n")}`,
      category_id: random.pick(categories).id ?? "",
      visibility: random.chance(0.8) ? "public" : "internal",
      state: published ? "published" : "draft",
      author_id: authorId,
      updated_by: authorId,
      version: 1,
      view_count: random.int(0, 5_000),
      deflection_count: random.int(0, 200),
      created_at: iso(createdAt),
      updated_at: iso(createdAt),
      published_at: published ? iso(createdAt) : null,
    });
  }
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("knowledge_categories").values(categories).execute();
    await insertInBatches(articles, (rows) => tx.insertInto("knowledge_articles").values(rows).execute());
    for (const article of articles) {
      await indexArticle(tx, dialect, {
        id: article.id,
        title: article.title,
        plainText: articlePlainText(article.body),
        published: article.state === "published",
      });
    }
  });
  return articles.filter((a) => a.state === "published").map((a) => a.title);
}

function ticketDrafter(
  random: Random,
  people: SeededPeople,
  policies: readonly MatchablePolicy[],
  now: number,
  ticketCount: number,
) {
  const text = deskText(random);
  const organization = zipfSampler(random, people.organizations, 1);
  const agent = zipfSampler(random, people.agentIds, 0.5);
  const tag = zipfSampler(random, tagNames, 1);
  const group = weightedSampler(random, [
    [people.groupIds.get("Tier 1") ?? "", 40],
    [people.groupIds.get("Platform experts") ?? "", 20],
    ...addedGroupNames.map((name) => [people.groupIds.get(name) ?? "", 40 / addedGroupNames.length] as const),
  ]);
  const channel = weightedSampler<TicketChannel>(random, [
    ["email", 50],
    ["portal", 25],
    ["chat", 10],
    ["api", 10],
    ["phone", 5],
  ]);
  const recentStatus = weightedSampler<TicketStatus>(random, [
    ["new", 20],
    ["open", 35],
    ["pending", 20],
    ["solved", 25],
  ]);
  const olderStatus = weightedSampler<TicketStatus>(random, [
    ["closed", 95],
    ["open", 2.5],
    ["pending", 1.5],
    ["new", 1],
  ]);
  const severity = weightedSampler(random, [
    ["sev1", 5],
    ["sev2", 95],
  ]);
  const category = weightedSampler(random, [
    ["availability", 15],
    ["provisioning", 20],
    ["other", 65],
  ]);
  // Most first replies come within the hour, a tail takes days: what a staffed desk with a backlog shows.
  const firstReplyDelay = weightedSampler<() => number>(random, [
    [() => random.next() * HOUR, 60],
    [() => HOUR + random.next() * 23 * HOUR, 30],
    [() => DAY + random.next() * 6 * DAY, 10],
  ]);

  const ticketsMentioning = new Map<string, number>();
  const ticketsByOrganization = new Map<string, number>();
  const unsolvedByAgent = new Map<string, number>();
  const countMentions = (texts: string[]) => {
    const words = new Set(texts.flatMap((t) => t.toLowerCase().match(/[a-z0-9]+/g) ?? []));
    for (const word of words) ticketsMentioning.set(word, (ticketsMentioning.get(word) ?? 0) + 1);
  };
  const increment = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const largest = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  const iso = (ms: number) => new Date(Math.min(ms, now)).toISOString();

  const draft = (index: number, number: number, batch: TicketBatch): void => {
    const createdAt = now - historySpanMs + ((index + random.next()) * historySpanMs) / ticketCount;
    const age = now - createdAt;
    const status = age <= workingWindowMs ? recentStatus() : olderStatus();
    const customerOrganization = random.chance(0.9) ? organization() : undefined;
    const requesterId = random.pick(customerOrganization?.customerIds ?? people.unaffiliatedCustomerIds);
    const assigneeId = status === "new" && random.chance(0.8) ? null : agent();
    const ticketChannel = channel();
    const ticketSeverity = severity();
    const ticketCategory = category();
    const groupId = group();

    let solvedAt: number | null = null;
    let closedAt: number | null = null;
    let updatedAt: number;
    if (status === "closed") {
      solvedAt = createdAt + HOUR + random.next() * 5 * DAY;
      closedAt = solvedAt + 4 * DAY;
      updatedAt = closedAt;
    } else if (status === "solved") {
      solvedAt = createdAt + random.next() * age;
      updatedAt = solvedAt;
    } else {
      updatedAt = createdAt + random.next() * Math.min(age, 7 * DAY);
    }
    const id = newId();
    const subject = text.subject();
    const tags = [...new Set(Array.from({ length: random.int(0, 3) }, tag))];
    for (const name of tags) batch.tags.push({ ticket_id: id, tag: name });

    const event = (
      at: number,
      actorId: string | null,
      kind: string,
      fields: Partial<Insertable<TicketEventsTable>> = {},
    ) =>
      batch.events.push({
        id: newId(),
        ticket_id: id,
        actor_id: actorId,
        channel: ticketChannel,
        kind,
        field: null,
        from_value: null,
        to_value: null,
        reason: null,
        created_at: iso(at),
        ...fields,
      });
    const statusChange = (at: number, actorId: string | null, from: string, to: string) =>
      event(at, actorId, "field_changed", { field: "status", from_value: from, to_value: to });
    event(createdAt, requesterId, "created", { field: "status", to_value: "new" });

    // The customer's description first; then, unless nobody has acted yet (New), the first public
    // reply and a conversation of customer and agent messages up to the solve or the last update.
    const lastMessageAt = solvedAt ?? updatedAt;
    const firstReplyAt = Math.min(createdAt + firstReplyDelay()(), lastMessageAt);
    const commentCount = status === "new" ? 1 : random.int(2, 8);
    const messageTimes = [createdAt, firstReplyAt];
    for (let n = 2; n < commentCount; n += 1)
      messageTimes.push(firstReplyAt + random.next() * (lastMessageAt - firstReplyAt));
    messageTimes.length = commentCount;
    messageTimes.sort((a, b) => a - b);

    const texts = [subject];
    batch.documents.push({
      ticketId: id,
      rowid: number * documentsPerTicket,
      visibility: "public",
      text: subject,
    });
    const worker = assigneeId ?? agent();
    messageTimes.forEach((at, n) => {
      const byAgent = n === 1 || (n > 1 && random.chance(0.55));
      const visibility = n > 1 && byAgent && random.chance(0.25) ? "internal" : "public";
      const bodyText = text.body();
      const commentId = newId();
      const authorId = byAgent ? worker : requesterId;
      batch.comments.push({
        id: commentId,
        ticket_id: id,
        author_id: authorId,
        visibility,
        channel: byAgent ? "web" : ticketChannel,
        body_text: bodyText,
        body_html: `<p>${bodyText}</p>`,
        created_at: iso(at),
        // Seeded replies carry no troubleshooting summary, so none counts as a qualifying response.
        qualifying: 0,
        workaround: 0,
      });
      event(at, authorId, visibility === "public" ? "public_reply_added" : "internal_note_added", {
        to_value: commentId,
      });
      batch.documents.push({
        ticketId: id,
        rowid: number * documentsPerTicket + n + 1,
        visibility,
        text: bodyText,
      });
      texts.push(bodyText);
    });
    const firstResponseAt = status === "new" ? null : firstReplyAt;
    if (assigneeId) {
      event(firstResponseAt ?? createdAt, assigneeId, "field_changed", {
        field: "assignee",
        to_value: assigneeId,
      });
    }
    if (firstResponseAt !== null) statusChange(firstResponseAt, worker, "new", "open");
    if (status === "pending") statusChange(updatedAt, worker, "open", "pending");
    if (solvedAt !== null) statusChange(solvedAt, worker, "open", "solved");
    if (closedAt !== null) statusChange(closedAt, null, "solved", "closed");

    const clocks = policiesFor(
      {
        plan: customerOrganization?.plan ?? null,
        stage: customerOrganization?.stage ?? null,
        severity: ticketSeverity,
        category: ticketCategory,
        channel: ticketChannel,
        organizationId: customerOrganization?.id ?? null,
        tags,
      },
      policies,
      [],
      new Date(createdAt),
    ).flatMap((policy) =>
      policy.targets.map((target) =>
        drawClock({
          ticketId: id,
          policyId: policy.policyId,
          targetKey: target.targetKey,
          metric: target.metric,
          targetMs: target.durationMs,
          // Business calendars count their open hours only: about a quarter of the wall clock.
          countedShare: target.calendarId === null ? 1 : businessShareOfWeek,
          warnAtShare: target.warnAtShare,
          startedAt: createdAt,
          metAt: target.metric === "resolution" ? solvedAt : firstResponseAt,
          paused: status === "pending" && target.pauseWhilePending,
          now,
        }),
      ),
    );
    batch.clocks.push(...clocks);
    const ticketForFacts = {
      id,
      number,
      severity: ticketSeverity,
      plan: customerOrganization?.plan ?? null,
      groupId,
      assigneeId,
    };
    for (const clock of clocks) batch.reportFacts.push(reportFactOf(ticketForFacts, clock));
    // As saveTicketClocks keeps it: the nearest due time of a running clock or an unmet breached one.
    const nextSlaDueAt =
      clocks
        .filter((c) => c.due_at && (c.state === "running" || (c.state === "breached" && !c.achieved_at)))
        .map((c) => c.due_at as string)
        .sort()[0] ?? null;

    batch.tickets.push({
      id,
      number,
      subject,
      requester_id: requesterId,
      organization_id: customerOrganization?.id ?? null,
      channel: ticketChannel,
      status,
      severity: ticketSeverity,
      category: ticketCategory,
      group_id: groupId,
      assignee_id: assigneeId,
      follow_up_of_id: null,
      version: 1,
      created_at: iso(createdAt),
      updated_at: iso(updatedAt),
      last_activity_at: iso(messageTimes.at(-1) ?? createdAt),
      solved_at: solvedAt === null ? null : iso(solvedAt),
      closed_at: closedAt === null ? null : iso(closedAt),
      next_sla_due_at: nextSlaDueAt,
    });

    if (solvedAt !== null && random.chance(surveyShare)) {
      const sentAt = solvedAt + MINUTE;
      const answered = random.chance(surveyAnswerShare) && sentAt < now;
      const ratedAt = sentAt + random.next() * (closedAt === null ? now - sentAt : closedAt - sentAt);
      batch.surveys.push({
        id: newId(),
        ticket_id: id,
        solved_at: iso(solvedAt),
        requester_id: requesterId,
        organization_id: customerOrganization?.id ?? null,
        plan: customerOrganization?.plan ?? null,
        group_id: groupId,
        assignee_id: assigneeId,
        severity: ticketSeverity,
        due_at: iso(solvedAt),
        sent_at: sentAt < now ? iso(sentAt) : null,
        token_hash: null,
        token_expires_at: null,
        rating: answered ? (random.chance(0.88) ? "good" : "bad") : null,
        comment: null,
        rated_at: answered ? iso(ratedAt) : null,
        rated_by: answered ? requesterId : null,
        created_at: iso(solvedAt),
      });
    }

    countMentions(texts);
    if (customerOrganization) increment(ticketsByOrganization, customerOrganization.id);
    if (assigneeId && status !== "solved" && status !== "closed") increment(unsolvedByAgent, assigneeId);
  };

  const stats = () => ({
    ticketsMentioning,
    busiestOrganizationId: largest(ticketsByOrganization),
    busiestAgentId: largest(unsolvedByAgent),
  });
  return { draft, stats };
}

interface ClockDraw {
  ticketId: string;
  policyId: string;
  targetKey: string;
  metric: string;
  targetMs: number;
  /** The share of wall-clock time the target's calendar counts. */
  countedShare: number;
  warnAtShare: number;
  startedAt: number;
  /** When the promise was kept (the first public reply, the solve), or null while it is owed. */
  metAt: number | null;
  paused: boolean;
  now: number;
}

/**
 * A first-cycle clock as the engine would leave it, from the ticket's own replies: achieved when the
 * reply came within the target, breached (and met late) when not, running or paused while owed. The
 * calendar's closed hours are spread evenly over the span rather than walked hour by hour.
 */
function drawClock(draw: ClockDraw): SlaClocksTable {
  const iso = (ms: number) => new Date(ms).toISOString();
  const dueAt = draw.startedAt + draw.targetMs / draw.countedShare;
  const warnAt = draw.startedAt + (dueAt - draw.startedAt) * draw.warnAtShare;
  const endedAt = draw.metAt ?? draw.now;
  const usedMs = Math.round((endedAt - draw.startedAt) * draw.countedShare);
  let state: ClockState;
  if (usedMs > draw.targetMs) state = "breached";
  else if (draw.metAt !== null) state = "achieved";
  else state = draw.paused ? "paused" : "running";
  return {
    id: newId(),
    ticket_id: draw.ticketId,
    policy_id: draw.policyId,
    target_key: draw.targetKey,
    metric: draw.metric,
    cycle: 1,
    state,
    started_at: iso(draw.startedAt),
    due_at: state === "paused" ? null : iso(dueAt),
    warn_at: state === "paused" ? null : iso(warnAt),
    achieved_at: draw.metAt === null ? null : iso(draw.metAt),
    breached_at: state === "breached" ? iso(dueAt) : null,
    warned_at: warnAt <= endedAt ? iso(warnAt) : null,
    used_ms: usedMs,
    paused_ms: 0,
    target_ms: draw.targetMs,
    updated_at: iso(endedAt),
  };
}
