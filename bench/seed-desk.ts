import { type Insertable, sql } from "kysely";
import type { Db, DialectKind } from "../src/db/database.js";
import type { CommentsTable, TicketEventsTable, TicketsTable, TicketTagsTable } from "../src/db/tables.js";
import type { TicketChannel } from "../src/modules/tickets/ticket.js";
import { reserveTicketNumbers } from "../src/modules/tickets/ticket-numbers.js";
import type { SearchDocument } from "../src/modules/tickets/ticket-search.js";
import type { TicketStatus } from "../src/modules/tickets/ticket-status.js";
import { DAY, HOUR } from "../src/shared/clock.js";
import { newId } from "../src/shared/ids.js";
import { deskText } from "./desk-text.js";
import { insertInBatches } from "./insert-in-batches.js";
import { type Random, seededRandom, weightedSampler, zipfSampler } from "./random.js";
import { addedGroupNames, type SeededPeople, seedPeople } from "./seed-people.js";

/** What the measurements need to know about the seeded desk. */
export interface SeededDesk {
  tickets: number;
  tier1GroupId: string;
  /** The agent with the most unsolved tickets: the heaviest "assigned to me" queue. */
  busiestAgentId: string;
  /** The organization with the most tickets. */
  busiestOrganizationId: string;
  /** A customer of that organization, to open tickets for. */
  customerId: string;
  /** How many tickets mention each word in the subject or any comment: picks search words by frequency. */
  ticketsMentioning: Map<string, number>;
  seconds: number;
}

// Insertable rows leave out the columns later migrations add with defaults (SLA clocks, summaries):
// the seed fills what a ticket has when it is created and lets the schema default the rest.
interface TicketBatch {
  tickets: Insertable<TicketsTable>[];
  tags: Insertable<TicketTagsTable>[];
  comments: Insertable<CommentsTable>[];
  events: Insertable<TicketEventsTable>[];
  documents: SearchDocument[];
}

const historySpanMs = 365 * DAY;
// Tickets younger than this are still being worked; older ones have mostly closed (4 days after solving).
const workingWindowMs = 9 * DAY;
const ticketsPerTransaction = 1_000;

const tagNames = (
  "vip billing bug feature-request sso outage api mobile export import webhooks performance security gdpr " +
  "invoice refund onboarding migration dns email-delivery integrations permissions reporting backup upgrade " +
  "trial churn-risk escalated docs ux"
).split(" ");

/**
 * Bulk-loads a desk of `tickets` tickets with batched multi-row INSERTs, straight into the tables the
 * use cases write (tickets, tags, comments, events, the search index): going through createTicket
 * would take tens of minutes for 100k tickets. Distributions follow a desk a year into service:
 * most tickets solved or closed, a few organizations and words far more common than the rest.
 */
