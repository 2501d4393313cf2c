import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { compactSearchIndex } from "./compact-search-index.js";
import { createTicket } from "./create-ticket.js";
import { listTickets } from "./read-tickets.js";
import { searchIndexSegments } from "./ticket-search.js";

const desk = useTestDesk();

describe("compacting the search index", () => {
  it("merges SQLite's segments into one and every document stays found", async () => {
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const agent = await desk.makeAgent();
    const created = [];
    for (let n = 0; n < 6; n += 1)
      created.push(
        await createTicket({
          ctx: desk.as(customer.actor),
          input: { subject: `Platypus report ${n}`, body: `Sighting number ${n} by the river.` },
        }),
      );
    const compacted = await compactSearchIndex(desk.system);
    if (desk.database.dialect === "postgres") {
      expect(compacted).toEqual({ steps: 0, segments: 0 });
      return;
    }
    // Each ticket's transaction wrote a segment of its own.
    expect(compacted.steps).toBeGreaterThan(0);
    expect(compacted.segments).toBe(1);
    expect(await searchIndexSegments(desk.database.db)).toBe(1);
    expect(await compactSearchIndex(desk.system)).toEqual({ steps: 0, segments: 1 });
    for (const text of ["platypus", "river sighting"]) {
      const page = await listTickets({ ctx: desk.as(agent.actor), filter: { text }, limit: 50 });
      expect(page.items.map((ticket) => ticket.number).sort((a, b) => a - b)).toEqual(
        created.map((ticket) => ticket.number),
      );
    }
  });
});
