import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../test/support/test-desk.js";
import { addComment } from "../modules/tickets/add-comment.js";
import { createTicket } from "../modules/tickets/create-ticket.js";

const desk = useTestDesk();

describe("PostgreSQL's statistics of a ticket's comments and events", () => {
  it("count distinct tickets as a help desk's ratio of rows, not as a sample of clustered rows suggests", async () => {
    if (desk.database.dialect !== "postgres") return;
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer(null);
    const ticket = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Export fails", body: "The export stops at 80%." },
    });
    for (let reply = 0; reply < 30; reply += 1)
      await addComment({
        ctx: desk.as(agent.actor),
        number: ticket.number,
        input: { body: `Step ${reply}` },
      });
    await sql`ANALYZE comments`.execute(desk.database.db);
    await sql`ANALYZE ticket_events`.execute(desk.database.db);

    // Sampled, every row here is one ticket's: n_distinct would read 1. A negative value is a share of
    // the rows: a ticket in 5 comments and in 10 events, however many tickets the desk holds.
    const { rows } = await sql<{ tablename: string; n_distinct: number }>`
      SELECT tablename, n_distinct FROM pg_stats
      WHERE schemaname = current_schema() AND attname = 'ticket_id'
        AND tablename IN ('comments', 'ticket_events')
      ORDER BY tablename`.execute(desk.database.db);
    expect(rows.map((row) => [row.tablename, Number(row.n_distinct)])).toEqual([
      ["comments", -0.2],
      ["ticket_events", -0.1],
    ]);
  });
});
