import { beforeAll, describe, expect, it } from "vitest";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { prepareDebriefs } from "../../src/modules/oncall/handoff-preparation.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * A full two-week support cycle through the API: Alice then Bob on a 2-week rotation handing off
 * Mondays 09:00 in Los Angeles (17:00 UTC). The desk clock starts Monday 2026-11-23 09:00 UTC.
 */
const desk = useTestDesk();
let admin: Person;
let alice: Person;
let bob: Person;
let carol: Person;
let customer: Person;
let scheduleId: string;

const firstHandoff = "2026-12-07T17:00:00.000Z";
const secondHandoff = "2026-12-21T17:00:00.000Z";

interface DebriefView {
  id: string;
  status: string;
  handoffAt: string;
  outgoing: { id: string; name: string };
  incoming: { id: string; name: string };
  overallNotes: string;
  reassignMode: string;
  version: number;
  leadNotifiedAt: string | null;
  items: {
    ticketId: string;
    notes: string;
    outcome: string | null;
    ticket: {
      number: number;
      subject: string;
      status: string;
      severity: string;
      slaClocks: { metric: string; state: string; dueAt: string | null; timeLeftMs: number | null }[];
      lastPublicUpdate: { excerpt: string; author: string } | null;
      lastInternalUpdate: { excerpt: string; author: string } | null;
    };
  }[];
}

async function call(person: Person | null, method: "GET" | "POST" | "PATCH", url: string, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: person ? person.auth : {},
    ...(payload ? { payload } : {}),
  });
}

async function ticketAssignedTo(person: Person, subject: string, severity: "sev1" | "sev2") {
  const created = await call(customer, "POST", "/tickets", {
    subject,
    body: `Details of ${subject}.`,
    severity,
  });
  expect(created.statusCode, created.body).toBe(201);
  const number = created.json().number as number;
  const read = await call(admin, "GET", `/tickets/${number}`);
  const assigned = await call(admin, "PATCH", `/tickets/${number}`, {
    version: read.json().version,
    assigneeId: person.id,
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  return number;
}

async function assigneeOf(number: number): Promise<string | null> {
  return (await call(admin, "GET", `/tickets/${number}`)).json().assignee?.id ?? null;
}

async function unacknowledgedEvents(debriefId: string): Promise<unknown[]> {
  const rows = await desk.database.db
    .selectFrom("domain_events")
    .select("payload")
    .where("kind", "=", "oncall.debrief_unacknowledged")
    .execute();
  return rows.map((row) => JSON.parse(row.payload)).filter((p) => p.debriefId === debriefId);
}

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  await installHealthDefaults(desk.system);
  admin = await desk.makeAgent({ role: "admin" });
  alice = await desk.makeAgent();
  bob = await desk.makeAgent();
  carol = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
  const created = await call(admin, "POST", "/oncall/schedules", {
    name: "Customer support",
    timeZone: "America/Los_Angeles",
    layers: [{ participants: [alice.id, bob.id], startDate: "2026-11-23", handoffTime: "09:00" }],
  });
  expect(created.statusCode, created.body).toBe(201);
  scheduleId = created.json().id;
});

