import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { testDialect } from "../../../test/support/test-database.js";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { addComment } from "./add-comment.js";
import { compactSearchIndex, markLoadedTicketsMerged, mergedThroughCounter } from "./compact-search-index.js";
import { createTicket } from "./create-ticket.js";
import { listTickets } from "./read-tickets.js";
import { appendLimitBytes, searchIndexSegments } from "./ticket-search.js";

const desk = useTestDesk();

async function searchedNumbers(text: string): Promise<number[]> {
  const agent = await desk.makeAgent();
  const page = await listTickets({ ctx: desk.as(agent.actor), filter: { text }, limit: 50 });
  return page.items.map((ticket) => ticket.number).sort((a, b) => a - b);
}

/** The search documents of a ticket, by visibility: how many rows each has. */
async function documentRows(number: number): Promise<Record<string, number>> {
  const { rows } = await sql<{ visibility: string; rows: number | string }>`SELECT s.visibility,
      count(*) AS rows
    FROM ticket_search AS s JOIN tickets AS t ON t.id = s.ticket_id
    WHERE t.number = ${number} GROUP BY s.visibility`.execute(desk.database.db);
  return Object.fromEntries(rows.map((row) => [row.visibility, Number(row.rows)]));
}

describe("compacting the search index", () => {
  it.runIf(testDialect === "sqlite")(
    "merges SQLite's segments into one and every document stays found",
    async () => {
      const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
      const created = [];
      for (let n = 0; n < 6; n += 1)
        created.push(
          await createTicket({
            ctx: desk.as(customer.actor),
            input: { subject: `Platypus report ${n}`, body: `Sighting number ${n} by the river.` },
          }),
        );
      const compacted = await compactSearchIndex(desk.system);
      // Each ticket's transaction wrote a segment of its own.
      expect(compacted.steps).toBeGreaterThan(0);
      expect(compacted.finished).toBe(true);
      expect(await searchIndexSegments(desk.database.db)).toBe(1);
      expect(await compactSearchIndex(desk.system)).toEqual({ steps: 0, finished: true });
      for (const text of ["platypus", "river sighting"])
        expect(await searchedNumbers(text)).toEqual(created.map((ticket) => ticket.number));
    },
  );
});

