import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { enqueueJob, JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { openTicketStream, until } from "../support/ticket-stream-client.js";

const desk = useTestDesk();
let baseUrl: string;
let agent: Person;
let colleague: Person;
let requester: Person;

beforeAll(async () => {
  // A real socket: the stream's framing, flushing and disconnects are what is under test.
  await desk.app.listen({ port: 0, host: "127.0.0.1" });
  baseUrl = `http://127.0.0.1:${(desk.app.server.address() as AddressInfo).port}`;
  agent = await desk.makeAgent();
  colleague = await desk.makeAgent();
  requester = await desk.makeCustomer((await desk.makeOrganization()).id);
});

/** Opens the stream on this desk's socket. */
const openStream = (headers: Record<string, string>) => openTicketStream(baseUrl, headers);

async function createTicket(by: Person, payload: Record<string, unknown> = {}) {
  const created = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: by.auth,
    payload: {
      subject: "Stream me",
      body: "Watching this one",
      ...(by.role === "customer" ? {} : { requesterId: requester.id }),
      ...payload,
    },
  });
  expect(created.statusCode).toBe(201);
  return created.json() as { number: number; version: number };
}

describe("GET /api/v1/stream", () => {
  it("tells a signed-in agent, within a second, of a change another agent makes through the API", async () => {
    const stream = await openStream(agent.auth);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.response.headers.get("cache-control")).toContain("no-cache");
    await until(() => stream.comments.includes("connected"));

    const ticket = await createTicket(colleague);
    const [created] = await stream.ticketEvent(ticket.number);
    expect(created).toEqual({
      number: ticket.number,
      version: 1,
      changedBy: { id: colleague.id, name: colleague.name },
    });

    const patched = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: colleague.auth,
      payload: { version: 1, severity: "sev1" },
    });
    expect(patched.statusCode).toBe(200);
    await until(() => stream.events.filter((e) => e.data.includes(`"version":2`)).length > 0);
    const versions = (await stream.ticketEvent(ticket.number)).map((e) => e.version);
    expect(versions).toContain(2);
    await stream.close();
  });

  it("carries changes a timer commits in the same process, with no person behind them", async () => {
    const customerOrg = await desk.makeOrganization();
    const customer = await desk.makeCustomer(customerOrg.id);
    const ticket = await createTicket(customer);
    const pending = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.auth,
      payload: { version: 1, status: "pending" },
    });
    expect(pending.statusCode).toBe(200);

    const stream = await openStream(agent.auth);
    await until(() => stream.comments.includes("connected"));
    desk.clock.advance(6 * 24 * 3_600_000);
    // The worker role as main.ts wires it: the registered job kinds, run on a system context.
    const worker = registerJobs(new JobRunner(desk.system));
    await enqueueJob(desk.system, "tickets.auto-solve-pending", {});
    expect(await worker.runDueJobs()).toBe(1);
    const [solved] = await stream.ticketEvent(ticket.number);
    expect(solved).toEqual({ number: ticket.number, version: 3, changedBy: null });
    await stream.close();
  });

  it("names the customer who opened a ticket even when Tend acknowledged it because support was closed", async () => {
    // The desk's clock stands at 01:00 in Los Angeles on a Monday: the default calendar is closed,
    // and the defaults `tend serve` installs acknowledge a customer's ticket then.
    await installDefaultPolicies(desk.system);
    await installHealthDefaults(desk.system);
    const customerOrg = await desk.makeOrganization();
    const customer = await desk.makeCustomer(customerOrg.id);
    const stream = await openStream(agent.auth);
    await until(() => stream.comments.includes("connected"));
    const ticket = await createTicket(customer);
    const comments = await desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
    });
    // The description, and the acknowledgement Tend added in the same transaction.
    expect(comments.json()).toHaveLength(2);
    const [announced] = await stream.ticketEvent(ticket.number);
    expect(announced).toEqual({
      number: ticket.number,
      version: 1,
      changedBy: { id: customer.id, name: customer.name },
    });
    await stream.close();
  });

  it("signs in by session cookie too", async () => {
    const password = "correct horse battery staple 42";
    const person = await desk.makeAgent({ password });
    const session = await desk.signIn(person.email, password);
    const stream = await openStream({ cookie: session.cookie });
    expect(stream.response.status).toBe(200);
    const ticket = await createTicket(colleague);
    await stream.ticketEvent(ticket.number);
    await stream.close();
  });

  it("refuses customers and anonymous callers with problem+json", async () => {
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const asCustomer = await fetch(`${baseUrl}/api/v1/stream`, {
      headers: { accept: "text/event-stream", ...customer.auth },
    });
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.headers.get("content-type")).toContain("application/problem+json");
    const anonymous = await fetch(`${baseUrl}/api/v1/stream`, { headers: { accept: "text/event-stream" } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { status: number }).status).toBe(401);
  });

  it("answers a client that does not ask for an event stream with 406, at once", async () => {
    const asJson = await desk.app.inject({
      url: "/api/v1/stream",
      headers: { ...agent.auth, accept: "application/json" },
    });
    expect(asJson.statusCode).toBe(406);
    expect(asJson.headers["content-type"]).toContain("application/problem+json");
    expect((await desk.app.inject({ url: "/api/v1/stream", headers: agent.auth })).statusCode).toBe(406);
  });

  it("stops listening when the client disconnects", async () => {
    const before = desk.changeFeed.listenerCount;
    const stream = await openStream(agent.auth);
    await until(() => desk.changeFeed.listenerCount === before + 1);
    await stream.close();
    await until(() => desk.changeFeed.listenerCount === before);
  });

  it("announces nothing for a refused change", async () => {
    const stream = await openStream(agent.auth);
    await until(() => stream.comments.includes("connected"));
    const ticket = await createTicket(colleague);
    await stream.ticketEvent(ticket.number);
    const stale = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: colleague.auth,
      payload: { version: 1, status: "closed" },
    });
    expect(stale.statusCode).toBe(409);
    // A later change arrives; nothing about the refused one came before it.
    const patched = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: colleague.auth,
      payload: { version: 1, severity: "sev1" },
    });
    expect(patched.statusCode).toBe(200);
    await until(() => stream.events.filter((e) => e.data.includes(`"number":${ticket.number}`)).length >= 2);
    expect((await stream.ticketEvent(ticket.number)).map((e) => e.version)).toEqual([1, 2]);
    await stream.close();
  });
});
