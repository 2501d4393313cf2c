import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** Secret iCalendar feeds, parsed back by a real iCalendar parser and held against the final shifts. */
const desk = useTestDesk();
let admin: Person;
let alice: Person;
let bob: Person;
let customer: Person;
let support: { id: string; name: string };
let platform: { id: string; name: string };

const WEEK = 7 * 24 * 3_600_000;

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  alice = await desk.makeAgent();
  bob = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
  const make = async (name: string, participants: string[], rotation: Record<string, unknown>) => {
    const response = await desk.app.inject({
      method: "POST",
      url: "/api/v1/oncall/schedules",
      headers: admin.auth,
      payload: {
        name,
        timeZone: "America/New_York",
        layers: [{ participants, startDate: "2026-10-05", handoffTime: "09:00", rotation }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  support = await make("Customer support", [alice.id, bob.id], { every: 1, unit: "weeks" });
  platform = await make("Platform", [bob.id, alice.id], { every: 3, unit: "days" });
});

interface ParsedEvent {
  summary: string;
  start: string;
  end: string;
}

function parseFeed(text: string): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
    };
  });
}

async function createFeed(by: Person, payload: Record<string, unknown>) {
  return desk.app.inject({ method: "POST", url: "/api/v1/oncall/feeds", headers: by.auth, payload });
}

/** The feed's address without the host, as app.inject takes it. */
const pathOf = (url: string) => new URL(url).pathname;

async function finalShifts(scheduleId: string) {
  const now = desk.clock.now().getTime();
  const response = await desk.app.inject({
    url: `/api/v1/oncall/schedules/${scheduleId}/shifts?from=${new Date(now - 2 * WEEK).toISOString()}&to=${new Date(now + 24 * WEEK).toISOString()}`,
    headers: alice.auth,
  });
  expect(response.statusCode).toBe(200);
  return response.json().shifts as {
    start: string;
    end: string;
    person: { id: string; name: string } | null;
  }[];
}

describe("calendar feeds", () => {
  it("list every shift of a schedule, readable without signing in, matching the final shifts", async () => {
    const created = await createFeed(alice, { scheduleId: support.id });
    expect(created.statusCode, created.body).toBe(201);
    const { url, id } = created.json();
    expect(url).toMatch(/^http:\/\/localhost:8080\/api\/v1\/oncall\/feeds\/tendcal_[\w-]+\.ics$/);

    const feed = await desk.app.inject({ url: pathOf(url) });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers["content-type"]).toContain("text/calendar");
    const events = parseFeed(feed.body);
    // 2 weeks back and 26 ahead from a Monday 10:00 in New York: 28 weekly shifts, plus the one running at the start.
    expect(events.length).toBeGreaterThanOrEqual(28);
    const shifts = await finalShifts(support.id);
    for (const shift of shifts.slice(1, -1)) {
      expect(events).toContainEqual({
        summary: `On call: ${shift.person?.name}`,
        start: shift.start,
        end: shift.end,
      });
    }
    // Weekly handoffs stay at 09:00 New York across the start of daylight saving time (14 March).
    expect(events.map((e) => e.start)).toContain("2027-03-08T14:00:00.000Z");
    expect(events.map((e) => e.start)).toContain("2027-03-15T13:00:00.000Z");

    // The secret is stored as a hash: the listing never shows the URL again.
    const listed = await desk.app.inject({ url: "/api/v1/oncall/feeds", headers: alice.auth });
    expect(listed.json().feeds).toEqual([
      { id, scheduleId: support.id, personId: null, createdBy: alice.id, createdAt: expect.any(String) },
    ]);

    expect(
      (await desk.app.inject({ method: "DELETE", url: `/api/v1/oncall/feeds/${id}`, headers: bob.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (await desk.app.inject({ method: "DELETE", url: `/api/v1/oncall/feeds/${id}`, headers: alice.auth }))
        .statusCode,
    ).toBe(204);
    const revoked = await desk.app.inject({ url: pathOf(url) });
    expect(revoked.statusCode).toBe(404);
    expect(revoked.headers["content-type"]).toContain("application/problem+json");
  });

  it("give a person their shifts in every schedule, theirs or an admin's to make", async () => {
    expect((await createFeed(bob, { personId: alice.id })).statusCode).toBe(403);
    expect((await createFeed(customer, { personId: customer.id })).statusCode).toBe(403);
    const both = await createFeed(alice, { personId: alice.id, scheduleId: support.id });
    expect(both.statusCode).toBe(400);
    const neither = await createFeed(alice, {});
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors[0].field).toBe("scheduleId");
    const unknownSchedule = await createFeed(alice, { scheduleId: "0190c0de-0000-7000-8000-00000000dead" });
    expect(unknownSchedule.statusCode).toBe(422);

    const mine = await createFeed(alice, { personId: alice.id });
    expect(mine.statusCode).toBe(201);
    expect((await createFeed(admin, { personId: bob.id })).statusCode).toBe(201);
    const events = parseFeed((await desk.app.inject({ url: pathOf(mine.json().url) })).body);

    const expected = [
      ...(await finalShifts(support.id))
        .filter((s) => s.person?.id === alice.id)
        .map((s) => ({ summary: "On call: Customer support", start: s.start, end: s.end })),
      ...(await finalShifts(platform.id))
        .filter((s) => s.person?.id === alice.id)
        .map((s) => ({ summary: "On call: Platform", start: s.start, end: s.end })),
    ];
    const inner = expected.filter((e) => Date.parse(e.end) < desk.clock.now().getTime() + 24 * WEEK);
    expect(inner.length).toBeGreaterThan(20);
    for (const event of inner.filter((e) => Date.parse(e.start) > desk.clock.now().getTime() - 2 * WEEK))
      expect(events).toContainEqual(event);
    expect(
      events.every((e) => e.summary === "On call: Customer support" || e.summary === "On call: Platform"),
    ).toBe(true);
  });

  it("answer 404 to a guessed secret", async () => {
    const guess = await desk.app.inject({ url: "/api/v1/oncall/feeds/tendcal_guess.ics" });
    expect(guess.statusCode).toBe(404);
  });
});