describe.runIf(testDialect === "postgres")("PostgreSQL's search documents", () => {
  it("files a ticket's texts as one document per visibility, matching words from any of them", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const agent = await desk.makeAgent();
    const { number } = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Wombat gateway down", body: "Since this morning." },
    });
    await addComment({ ctx: desk.as(customer.actor), number, input: { body: "Still failing at noon." } });
    await addComment({
      ctx: desk.as(agent.actor),
      number,
      input: { body: "Quokka cluster suspected.", visibility: "internal" },
    });
    expect(await documentRows(number)).toEqual({ public: 1, internal: 1 });
    // Subject and a later reply together; an internal note's word only for staff.
    expect(await searchedNumbers("wombat noon")).toEqual([number]);
    expect(await searchedNumbers("quokka")).toEqual([number]);
    const customerPage = await listTickets({
      ctx: desk.as(customer.actor),
      filter: { text: "quokka" },
      limit: 50,
    });
    expect(customerPage.items).toEqual([]);
  });

  it("starts a new document once a ticket's reaches the append limit, and finds the words of both", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const { number } = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Log dump", body: "Attached below." },
    });
    // Made-up words (a hex number is a lexeme as it is), each comment's distinct: the document grows by
    // every one, and two comments take it past the limit.
    const logLines = (part: number) =>
      Array.from({ length: 500 }, (_, n) => `zq${(part * 1000 + n).toString(16)}x`).join(" ");
    for (const part of [1, 2])
      await addComment({ ctx: desk.as(customer.actor), number, input: { body: logLines(part) } });
    expect(await documentRows(number)).toEqual({ public: 1 });
    const { rows } = await sql<{ size: number }>`SELECT max(pg_column_size(document || ''::tsvector)) AS size
      FROM ticket_search AS s JOIN tickets AS t ON t.id = s.ticket_id WHERE t.number = ${number}`.execute(
      desk.database.db,
    );
    expect(Number(rows[0]?.size)).toBeGreaterThanOrEqual(appendLimitBytes);
    await addComment({ ctx: desk.as(customer.actor), number, input: { body: "Numbat afterthought." } });
    expect(await documentRows(number)).toEqual({ public: 2 });
    expect(await searchedNumbers("numbat")).toEqual([number]);
    expect(await searchedNumbers("zq3e9x")).toEqual([number]);
    // A text past the limit is a document of its own from the start.
    await addComment({ ctx: desk.as(customer.actor), number, input: { body: logLines(3).repeat(3) } });
    expect(await documentRows(number)).toEqual({ public: 3 });
  });

  it("merges the documents of tickets indexed one per comment, and the same tickets are found", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const numbers: number[] = [];
    for (const subject of ["Echidna billing", "Echidna login", "Unrelated"]) {
      const { number } = await createTicket({
        ctx: desk.as(customer.actor),
        input: { subject, body: "Help." },
      });
      numbers.push(number);
    }
    // As the release before filed them: a document per text, positions kept.
    const { db } = desk.database;
    for (const number of numbers)
      for (const [visibility, text] of [
        ["public", `echidna reply for ${number}`],
        ["public", "platypus detail"],
        ["internal", "bilby note"],
        ["internal", "bilby second note"],
      ] as const)
        await sql`INSERT INTO ticket_search (ticket_id, visibility, document)
          SELECT id, ${visibility}, to_tsvector('english', ${text}) FROM tickets WHERE number = ${number}`.execute(
          db,
        );
    expect(await documentRows(numbers[0] ?? 0)).toEqual({ public: 3, internal: 2 });
    const before = {
      echidna: await searchedNumbers("echidna"),
      platypus: await searchedNumbers("platypus"),
      bilby: await searchedNumbers("bilby note"),
    };

    const run = await compactSearchIndex(desk.system);
    expect(run.finished).toBe(true);
    expect(run.steps).toBeGreaterThan(0);
    for (const number of numbers) expect(await documentRows(number)).toEqual({ public: 1, internal: 1 });
    expect({
      echidna: await searchedNumbers("echidna"),
      platypus: await searchedNumbers("platypus"),
      bilby: await searchedNumbers("bilby note"),
    }).toEqual(before);
    expect(before.echidna).toEqual(numbers);

    // The cursor stands at the last ticket: the next run looks at nothing it has seen.
    const cursor = await db
      .selectFrom("counters")
      .select("value")
      .where("name", "=", mergedThroughCounter)
      .executeTakeFirstOrThrow();
    expect(cursor.value).toBeGreaterThanOrEqual(numbers.at(-1) ?? 0);
    expect(await compactSearchIndex(desk.system)).toEqual({ steps: 0, finished: true });
  });

  it("skips a bulk load's tickets only when every ticket before them was merged", async () => {
    const db = desk.database.db;
    const cursor = async () =>
      Number(
        (
          await db
            .selectFrom("counters")
            .select("value")
            .where("name", "=", mergedThroughCounter)
            .executeTakeFirstOrThrow()
        ).value,
      );
    while (!(await compactSearchIndex(desk.system)).finished);
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    // Written since the job last passed: not merged as far as the cursor knows.
    const { number } = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Quokka sighting", body: "By the ferry." },
    });
    const before = await cursor();
    expect(before).toBeLessThan(number);
    const load = { firstNumber: number + 1, lastNumber: number + 1000 };
    expect(await markLoadedTicketsMerged(db, load)).toBe(false);
    expect(await cursor()).toBe(before);

    // Once the job has passed that ticket, a load after it is marked merged in one move.
    while (!(await compactSearchIndex(desk.system)).finished);
    expect(await cursor()).toBe(number);
    expect(await markLoadedTicketsMerged(db, load)).toBe(true);
    expect(await cursor()).toBe(number + 1000);
    // A load of lower numbers never moves the cursor back.
    expect(await markLoadedTicketsMerged(db, { firstNumber: number + 1, lastNumber: number + 10 })).toBe(
      true,
    );
    expect(await cursor()).toBe(number + 1000);
  });
});
