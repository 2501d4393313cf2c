import { beforeAll, describe, expect, it } from "vitest";
import { addComment } from "../../src/modules/tickets/add-comment.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { updateTicket } from "../../src/modules/tickets/update-ticket.js";
import { inTransaction } from "../../src/shared/context.js";
import {
  publishDomainEvent,
  readDomainEvent,
  setDomainEventSubscriptions,
} from "../../src/shared/domain-events.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The domain-event outbox: ticket use cases publish `ticket.*` events in their own transaction, and
 * each consumer that subscribed to a kind gets one job naming the event — none when nobody listens,
 * none for a change that rolled back.
 */
const desk = useTestDesk();
let agent: Person;
let customer: Person;

async function queuedEventIds(jobKind: string): Promise<string[]> {
  const jobs = await desk.database.db
    .selectFrom("jobs")
    .select("payload")
    .where("kind", "=", jobKind)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return jobs.map((job) => (JSON.parse(job.payload) as { eventId: string }).eventId);
}

beforeAll(async () => {
  const organization = await desk.makeOrganization();
  customer = await desk.makeCustomer(organization.id);
  agent = await desk.makeAgent();
});

describe("publishing domain events", () => {
  it("queues nothing while no consumer subscribes, and stores the event all the same", async () => {
    const before = await desk.database.db
      .selectFrom("domain_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("kind", "=", "ticket.created")
      .executeTakeFirstOrThrow();
    await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Nobody listens", body: "Quiet." },
    });
    const after = await desk.database.db
      .selectFrom("domain_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("kind", "=", "ticket.created")
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    expect(await queuedEventIds("test.all-events")).toEqual([]);
  });

  it("gives each subscribed consumer one job per event of its kinds, with who caused it", async () => {
    await setDomainEventSubscriptions(desk.database.db, "test.ticket-stream", ["ticket.created"]);
    await setDomainEventSubscriptions(desk.database.db, "test.all-events", ["*"]);
    const ticket = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "The export fails", body: "Since this morning.", severity: "sev1" },
    });
    const updated = await updateTicket({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { version: ticket.version, status: "open", assigneeId: agent.id },
    });
    await addComment({
      ctx: desk.as(agent.actor),
      number: updated.number,
      input: { body: "Looking at the export logs.", visibility: "internal" },
    });

    const [createdId] = await queuedEventIds("test.ticket-stream");
    expect(await queuedEventIds("test.ticket-stream")).toHaveLength(1);
    const created = await readDomainEvent(desk.database.db, createdId as string);
    expect(created).toMatchObject({
      kind: "ticket.created",
      payload: {
        ticketNumber: ticket.number,
        subject: "The export fails",
        channel: "portal",
        severity: "sev1",
        requesterId: customer.id,
        actor: { kind: "person", personId: customer.id, role: "customer" },
      },
    });

    const all = await Promise.all(
      (await queuedEventIds("test.all-events")).map((id) => readDomainEvent(desk.database.db, id)),
    );
    const ofTicket = all.filter((event) => event?.payload.ticketNumber === ticket.number);
    expect(ofTicket.map((event) => event?.kind)).toEqual([
      "ticket.created",
      "ticket.updated",
      "ticket.commented",
    ]);
    expect(ofTicket[1]?.payload).toMatchObject({
      before: { status: "new", assignee_id: null },
      after: { status: "open", assignee_id: agent.id },
      actor: { kind: "person", personId: agent.id },
    });
    expect(ofTicket[2]?.payload).toMatchObject({ visibility: "internal", authorId: agent.id });
  });

  it("publishes nothing, and queues nothing, for a change that rolls back", async () => {
    const jobsBefore = await queuedEventIds("test.all-events");
    await expect(
      inTransaction(desk.system, async (tx) => {
        await publishDomainEvent(tx, "sla.breached", null, { note: "rolled back" });
        throw new Error("the change fails after publishing");
      }),
    ).rejects.toThrow("the change fails after publishing");
    expect(await queuedEventIds("test.all-events")).toEqual(jobsBefore);
  });

  it("stops queueing for a consumer once it unsubscribes", async () => {
    await setDomainEventSubscriptions(desk.database.db, "test.ticket-stream", []);
    const before = await queuedEventIds("test.ticket-stream");
    await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "After unsubscribing", body: "Still quiet." },
    });
    expect(await queuedEventIds("test.ticket-stream")).toEqual(before);
  });

  it("reads an event that no longer exists as undefined", async () => {
    expect(await readDomainEvent(desk.database.db, "0190b4c5-0000-7000-8000-000000000000")).toBeUndefined();
  });
});
