import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { commitsWithin } from "../../../test/support/lock-waits.js";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { inTransaction } from "../../shared/context.js";
import { createTicket } from "../tickets/create-ticket.js";
import { installDefaultPolicies } from "./default-policies.js";
import { recomputeTicketSla } from "./recompute-ticket-sla.js";

const desk = useTestDesk();

describe("a ticket's SLA recomputation on PostgreSQL", () => {
  it("does not wait for the key-share lock a concurrent comment's foreign key holds on the ticket", async (context) => {
    if (desk.database.dialect !== "postgres") return context.skip();
    await installDefaultPolicies(desk.system);
    const agent = await desk.makeAgent();
    const requester = await desk.makeCustomer(null);
    const ticket = await createTicket({
      ctx: desk.as(agent.actor),
      input: { subject: "Exports fail", body: "The nightly export fails.", requesterId: requester.id },
    });

    await desk.database.db.connection().execute(async (other) => {
      // Another transaction inserting a comment on the ticket: its foreign-key check holds this lock.
      await sql`begin`.execute(other);
      await sql`select 1 from tickets where id = ${ticket.id} for key share`.execute(other);
      // This one changes the ticket and recomputes its clocks, as every ticket change does. Had the
      // recomputation waited for the key-share lock, the other transaction's own update of the ticket
      // (which waits for this one) would close the circle: a deadlock.
      const change = inTransaction(desk.system, async (tx) => {
        await tx.db
          .updateTable("tickets")
          .set({ updated_at: desk.clock.now().toISOString() })
          .where("id", "=", ticket.id)
          .execute();
        await recomputeTicketSla(tx, ticket.id);
      });
      const outcome = await commitsWithin(change);
      await sql`rollback`.execute(other);
      await change;
      expect(outcome).toBe("committed");
    });
  });
});
