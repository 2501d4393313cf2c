import { describe, expect, it } from "vitest";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

describe("tickets over HTTP", () => {
  it("creates a ticket as a customer and shows it in their organization's list", async () => {
    const org = await desk.makeOrganization();
    const alice = await desk.makeCustomer(org.id);
    const bob = await desk.makeCustomer(org.id);
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: alice.auth,
      payload: { subject: "Cannot log in", body: "Since this morning SSO fails with error 500." },
    });
    expect(created.statusCode).toBe(201);
    const ticket = created.json();
    expect(ticket).toMatchObject({
      subject: "Cannot log in",
      status: "new",
      severity: "sev2",
      category: "other",
      channel: "api",
      requester: { id: alice.id },
      organization: { id: org.id },
      // Routed to Tier 1, which is the desk's business: the customer's view leaves the group out.
      group: null,
      version: 1,
    });
    expect(ticket.number).toBeGreaterThan(1000);
    const agent = await desk.makeAgent();
    const asStaff = await desk.app.inject({ url: `/api/v1/tickets/${ticket.number}`, headers: agent.auth });
    expect(asStaff.json().group).toMatchObject({ name: "Tier 1" });

    const list = await desk.app.inject({ url: "/api/v1/tickets", headers: bob.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((t: { number: number }) => t.number)).toContain(ticket.number);
  });

  it("hides another organization's ticket as not found", async () => {
    const orgA = await desk.makeOrganization();
    const orgB = await desk.makeOrganization();
    const a = await desk.makeCustomer(orgA.id);
    const b = await desk.makeCustomer(orgB.id);
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: a.auth,
      payload: { subject: "Secret outage", body: "Our private details" },
    });
    const { number } = created.json();
    for (const url of [
      `/api/v1/tickets/${number}`,
      `/api/v1/tickets/${number}/comments`,
      `/api/v1/tickets/${number}/events`,
    ]) {
      const response = await desk.app.inject({ url, headers: b.auth });
      expect(response.statusCode).toBe(404);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      expect(response.body).not.toContain("Secret outage");
    }
    const missing = await desk.app.inject({ url: "/api/v1/tickets/999999", headers: b.auth });
    expect(missing.json().detail).toBe("No ticket #999999.");
    const foreign = await desk.app.inject({ url: `/api/v1/tickets/${number}`, headers: b.auth });
    expect(foreign.json().detail).toBe(`No ticket #${number}.`);

    const comment = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: b.auth,
      payload: { body: "let me in" },
    });
    expect(comment.statusCode).toBe(404);
    const search = await desk.app.inject({ url: "/api/v1/tickets?text=secret%20outage", headers: b.auth });
    expect(search.json().items).toEqual([]);
    const byOrg = await desk.app.inject({
      url: `/api/v1/tickets?organizationId=${orgA.id}`,
      headers: b.auth,
    });
    expect(byOrg.json().items).toEqual([]);
  });

  it("refuses unknown fields naming them, bad JSON, oversized bodies and bad numbers", async () => {
    const agent = await desk.makeAgent();
    const unknown = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: agent.auth,
      payload: { subject: "x", body: "y", requesterId: agent.id, priority: "urgent" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toContainEqual({ field: "/body/priority", message: "unknown field" });

    const badJson = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: { ...agent.auth, "content-type": "application/json" },
      payload: '{"subject": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.headers["content-type"]).toContain("application/problem+json");

    const huge = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: agent.auth,
      payload: { subject: "big", body: "x".repeat(100 * 1024) },
    });
    expect(huge.statusCode).toBe(413);

    const badStatus = await desk.app.inject({ url: "/api/v1/tickets?status=bogus", headers: agent.auth });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe("/query/status/0");

    const badNumber = await desk.app.inject({ url: "/api/v1/tickets/abc", headers: agent.auth });
    expect(badNumber.statusCode).toBe(400);
  });

  it("requires authentication and refuses unknown tokens", async () => {
    const anonymous = await desk.app.inject({ url: "/api/v1/tickets" });
    expect(anonymous.statusCode).toBe(401);
    const wrong = await desk.app.inject({
      url: "/api/v1/tickets",
      headers: { authorization: "Bearer tend_nope" },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it("gives a stale update 409 with the current ticket", async () => {
    const agent = await desk.makeAgent();
    const other = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: { subject: "Backups", body: "Nightly backup failed", requesterId: customer.id },
      })
    ).json();
    const first = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${number}`,
      headers: agent.auth,
      payload: { version: 1, status: "open", assigneeId: agent.id },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: "open", version: 2, assignee: { id: agent.id } });

    const stale = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${number}`,
      headers: other.auth,
      payload: { version: 1, assigneeId: other.id },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current).toMatchObject({ version: 2, assignee: { id: agent.id } });
  });

  it("refuses invalid transitions with the reason", async () => {
    const agent = await desk.makeAgent();
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: { subject: "x", body: "y", requester: { email: `new${desk.unique()}@mail.example` } },
      })
    ).json();
    const closed = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${number}`,
      headers: agent.auth,
      payload: { version: 1, status: "closed" },
    });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().detail).toContain("close automatically");
  });

  it("records every change as an event and hides internal notes from customers", async () => {
    const agent = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: customer.auth,
        payload: { subject: "Provisioning", body: "Please create a staging environment" },
      })
    ).json();
    const note = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: { body: "Customer is on the legacy cluster", visibility: "internal" },
    });
    expect(note.statusCode).toBe(201);
    expect(note.json().ticket.status).toBe("new");
    const reply = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: { body: "Staging is ready at staging.example; please confirm.", status: "pending" },
    });
    expect(reply.json().ticket).toMatchObject({ status: "pending", version: 3 });

    const customerComments = await desk.app.inject({
      url: `/api/v1/tickets/${number}/comments`,
      headers: customer.auth,
    });
    expect(customerComments.json().map((c: { bodyText: string }) => c.bodyText)).toEqual([
      "Please create a staging environment",
      "Staging is ready at staging.example; please confirm.",
    ]);
    const agentComments = await desk.app.inject({
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
    });
    expect(agentComments.json()).toHaveLength(3);

    const events = (
      await desk.app.inject({ url: `/api/v1/tickets/${number}/events`, headers: agent.auth })
    ).json();
    expect(
      events.map((e: { kind: string; field: string | null; to: string | null }) => [e.kind, e.field]),
    ).toEqual([
      ["created", "status"],
      ["public_reply_added", null],
      ["internal_note_added", null],
      ["field_changed", "status"],
      ["public_reply_added", null],
    ]);
    const customerEvents = (
      await desk.app.inject({ url: `/api/v1/tickets/${number}/events`, headers: customer.auth })
    ).json();
    expect(customerEvents.map((e: { kind: string }) => e.kind)).not.toContain("internal_note_added");

    const customerSearch = await desk.app.inject({
      url: "/api/v1/tickets?text=legacy%20cluster",
      headers: customer.auth,
    });
    expect(customerSearch.json().items).toEqual([]);
    const agentSearch = await desk.app.inject({
      url: "/api/v1/tickets?text=legacy%20cluster",
      headers: agent.auth,
    });
    expect(agentSearch.json().items.map((t: { number: number }) => t.number)).toEqual([number]);
  });

  it("reopens on a customer reply and starts a follow-up after Closed", async () => {
    const agent = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: customer.auth,
        payload: { subject: "Rate limits", body: "We hit 429s" },
      })
    ).json();
    await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: { body: "Raised your limit.", status: "solved" },
    });
    const reopened = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: customer.auth,
      payload: { body: "Still seeing them." },
    });
    expect(reopened.json().ticket.status).toBe("open");
    const events = (
      await desk.app.inject({ url: `/api/v1/tickets/${number}/events`, headers: agent.auth })
    ).json();
    expect(events.at(-2)).toMatchObject({
      kind: "field_changed",
      from: "solved",
      to: "open",
      reason: "Customer replied",
    });
  });

  it("pages through a filtered list with cursors, newest first", async () => {
    const agent = await desk.makeAgent();
    const tag = `batch${desk.unique()}`;
    const numbers: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      desk.clock.advance(1000);
      const response = await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: { subject: `Paged ${i}`, body: "b", requesterId: agent.id, tags: [tag] },
      });
      numbers.push(response.json().number);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tickets?tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page: { items: { number: number }[]; nextCursor: string | null } = (
        await desk.app.inject({ url, headers: agent.auth })
      ).json();
      seen.push(...page.items.map((t: { number: number }) => t.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...numbers].reverse());

    const badCursor = await desk.app.inject({ url: "/api/v1/tickets?cursor=zzz", headers: agent.auth });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().errors[0].field).toBe("cursor");
  });
});

describe("tickets under concurrency and failure", () => {
  it("gives exactly one of two simultaneous updates a 409", async () => {
    const agent = await desk.makeAgent();
    const other = await desk.makeAgent();
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: { subject: "Race", body: "two agents", requesterId: agent.id },
      })
    ).json();
    const responses = await Promise.all(
      [agent, other].map((person) =>
        desk.app.inject({
          method: "PATCH",
          url: `/api/v1/tickets/${number}`,
          headers: person.auth,
          payload: { version: 1, assigneeId: person.id },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = responses.find((r) => r.statusCode === 200)!.json();
    const final = (await desk.app.inject({ url: `/api/v1/tickets/${number}`, headers: agent.auth })).json();
    expect(final).toMatchObject({ version: 2, assignee: { id: winner.assignee.id } });
  });

  it("writes nothing when a create fails half-way", async () => {
    const agent = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const before = (
      await desk.app.inject({ url: "/api/v1/tickets?limit=1&sort=-createdAt", headers: agent.auth })
    ).json();
    const email = `ghost${desk.unique()}@mail.example`;
    // The requester is created inside the transaction before the assignee check fails.
    const failed = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: agent.auth,
      payload: { subject: "Half", body: "written", requester: { email }, assigneeId: customer.id },
    });
    expect(failed.statusCode).toBe(400);
    expect(failed.json().errors).toEqual([
      { field: "assigneeId", message: "tickets are assigned to agents, not customers" },
    ]);
    const people = (
      await desk.app.inject({ url: "/api/v1/people?limit=200&role=customer", headers: agent.auth })
    ).json();
    expect(people.items.map((p: { email: string }) => p.email)).not.toContain(email);

    const next = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: agent.auth,
        payload: { subject: "Whole", body: "written", requesterId: customer.id },
      })
    ).json();
    // The failed attempt did not consume a ticket number either.
    expect(next.number).toBe(before.items[0].number + 1);
  });
});

describe("qualifying responses over HTTP", () => {
  it("marks a reply with summary and next steps qualifying and keeps 'we are on it' as not qualifying", async () => {
    const agent = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const { number } = (
      await desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: customer.auth,
        payload: { subject: "Deploys fail", body: "Every deploy times out" },
      })
    ).json();
    const ack = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: { body: "We are on it." },
    });
    expect(ack.json().comment).toMatchObject({ qualifying: false, summary: null });
    const answer = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: {
        summary: "The build cache filled the disk; we cleared it.",
        nextSteps: "Retry the deploy; we watch it.",
      },
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.json().comment).toMatchObject({
      qualifying: true,
      summary: "The build cache filled the disk; we cleared it.",
      bodyText: expect.stringContaining("Next steps:\nRetry the deploy; we watch it."),
    });
    const refused = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: customer.auth,
      payload: { body: "thanks", summary: "I did things", nextSteps: "none" },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].field).toBe("summary");
  });
});