describe("handoff debriefs", () => {
  let debrief: DebriefView;
  let outage: number;
  let provisioning: number;
  let solvedMeanwhile: number;

  it("are prepared by the job a day ahead, once, listing every open ticket the outgoing engineer owns", async () => {
    desk.clock.set(new Date("2026-12-07T14:00:00.000Z"));
    outage = await ticketAssignedTo(alice, "EU cluster unreachable", "sev1");
    provisioning = await ticketAssignedTo(alice, "Workspace stuck provisioning", "sev2");
    solvedMeanwhile = await ticketAssignedTo(alice, "Invoice address", "sev2");
    const carolsTicket = await ticketAssignedTo(carol, "Not Alice's", "sev2");
    const internal = await call(alice, "POST", `/tickets/${outage}/comments`, {
      body: "Waiting on the network team.",
      visibility: "internal",
    });
    expect(internal.statusCode, internal.body).toBe(201);
    const publicReply = await call(alice, "POST", `/tickets/${outage}/comments`, {
      body: "We are on it and will update within the hour.",
      visibility: "public",
    });
    expect(publicReply.statusCode, publicReply.body).toBe(201);

    // Before the window: the handoff is more than a day off.
    desk.clock.set(new Date("2026-12-06T16:00:00.000Z"));
    expect((await prepareDebriefs(desk.system)).prepared).toBe(0);

    desk.clock.set(new Date("2026-12-07T16:30:00.000Z"));
    const [first, second] = await Promise.all([prepareDebriefs(desk.system), prepareDebriefs(desk.system)]);
    expect(first.prepared + second.prepared).toBe(1);
    expect((await prepareDebriefs(desk.system)).prepared).toBe(0);

    const listed = await call(bob, "GET", `/oncall/debriefs?scheduleId=${scheduleId}`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toHaveLength(1);
    debrief = listed.json().items[0];
    expect(debrief).toMatchObject({
      handoffAt: firstHandoff,
      status: "prepared",
      reassignMode: "reassign",
      outgoing: { id: alice.id, name: alice.name },
      incoming: { id: bob.id, name: bob.name },
    });
    const numbers = debrief.items.map((item) => item.ticket.number);
    expect(numbers).toEqual([outage, provisioning, solvedMeanwhile]);
    expect(numbers).not.toContain(carolsTicket);

    const outageItem = debrief.items[0] as DebriefView["items"][number];
    expect(outageItem.ticket).toMatchObject({
      subject: "EU cluster unreachable",
      severity: "sev1",
      lastPublicUpdate: { excerpt: "We are on it and will update within the hour.", author: alice.name },
      lastInternalUpdate: { excerpt: "Waiting on the network team.", author: alice.name },
    });
    // The Sev 1 resolution promise (72 h from 14:00 UTC) runs; time left is counted from 16:30 UTC.
    const resolution = outageItem.ticket.slaClocks.find((c) => c.metric === "resolution");
    expect(resolution).toMatchObject({ state: "running", dueAt: "2026-12-10T14:00:00.000Z" });
    expect(resolution?.timeLeftMs).toBe(
      Date.parse("2026-12-10T14:00:00.000Z") - Date.parse("2026-12-07T16:30:00.000Z"),
    );
    expect(outageItem.ticket.slaClocks.every((c) => c.state !== "achieved")).toBe(true);
  });

  it("are written and completed by the outgoing engineer only", async () => {
    const url = `/oncall/debriefs/${debrief.id}`;
    const notes = { version: debrief.version, overallNotes: "Quiet week apart from the EU outage." };
    expect((await call(bob, "PATCH", url, notes)).statusCode).toBe(403);
    expect((await call(customer, "GET", url)).statusCode).toBe(403);
    expect((await call(null, "GET", url)).statusCode).toBe(401);
    expect(
      (await call(alice, "GET", "/oncall/debriefs/0190a0a0-0000-7000-8000-000000000000")).statusCode,
    ).toBe(404);

    const unknownTicket = await call(alice, "PATCH", url, {
      version: debrief.version,
      items: [{ ticketId: "0190a0a0-0000-7000-8000-000000000000", notes: "?" }],
    });
    expect(unknownTicket.statusCode).toBe(422);
    expect(unknownTicket.json().errors).toEqual([
      { field: "items/0/ticketId", message: "not a ticket this debrief lists" },
    ]);

    const written = await call(alice, "PATCH", url, {
      ...notes,
      items: [
        {
          ticketId: debrief.items[0]?.ticketId,
          notes: "Network team owns the fix; customer wants hourly updates.",
        },
      ],
    });
    expect(written.statusCode, written.body).toBe(200);
    expect(written.json().items[0].notes).toContain("hourly updates");
    expect((await call(alice, "PATCH", url, notes)).statusCode).toBe(409);

    expect((await call(bob, "POST", `${url}/completion`)).statusCode).toBe(403);
    const completed = await call(alice, "POST", `${url}/completion`);
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ status: "completed", overallNotes: notes.overallNotes });
    expect((await call(alice, "POST", `${url}/completion`)).statusCode).toBe(409);

    const found = await call(carol, "GET", "/oncall/debriefs?text=HOURLY");
    expect(found.json().items.map((d: DebriefView) => d.id)).toEqual([debrief.id]);
    const bySubject = await call(
      carol,
      "GET",
      `/oncall/debriefs?text=stuck%20provisioning&personId=${bob.id}`,
    );
    expect(bySubject.json().items).toHaveLength(1);
    expect((await call(carol, "GET", "/oncall/debriefs?text=nothing%20like%20this")).json().items).toEqual(
      [],
    );
  });

  it("move the open tickets to the incoming engineer on acknowledgement, once", async () => {
    desk.clock.set(new Date("2026-12-07T17:20:00.000Z"));
    const read = await call(admin, "GET", `/tickets/${solvedMeanwhile}`);
    const solved = await call(alice, "PATCH", `/tickets/${solvedMeanwhile}`, {
      version: read.json().version,
      status: "solved",
    });
    expect(solved.statusCode, solved.body).toBe(200);

    const url = `/oncall/debriefs/${debrief.id}/acknowledgement`;
    expect((await call(carol, "POST", url)).statusCode).toBe(403);
    expect((await call(alice, "POST", url)).statusCode).toBe(403);
    const acknowledged = await call(bob, "POST", url);
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json()).toMatchObject({ status: "acknowledged", acknowledgedBy: { id: bob.id } });
    expect(acknowledged.json().items.map((i: DebriefView["items"][number]) => i.outcome)).toEqual([
      "reassigned",
      "reassigned",
      "no_longer_open",
    ]);
    expect(await assigneeOf(outage)).toBe(bob.id);
    expect(await assigneeOf(provisioning)).toBe(bob.id);
    expect(await assigneeOf(solvedMeanwhile)).toBe(alice.id);
    const events = (await call(admin, "GET", `/tickets/${outage}/events`)).json() as {
      field: string | null;
      from: string | null;
      to: string | null;
      actor: { id: string } | null;
    }[];
    expect(events.filter((e) => e.field === "assignee").at(-1)).toMatchObject({
      field: "assignee",
      from: alice.id,
      to: bob.id,
      actor: { id: bob.id },
    });

    expect((await call(bob, "POST", url)).statusCode).toBe(409);
    expect(
      (await call(alice, "PATCH", `/oncall/debriefs/${debrief.id}`, { version: 3, overallNotes: "late" }))
        .statusCode,
    ).toBe(409);

    const audit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", debrief.id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      "handoff_debrief.acknowledged",
      "handoff_debrief.completed",
      "handoff_debrief.prepared",
      "handoff_debrief.updated",
    ]);
  });

  it("tell the support lead once when not acknowledged within 2 business hours, and can keep tickets with a follower", async () => {
    // Sunday: the next handoff (Bob → Alice, Monday 09:00 Los Angeles) is within a day.
    desk.clock.set(new Date("2026-12-20T18:00:00.000Z"));
    const prepared = await call(admin, "POST", `/oncall/schedules/${scheduleId}/debriefs`);
    expect(prepared.statusCode, prepared.body).toBe(201);
    const next = prepared.json() as DebriefView;
    expect(next).toMatchObject({
      handoffAt: secondHandoff,
      outgoing: { id: bob.id },
      incoming: { id: alice.id },
    });
    expect(next.items.map((i) => i.ticket.number)).toEqual([outage, provisioning]);
    expect((await call(admin, "POST", `/oncall/schedules/${scheduleId}/debriefs`)).statusCode).toBe(200);
    expect((await call(customer, "POST", `/oncall/schedules/${scheduleId}/debriefs`)).statusCode).toBe(403);
    expect((await prepareDebriefs(desk.system)).prepared).toBe(0);

    // Support opens at 09:00 Los Angeles: 2 business hours run to 11:00 (19:00 UTC).
    desk.clock.set(new Date("2026-12-21T18:59:00.000Z"));
    expect((await prepareDebriefs(desk.system)).leadNotified).toBe(0);
    desk.clock.set(new Date("2026-12-21T19:00:00.000Z"));
    const [first, second] = await Promise.all([prepareDebriefs(desk.system), prepareDebriefs(desk.system)]);
    expect(first.leadNotified + second.leadNotified).toBe(1);
    expect((await prepareDebriefs(desk.system)).leadNotified).toBe(0);
    expect(await unacknowledgedEvents(next.id)).toEqual([
      {
        debriefId: next.id,
        scheduleId,
        outgoingPersonId: bob.id,
        incomingPersonId: alice.id,
        handoffAt: secondHandoff,
        acknowledgementDueAt: "2026-12-21T19:00:00.000Z",
        actor: { kind: "system", reason: "test setup" },
      },
    ]);
    const notifiedAudit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", next.id)
      .where("action", "=", "handoff_debrief.lead_notified")
      .execute();
    expect(notifiedAudit).toHaveLength(1);
    // The first debrief was acknowledged in time: nobody was told of it.
    expect(await unacknowledgedEvents(debrief.id)).toEqual([]);

    const follow = await call(bob, "PATCH", `/oncall/debriefs/${next.id}`, {
      version: next.version,
      reassignMode: "follow",
    });
    expect(follow.statusCode, follow.body).toBe(200);
    // An admin acknowledges on Alice's behalf.
    const acknowledged = await call(admin, "POST", `/oncall/debriefs/${next.id}/acknowledgement`);
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect(acknowledged.json().items.map((i: DebriefView["items"][number]) => i.outcome)).toEqual([
      "followed",
      "followed",
    ]);
    expect(await assigneeOf(outage)).toBe(bob.id);
    const followers = (await call(admin, "GET", `/tickets/${outage}/followers`)).json() as {
      person: { id: string };
    }[];
    expect(followers.map((f) => f.person.id)).toContain(alice.id);
    const listUrl = `/oncall/debriefs?status=acknowledged&scheduleId=${scheduleId}&limit=1`;
    const newest = (await call(bob, "GET", listUrl)).json();
    expect(newest.items.map((d: DebriefView) => d.id)).toEqual([next.id]);
    const older = (await call(bob, "GET", `${listUrl}&cursor=${newest.nextCursor}`)).json();
    expect(older).toMatchObject({ items: [{ id: debrief.id }], nextCursor: null });
  });

  it("prepared by hand take the handoff that just happened when it has none, then the next", async () => {
    // A daily night desk set up after the fact: Carol handed off to the admin at 17:00 UTC today.
    const night = await call(admin, "POST", "/oncall/schedules", {
      name: "Night desk",
      timeZone: "America/Los_Angeles",
      layers: [
        {
          participants: [carol.id, admin.id],
          startDate: "2026-12-20",
          handoffTime: "09:00",
          rotation: { every: 1, unit: "days" },
        },
      ],
    });
    expect(night.statusCode, night.body).toBe(201);
    const url = `/oncall/schedules/${night.json().id}/debriefs`;
    const current = await call(carol, "POST", url);
    expect(current.statusCode, current.body).toBe(201);
    expect(current.json()).toMatchObject({
      handoffAt: "2026-12-21T17:00:00.000Z",
      outgoing: { id: carol.id },
      incoming: { id: admin.id },
    });
    const next = await call(carol, "POST", url);
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json()).toMatchObject({
      handoffAt: "2026-12-22T17:00:00.000Z",
      outgoing: { id: admin.id },
      incoming: { id: carol.id },
    });
    expect((await call(carol, "POST", url)).json().id).toBe(next.json().id);
  });

  it("lose the requester's words when the requester is erased", async () => {
    const erased = await call(admin, "POST", `/people/${customer.id}/erasure`, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);
    const read = await call(admin, "GET", `/oncall/debriefs/${debrief.id}`);
    expect(read.statusCode).toBe(200);
    for (const words of ["EU cluster unreachable", "Workspace stuck provisioning", "on it and will update"])
      expect(read.body).not.toContain(words);
    expect(read.json().items[0].ticket.subject).toMatch(/^\[erased on /);
    // Staff notes are the desk's, not the requester's: they stay.
    expect(read.json().overallNotes).toBe("Quiet week apart from the EU outage.");
    const stored = await desk.database.db.selectFrom("handoff_debrief_items").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain("EU cluster unreachable");
    expect((await call(admin, "GET", "/oncall/debriefs?text=stuck%20provisioning")).json().items).toEqual([]);
  });
});
