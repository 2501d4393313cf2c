import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { testDialect } from "../../../test/support/test-database.js";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { insertInBatches } from "../demo/insert-in-batches.js";
import { addComment } from "./add-comment.js";
import { createTicket } from "./create-ticket.js";
import { listTickets } from "./read-tickets.js";
import {
  documentsPerTicket,
  frequentDocuments,
  frequentInSample,
  sampledFrequencyMargin,
  searchIsFrequent,
  ticketIdMatches,
} from "./ticket-search.js";

const desk = useTestDesk();

/** Ticket numbers a search lists for an agent, newest first, every page of `limit`. */
async function searched(text: string, limit = 100): Promise<number[]> {
  const agent = await desk.makeAgent();
  const numbers: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets({
      ctx: desk.as(agent.actor),
      filter: { text, sort: "-updatedAt" },
      limit,
      ...(cursor ? { cursor } : {}),
    });
    numbers.push(...page.items.map((ticket) => ticket.number));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return numbers;
}

describe("search picks its plan by how many documents match", () => {
  it("finds the same tickets through either plan", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const subjects = ["Gateway timeout on login", "Login page blank", "Invoice missing", "Gateway logs"];
    for (const subject of subjects)
      await createTicket({ ctx: desk.as(customer.actor), input: { subject, body: "Details inside." } });
    const { db, dialect } = desk.database;
    for (const word of ["gateway", "login", "invoice", "gateway login"]) {
      const plans = await Promise.all(
        [false, true].map(async (frequent) =>
          (
            await db
              .selectFrom("tickets")
              .select("tickets.subject")
              .where(ticketIdMatches(dialect, word, ["public", "internal"], frequent))
              .orderBy("tickets.subject")
              .execute()
          ).map((row) => row.subject),
        ),
      );
      expect(plans[1]).toEqual(plans[0]);
      expect(plans[0]?.length).toBeGreaterThan(0);
    }
  });

  it("pages through a search's tickets newest first, each once", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const numbers: number[] = [];
    for (let n = 0; n < 5; n += 1) {
      const { number } = await createTicket({
        ctx: desk.as(customer.actor),
        input: { subject: n === 2 ? "Unrelated" : `Bandicoot sighting ${n}`, body: "Details inside." },
      });
      if (n !== 2) numbers.push(number);
    }
    expect(await searched("bandicoot", 2)).toEqual(numbers.reverse());
  });

  it("counts a word in the frequent number of documents as frequent and lists its tickets newest first all the same", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const { db, dialect } = desk.database;
    expect(await searchIsFrequent(db, dialect, "zanzibarite", ["public", "internal"])).toBe(false);
    const tickets = [];
    for (const subject of ["Zanzibarite rash", "Unrelated", "More zanzibarite"])
      tickets.push(
        await createTicket({ ctx: desk.as(customer.actor), input: { subject, body: "See subject." } }),
      );
    // The documents are notes on the first ticket: the word becomes frequent without as many tickets.
    const firstId = (
      await db
        .selectFrom("tickets")
        .select("id")
        .where("number", "=", tickets[0]?.number ?? 0)
        .executeTakeFirstOrThrow()
    ).id;
    const firstNumber = tickets[0]?.number ?? 0;
    // Filed as `indexSearchDocuments` files them: on SQLite under the ticket's number.
    const filler = Array.from({ length: frequentDocuments[dialect] }, (_, index) => ({
      rowid: firstNumber * documentsPerTicket + 2 + index,
      ticketId: firstId,
      visibility: "internal",
      text: `zanzibarite note ${index}`,
    }));
    await insertInBatches(filler, async (rows) => {
      if (dialect === "postgres") {
        const values = rows.map(
          ({ ticketId, visibility, text }) =>
            sql`(${ticketId}, ${visibility}, to_tsvector('english', ${text}))`,
        );
        await sql`INSERT INTO ticket_search (ticket_id, visibility, document) VALUES ${sql.join(values)}`.execute(
          db,
        );
        return;
      }
      const values = rows.map(
        ({ rowid, ticketId, visibility, text }) => sql`(${rowid}, ${ticketId}, ${visibility}, ${text})`,
      );
      await sql`INSERT INTO ticket_search (rowid, ticket_id, visibility, body) VALUES ${sql.join(values)}`.execute(
        db,
      );
    });
    expect(await searchIsFrequent(db, dialect, "zanzibarite", ["public", "internal"])).toBe(true);
    // A customer sees public documents only: for them the word is still rare on PostgreSQL; SQLite
    // counts every visibility (its index alone answers) and walks, which lists the same tickets.
    expect(await searchIsFrequent(db, dialect, "zanzibarite", ["public"])).toBe(dialect === "sqlite");
    const expected = [tickets[2]?.number, tickets[0]?.number];
    expect(await searched("zanzibarite")).toEqual(expected);
  });

  it("takes a single word PostgreSQL's sample holds frequent by a wide margin as frequent, without counting", () => {
    const documents = 1_000_000;
    const above = (sampledFrequencyMargin * frequentDocuments.postgres) / documents + 0.001;
    const sample = {
      lexemes: ["invoic"],
      commonLexemes: ["login", "invoic"],
      shares: [0.5, above],
      documents,
    };
    expect(frequentInSample(sample)).toBe(true);
    expect(frequentInSample({ ...sample, shares: [0.5, above / 2] })).toBe(false);
    // Each of two words may be frequent while few documents hold both: they are counted.
    expect(frequentInSample({ ...sample, lexemes: ["invoic", "login"] })).toBe(false);
    expect(frequentInSample({ ...sample, lexemes: ["kraken"] })).toBe(false);
    expect(frequentInSample({ ...sample, lexemes: [] })).toBe(false);
    // Before the first ANALYZE there is no sample.
    expect(frequentInSample({ ...sample, commonLexemes: null, shares: null })).toBe(false);
    expect(frequentInSample(undefined)).toBe(false);
  });

  it.runIf(testDialect === "postgres")(
    "reads PostgreSQL's sample for staff, and counts for a customer",
    async () => {
      const { db, dialect } = desk.database;
      if (dialect !== "postgres") return;
      const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
      const ticket = await createTicket({
        ctx: desk.as(customer.actor),
        input: { subject: "Quixotry", body: "See subject." },
      });
      const { id } = await db
        .selectFrom("tickets")
        .select("id")
        .where("number", "=", ticket.number)
        .executeTakeFirstOrThrow();
      const notes = Array.from(
        { length: sampledFrequencyMargin * frequentDocuments.postgres + 2_000 },
        (_, n) => ({ n }),
      );
      await insertInBatches(notes, async (batch) => {
        const values = batch.map(
          ({ n }) => sql`(${id}, 'internal', to_tsvector('english', ${`quixotry note ${n}`}))`,
        );
        await sql`INSERT INTO ticket_search (ticket_id, visibility, document) VALUES ${sql.join(values)}`.execute(
          db,
        );
      });
      await sql`ANALYZE ticket_search`.execute(db);
      // Gone again, but the sample still holds them: only a reading of the sample says frequent now.
      await sql`DELETE FROM ticket_search WHERE ticket_id = ${id} AND visibility = 'internal'`.execute(db);
      expect(await searchIsFrequent(db, dialect, "quixotry", ["public", "internal"])).toBe(true);
      expect(await searchIsFrequent(db, dialect, "quixotry note", ["public", "internal"])).toBe(false);
      expect(await searchIsFrequent(db, dialect, "quixotry", ["public"])).toBe(false);
      await sql`ANALYZE ticket_search`.execute(db);
    },
  );

  it("files a ticket's documents under its number on SQLite, and one filed otherwise counts for no other ticket", async () => {
    const { db, dialect } = desk.database;
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const agent = await desk.makeAgent();
    const first = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Quokka sighting", body: "A quokka in the server room." },
    });
    const second = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Printer jam", body: "Paper everywhere." },
    });
    await addComment({ ctx: desk.as(agent.actor), number: first.number, input: { body: "Quokka fed." } });
    if (dialect === "sqlite") {
      const rows = await sql<{ rowid: number }>`SELECT rowid FROM ticket_search
        WHERE ticket_id IN (${first.id}, ${second.id}) ORDER BY rowid`.execute(db);
      const base = (number: number) => number * documentsPerTicket;
      expect(rows.rows.map((row) => row.rowid)).toEqual([
        base(first.number),
        base(first.number) + 1,
        base(first.number) + 2,
        base(second.number),
        base(second.number) + 1,
      ]);
      // A document filed by a process of the release before numbering, under a rowid FTS5 picked (in
      // the newest ticket's range): neither plan gives it to that ticket.
      await sql`INSERT INTO ticket_search (rowid, ticket_id, visibility, body)
        VALUES (${base(second.number) + 7}, ${first.id}, 'public', 'wombat')`.execute(db);
    }
    for (const frequent of [false, true]) {
      const found = await db
        .selectFrom("tickets")
        .select("number")
        .where(ticketIdMatches(dialect, "quokka", ["public", "internal"], frequent))
        .execute();
      expect(found.map((row) => row.number)).toEqual([first.number]);
      if (dialect === "sqlite") {
        const wombat = await db
          .selectFrom("tickets")
          .select("number")
          .where(ticketIdMatches(dialect, "wombat", ["public"], frequent))
          .execute();
        expect(wombat.map((row) => row.number)).toEqual(frequent ? [] : [first.number]);
      }
    }
  });
});
