import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { inTransaction } from "../../shared/context.js";
import { createTicket } from "../tickets/create-ticket.js";
import type { Severity } from "../tickets/ticket.js";
import { installDefaultPolicies } from "./default-policies.js";
import { recomputeTicketSla } from "./recompute-ticket-sla.js";

const desk = useTestDesk();

/** What a ticket's clocks left in the database, apart from when each row was last written. */
async function storedClocksOf(ticketId: string) {
  const { db } = desk.database;
  const [clocks, facts, ticket, events] = await Promise.all([
    db.selectFrom("sla_clocks").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute(),
    db
      .selectFrom("sla_report_facts")
      .selectAll()
      .where("ticket_id", "=", ticketId)
      .orderBy("clock_id")
      .execute(),
    db.selectFrom("tickets").select("next_sla_due_at").where("id", "=", ticketId).executeTakeFirstOrThrow(),
    db
      .selectFrom("ticket_events")
      .select(["kind", "field", "to_value"])
      .where("ticket_id", "=", ticketId)
      .where("kind", "in", ["sla_achieved", "sla_breached"])
      .execute(),
  ]);
  return { clocks: clocks.map(({ updated_at: _, ...clock }) => clock), facts, ticket, events };
}

describe("a new ticket's clocks, computed from what its creation writes", () => {
  it("are the clocks, report facts and due time a recomputation from the database gives", async () => {
    await installDefaultPolicies(desk.system);
    const agent = await desk.makeAgent();
    const requesters = [
      await desk.makeCustomer(null),
      await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id),
      await desk.makeCustomer((await desk.makeOrganization({ plan: "self_hosted" })).id),
      await desk.makeCustomer((await desk.makeOrganization({ plan: "custom", stage: "pre_sales" })).id),
    ];
    const cases: Array<{
      severity: Severity;
      status?: "new" | "open" | "pending" | "solved";
      tags?: string[];
    }> = [
      { severity: "sev1" },
      { severity: "sev2", status: "open", tags: ["billing"] },
      { severity: "sev2", status: "pending" },
      // Solved as it is opened: the resolution clock is achieved at once, an event of its own.
      { severity: "sev1", status: "solved" },
    ];
    // A weekday in business hours, then a Saturday night: clocks that start at once and ones that wait.
    const instants = ["2026-11-24T15:00:00.000Z", "2026-11-28T23:30:00.000Z"];
    let compared = 0;
    for (const instant of instants) {
      desk.clock.set(instant);
      for (const requester of requesters) {
        for (const input of cases) {
          const ticket = await createTicket({
            ctx: desk.as(agent.actor),
            input: {
              subject: "Exports fail",
              body: "The nightly export fails.",
              requesterId: requester.id,
              ...input,
            },
          });
          const atCreation = await storedClocksOf(ticket.id);
          expect(atCreation.clocks.length).toBeGreaterThan(0);
          await inTransaction(desk.system, (tx) => recomputeTicketSla(tx, ticket.id));
          expect(
            await storedClocksOf(ticket.id),
            `${instant} ${requester.email} ${JSON.stringify(input)}`,
          ).toEqual(atCreation);
          compared += 1;
        }
      }
    }
    expect(compared).toBe(instants.length * requesters.length * cases.length);
  });
});
