import pino from "pino";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { JobRunner } from "../../jobs/job-runner.js";
import { registerJobs } from "../../jobs/schedule.js";
import { DAY, MINUTE } from "../../shared/clock.js";
import { addComment } from "./add-comment.js";
import { createTicket } from "./create-ticket.js";
import { getTicket, listTicketEvents } from "./read-tickets.js";

const desk = useTestDesk();

function jobRunner() {
  return registerJobs(new JobRunner({ ...desk.system, logger: pino({ level: "silent" }) }));
}

async function pendingTicket() {
  const agent = await desk.makeAgent();
  const org = await desk.makeOrganization();
  const customer = await desk.makeCustomer(org.id);
  const ticket = await createTicket({
    ctx: desk.as(customer.actor),
    input: { subject: "Export stuck", body: "CSV export never finishes" },
  });
  await addComment({
    ctx: desk.as(agent.actor),
    number: ticket.number,
    input: { body: "Fixed the export worker; can you try again?", status: "pending" },
  });
  return { agent, customer, number: ticket.number };
}

describe("timed lifecycle rules on the job runner", () => {
  it("solves a Pending ticket after exactly 5 days of silence, not before, and says why", async () => {
    const runner = jobRunner();
    await runner.installSchedules();
    const { agent, number } = await pendingTicket();
    const pendingAt = desk.clock.now().getTime();

    desk.clock.set(new Date(pendingAt + 5 * DAY - 1));
    await runner.enqueueDueSchedules();
    await runner.runDueJobs();
    expect((await getTicket({ ctx: desk.as(agent.actor), number })).status).toBe("pending");

    desk.clock.set(new Date(pendingAt + 5 * DAY + MINUTE));
    expect(await runner.enqueueDueSchedules()).toBeGreaterThan(0);
    await runner.runDueJobs();
    const solved = await getTicket({ ctx: desk.as(agent.actor), number });
    expect(solved.status).toBe("solved");
    const events = await listTicketEvents({ ctx: desk.as(agent.actor), number });
    expect(events.at(-1)).toMatchObject({
      kind: "field_changed",
      field: "status",
      from: "pending",
      to: "solved",
      actor: null,
      channel: "system",
      reason: expect.stringContaining("5 days"),
    });
  });

  it("counts silence from the last activity: a customer reply restarts it", async () => {
    const runner = jobRunner();
    await runner.installSchedules();
    const { agent, customer, number } = await pendingTicket();
    desk.clock.advance(3 * DAY);
    const reply = await addComment({ ctx: desk.as(customer.actor), number, input: { body: "Still stuck." } });
    expect(reply.ticket.status).toBe("open");
    await addComment({
      ctx: desk.as(agent.actor),
      number,
      input: { body: "Try now please.", status: "pending" },
    });
    desk.clock.advance(4 * DAY);
    await runner.enqueueDueSchedules();
    await runner.runDueJobs();
    expect((await getTicket({ ctx: desk.as(agent.actor), number })).status).toBe("pending");
  });

  it("closes a Solved ticket after 4 days; a later customer reply opens a linked follow-up", async () => {
    const runner = jobRunner();
    await runner.installSchedules();
    const { agent, customer, number } = await pendingTicket();
    await addComment({ ctx: desk.as(agent.actor), number, input: { body: "Done.", status: "solved" } });
    desk.clock.advance(4 * DAY + MINUTE);
    await runner.enqueueDueSchedules();
    await runner.runDueJobs();
    const closed = await getTicket({ ctx: desk.as(agent.actor), number });
    expect(closed.status).toBe("closed");
    expect(closed.closedAt).not.toBeNull();

    const followUp = await addComment({
      ctx: desk.as(customer.actor),
      number,
      input: { body: "It broke again." },
    });
    expect(followUp.ticket.number).not.toBe(number);
    expect(followUp.ticket).toMatchObject({ status: "new", followUpOf: number, subject: closed.subject });
    expect(followUp.comment.bodyText).toBe("It broke again.");
    expect((await getTicket({ ctx: desk.as(agent.actor), number })).status).toBe("closed");
    const originalEvents = await listTicketEvents({ ctx: desk.as(agent.actor), number });
    expect(originalEvents.at(-1)).toMatchObject({
      kind: "follow_up_created",
      to: String(followUp.ticket.number),
    });

    await expect(
      addComment({ ctx: desk.as(agent.actor), number, input: { body: "Reopening" } }),
    ).rejects.toThrow(/closed and read-only/);
  });
});