export async function seedDesk(
  db: Db,
  dialect: DialectKind,
  options: { tickets: number; seed?: number },
): Promise<SeededDesk> {
  const started = performance.now();
  const random = seededRandom(options.seed ?? 20261123);
  const now = Date.now();
  const people = await seedPeople(db, random, new Date(now).toISOString());
  const { draft, stats } = ticketDrafter(random, people, now, options.tickets);

  const firstNumber = await reserveTicketNumbers(db, dialect, options.tickets);
  for (let first = 0; first < options.tickets; first += ticketsPerTransaction) {
    const batch: TicketBatch = { tickets: [], tags: [], comments: [], events: [], documents: [] };
    for (let index = first; index < Math.min(first + ticketsPerTransaction, options.tickets); index += 1) {
      draft(index, firstNumber + index, batch);
    }
    await db.transaction().execute(async (tx) => {
      await insertInBatches(batch.tickets, (rows) => tx.insertInto("tickets").values(rows).execute());
      await insertInBatches(batch.tags, (rows) => tx.insertInto("ticket_tags").values(rows).execute());
      await insertInBatches(batch.comments, (rows) => tx.insertInto("comments").values(rows).execute());
      await insertInBatches(batch.events, (rows) => tx.insertInto("ticket_events").values(rows).execute());
      await insertSearchDocuments(tx, dialect, batch.documents);
    });
  }

  const { busiestAgentId, busiestOrganizationId, ticketsMentioning } = stats();
  const busiestOrganization = people.organizations.find((o) => o.id === busiestOrganizationId);
  return {
    tickets: options.tickets,
    tier1GroupId: people.groupIds.get("Tier 1") ?? "",
    busiestAgentId,
    busiestOrganizationId,
    customerId: busiestOrganization?.customerIds[0] ?? "",
    ticketsMentioning,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The same rows `indexSearchDocuments` writes, one statement per batch rather than per document. */
async function insertSearchDocuments(
  db: Db,
  dialect: DialectKind,
  documents: SearchDocument[],
): Promise<void> {
  await insertInBatches(documents, (batch) => {
    if (dialect === "postgres") {
      const rows = batch.map((d) => sql`(${d.ticketId}, ${d.visibility}, to_tsvector('english', ${d.text}))`);
      return sql`INSERT INTO ticket_search (ticket_id, visibility, document) VALUES ${sql.join(rows)}`.execute(
        db,
      );
    }
    const rows = batch.map((d) => sql`(${d.ticketId}, ${d.visibility}, ${d.text})`);
    return sql`INSERT INTO ticket_search (ticket_id, visibility, body) VALUES ${sql.join(rows)}`.execute(db);
  });
}

function ticketDrafter(random: Random, people: SeededPeople, now: number, ticketCount: number) {
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

  const ticketsMentioning = new Map<string, number>();
  const ticketsByOrganization = new Map<string, number>();
  const unsolvedByAgent = new Map<string, number>();
  const countMentions = (texts: string[]) => {
    const words = new Set(texts.flatMap((t) => t.toLowerCase().match(/[a-z0-9]+/g) ?? []));
    for (const word of words) ticketsMentioning.set(word, (ticketsMentioning.get(word) ?? 0) + 1);
  };
  const increment = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const largest = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";

  const draft = (index: number, number: number, batch: TicketBatch): void => {
    const createdAt = now - historySpanMs + ((index + random.next()) * historySpanMs) / ticketCount;
    const age = now - createdAt;
    const status = age <= workingWindowMs ? recentStatus() : olderStatus();
    const customerOrganization = random.chance(0.9) ? organization() : undefined;
    const requesterId = random.pick(customerOrganization?.customerIds ?? people.unaffiliatedCustomerIds);
    const assigneeId = status === "new" && random.chance(0.8) ? null : agent();
    const ticketChannel = channel();

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
    const iso = (ms: number) => new Date(Math.min(ms, now)).toISOString();
    const id = newId();
    const subject = text.subject();
    batch.tickets.push({
      id,
      number,
      subject,
      requester_id: requesterId,
      organization_id: customerOrganization?.id ?? null,
      channel: ticketChannel,
      status,
      severity: severity(),
      category: category(),
      group_id: group(),
      assignee_id: assigneeId,
      follow_up_of_id: null,
      version: 1,
      created_at: iso(createdAt),
      updated_at: iso(updatedAt),
      last_activity_at: iso(solvedAt ?? updatedAt),
      solved_at: solvedAt === null ? null : iso(solvedAt),
      closed_at: closedAt === null ? null : iso(closedAt),
    });
    const tags = new Set(Array.from({ length: random.int(0, 3) }, tag));
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
    event(createdAt, requesterId, "created", { field: "status", to_value: "new" });

    // Nobody on our side has acted on a New ticket, so it holds only the customer's description.
    const commentCount = status === "new" ? 1 : random.int(1, 3);
    const texts = [subject];
    batch.documents.push({ ticketId: id, visibility: "public", text: subject });
    for (let n = 0; n < commentCount; n += 1) {
      const at = createdAt + ((updatedAt - createdAt) * n) / commentCount;
      const byAgent = n > 0 && random.chance(0.6);
      const visibility = byAgent && random.chance(0.25) ? "internal" : "public";
      const bodyText = text.body();
      const commentId = newId();
      const authorId = byAgent ? (assigneeId ?? agent()) : requesterId;
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
      batch.documents.push({ ticketId: id, visibility, text: bodyText });
      texts.push(bodyText);
    }
    if (assigneeId) {
      event(updatedAt, assigneeId, "field_changed", { field: "assignee", to_value: assigneeId });
    }
    if (status !== "new") {
      event(updatedAt, assigneeId, "field_changed", { field: "status", from_value: "new", to_value: status });
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
