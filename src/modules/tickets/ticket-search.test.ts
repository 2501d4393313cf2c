import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { insertInBatches } from "../demo/insert-in-batches.js";
import { createTicket } from "./create-ticket.js";
import { listTickets } from "./read-tickets.js";
import { frequentDocuments, searchIsFrequent, ticketIdMatches } from "./ticket-search.js";

const desk = useTestDesk();

/** Ticket numbers a search lists for an agent, newest first, every page. */
async function searched(text: string): Promise<number[]> {
  const agent = await desk.makeAgent();
  const numbers: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets({
      ctx: desk.as(agent.actor),
      filter: { text, sort: "-updatedAt" },
      limit: 100,
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
    const filler = Array.from({ length: frequentDocuments[dialect] }, (_, index) => ({
      ticketId: firstId,
      visibility: "internal",
      text: `zanzibarite note ${index}`,
    }));
    await insertInBatches(filler, async (rows) => {
      const values = rows.map(({ ticketId, visibility, text }) =>
        dialect === "postgres"
          ? sql`(${ticketId}, ${visibility}, to_tsvector('english', ${text}))`
          : sql`(${ticketId}, ${visibility}, ${text})`,
      );
      const column = dialect === "postgres" ? sql`document` : sql`body`;
      await sql`INSERT INTO ticket_search (ticket_id, visibility, ${column}) VALUES ${sql.join(values)}`.execute(
        db,
      );
    });
    expect(await searchIsFrequent(db, dialect, "zanzibarite", ["public", "internal"])).toBe(true);
    // A customer sees public documents only: for them the word is still rare.
    expect(await searchIsFrequent(db, dialect, "zanzibarite", ["public"])).toBe(false);
    const expected = [tickets[2]?.number, tickets[0]?.number];
    expect(await searched("zanzibarite")).toEqual(expected);
  });
});
