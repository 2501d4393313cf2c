import type { Insertable } from "kysely";
import { type Db, type DialectKind, migrateToLatest, openDatabase } from "../src/db/database.js";
import type { CommentsTable, TicketsTable } from "../src/db/tables.js";
import { insertByColumns, insertInBatches } from "../src/modules/demo/insert-in-batches.js";
import { type Random, seededRandom } from "../src/modules/demo/random.js";
import { seedPeople } from "../src/modules/demo/seed-people.js";
import { groupFrequentQuestions } from "../src/modules/knowledge/group-frequent-questions.js";
import { reserveTicketNumbers } from "../src/modules/tickets/ticket-numbers.js";
import { DAY, systemClock } from "../src/shared/clock.js";
import type { Context } from "../src/shared/context.js";
import { newId } from "../src/shared/ids.js";
import type { BenchDatabase } from "./bench-database.js";
import { formatCount, type RecordFigure } from "./report.js";

// Issue 9: frequent-question grouping over 50k recent tickets within 60 s, in a background job.
const groupingTarget = { comparison: "at most", value: 60 } as const;

/** Things customers ask about, and what goes wrong with them: 8 × 8 questions, each worded many ways. */
const things = [
  "password",
  "invoice",
  "export",
  "invite",
  "authenticator",
  "webhook",
  "mobile app",
  "dashboard",
];
const troubles = [
  ["not working", "broken", "fails"],
  ["expired", "timed out", "too old"],
  ["charged twice", "billed twice", "duplicate"],
  ["missing", "disappeared", "gone"],
  ["slow", "takes forever", "very slow"],
  ["wrong language", "shows another language", "translated wrongly"],
  ["error message", "shows an error", "error page"],
  ["cannot find", "where is", "how do I find"],
];
const fillers = (
  "today yesterday again since morning customer account team colleague urgent please quickly " +
  "office laptop browser chrome firefox safari screen page button settings menu week month"
).split(" ");
const syllables = "ka lo mi nu re sa ti vo be da fe gi ho ju ly po qu ri se tu".split(" ");
/** Made-up words, a few thousand of them: tickets about other matters rarely share one, as in a real desk. */
function otherWord(random: Random): string {
  return Array.from({ length: random.int(2, 4) }, () => random.pick(syllables)).join("");
}

function question(random: Random): { subject: string; body: string } {
  // Three tickets in five ask one of the 64 frequent questions; the rest are about anything.
  if (random.chance(0.6)) {
    const thing = random.pick(things);
    const trouble = random.pick(random.pick(troubles));
    const extra = Array.from({ length: random.int(2, 6) }, () => random.pick(fillers)).join(" ");
    const context = Array.from({ length: random.int(0, 4) }, () => otherWord(random)).join(" ");
    return {
      subject: random.chance(0.5) ? `${thing} ${trouble}` : `Our ${thing} is ${trouble}`,
      body: `Hello, the ${thing} ${trouble} ${extra}. ${context}. Could you look at the ${thing}? Thanks.`,
    };
  }
  const words = Array.from({ length: random.int(10, 40) }, () => otherWord(random));
  return { subject: words.slice(0, 4).join(" "), body: `Hi, ${words.join(" ")}.` };
}

async function seedQuestions(db: Db, dialect: DialectKind, tickets: number): Promise<void> {
  const random = seededRandom(20261205);
  const now = Date.now();
  const people = await seedPeople(db, random, new Date(now).toISOString());
  const firstNumber = await reserveTicketNumbers(db, dialect, tickets);
  const batchSize = 10_000;
  for (let first = 0; first < tickets; first += batchSize) {
    const ticketRows: Insertable<TicketsTable>[] = [];
    const commentRows: CommentsTable[] = [];
    for (let index = first; index < Math.min(first + batchSize, tickets); index += 1) {
      const id = newId();
      const requesterId = random.pick(people.unaffiliatedCustomerIds);
      // Spread over the 90-day window the job reads.
      const createdAt = new Date(now - random.next() * 89 * DAY).toISOString();
      const { subject, body } = question(random);
      ticketRows.push({
        id,
        number: firstNumber + index,
        subject,
        requester_id: requesterId,
        organization_id: null,
        channel: "portal",
        status: "open",
        severity: "sev3",
        category: "other",
        group_id: null,
        assignee_id: null,
        follow_up_of_id: null,
        version: 1,
        created_at: createdAt,
        updated_at: createdAt,
        last_activity_at: createdAt,
        solved_at: null,
        closed_at: null,
        next_sla_due_at: null,
      });
      commentRows.push({
        id: newId(),
        ticket_id: id,
        author_id: requesterId,
        visibility: "public",
        channel: "portal",
        body_text: body,
        body_html: `<p>${body}</p>`,
        created_at: createdAt,
        summary: null,
        next_steps: null,
        qualifying: 0,
        qualifying_reason: null,
        workaround: 0,
      });
    }
    await db.transaction().execute(async (tx) => {
      if (dialect === "postgres") {
        await insertByColumns(tx, "tickets", ticketRows);
        await insertByColumns(tx, "comments", commentRows);
      } else {
        await insertInBatches(ticketRows, (rows) => tx.insertInto("tickets").values(rows).execute());
        await insertInBatches(commentRows, (rows) => tx.insertInto("comments").values(rows).execute());
      }
    });
  }
}

/** Seeds `tickets` recent tickets with first messages, then times the grouping job end to end. */
export async function measureFrequentQuestions(
  database: BenchDatabase,
  settings: { tickets: number },
  record: RecordFigure,
): Promise<void> {
  const { db, dialect, destroy } = openDatabase(database.target);
  try {
    await migrateToLatest(db);
    await seedQuestions(db, dialect, settings.tickets);
    const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Context["logger"];
    const ctx: Context = {
      actor: { kind: "system", reason: "bench" },
      channel: "cli",
      db,
      dialect,
      clock: systemClock,
      logger: silent,
    };
    const started = performance.now();
    const run = await groupFrequentQuestions(ctx);
    const seconds = (performance.now() - started) / 1000;
    const scale = settings.tickets === 50_000 ? "" : " (target is for 50k)";
    record({
      name: `frequent-question grouping, ${formatCount(settings.tickets)} tickets${scale}`,
      value: seconds,
      unit: "s",
      target: groupingTarget,
      detail: `${formatCount(run.tickets)} tickets read, ${run.groups} groups stored`,
    });
  } finally {
    await destroy();
  }
}
