import { beforeAll, describe, expect, it } from "vitest";
import { prepareDebriefByHand } from "../../src/modules/oncall/handoff-preparation.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Erasing a staff member who has been on call: refused while a schedule still counts on them (a
 * rotation, the support lead, an override ahead), then their calendar feeds go, their past cover and
 * their debriefs stay as the desk's record naming "Erased person", and no copy keeps their name.
 * The desk clock starts Tuesday 2026-12-01 10:00 UTC; Olga's two-week turn runs until 2026-12-08.
 */
const desk = useTestDesk();
let admin: Person;
let olga: Person;
let ian: Person;
let customer: Person;
let support: { id: string; version: number };
let nights: { id: string; version: number };
let aheadOverrideId: string;
let olgaFeeds: string[];
let iansFeed: string;
let debriefId: string;
let outage: number;

async function call(
  person: Person | null,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  payload?: object,
) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: person ? person.auth : {},
    ...(payload ? { payload } : {}),
  });
}

async function feedStatus(url: string): Promise<number> {
  return (await desk.app.inject({ method: "GET", url: new URL(url).pathname })).statusCode;
}

async function created(person: Person, url: string, payload: object) {
  const response = await call(person, "POST", url, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

beforeAll(async () => {
  desk.clock.set(new Date("2026-12-01T10:00:00.000Z"));
  admin = await desk.makeAgent({ role: "admin" });
  olga = await desk.makeAgent();
  ian = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
  const layer = (participants: string[]) => ({ participants, startDate: "2026-11-24", handoffTime: "09:00" });
  support = await created(admin, "/oncall/schedules", {
    name: "Customer support",
    timeZone: "Europe/Paris",
    layers: [layer([olga.id, ian.id])],
  });
  nights = await created(admin, "/oncall/schedules", {
    name: "Nights",
    timeZone: "Europe/Paris",
    layers: [layer([ian.id])],
    supportLeadId: olga.id,
  });
  // Olga covered a past night for Ian (history) and covers one ahead (a duty).
  await created(admin, `/oncall/schedules/${nights.id}/overrides`, {
    personId: olga.id,
    coversPersonId: ian.id,
    start: "2026-11-26T20:00:00.000Z",
    end: "2026-11-27T06:00:00.000Z",
  });
  aheadOverrideId = (
    await created(admin, `/oncall/schedules/${nights.id}/overrides`, {
      personId: olga.id,
      coversPersonId: ian.id,
      start: "2026-12-03T20:00:00.000Z",
      end: "2026-12-04T06:00:00.000Z",
    })
  ).id;
  olgaFeeds = [
    (await created(olga, "/oncall/feeds", { personId: olga.id })).url,
    (await created(olga, "/oncall/feeds", { scheduleId: support.id })).url,
  ];
  iansFeed = (await created(ian, "/oncall/feeds", { scheduleId: support.id })).url;

  outage = (
    await created(customer, "/tickets", {
      subject: "EU cluster unreachable",
      body: "Since 08:00.",
      severity: "sev1",
    })
  ).number;
  const read = await call(admin, "GET", `/tickets/${outage}`);
  const assigned = await call(admin, "PATCH", `/tickets/${outage}`, {
    version: read.json().version,
    assigneeId: olga.id,
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  await created(olga, `/tickets/${outage}/comments`, {
    body: "We are on it and will update within the hour.",
    visibility: "public",
  });
  await created(olga, `/tickets/${outage}/comments`, {
    body: "Waiting on the network team.",
    visibility: "internal",
  });
  const { debrief } = await prepareDebriefByHand(desk.system, support.id);
  debriefId = debrief.id;
  const noted = await call(olga, "PATCH", `/oncall/debriefs/${debriefId}`, {
    version: debrief.version,
    overallNotes: "Quiet week apart from the EU cluster.",
  });
  expect(noted.statusCode, noted.body).toBe(200);
});

describe("erasing a staff member who has been on call", () => {
  it("is refused with 409 naming every schedule that still counts on them, dry run or not", async () => {
    for (const dryRun of [true, false]) {
      const refused = await call(admin, "POST", `/people/${olga.id}/erasure`, { dryRun });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(refused.json().detail).toContain('"Customer support" (rotation participant)');
      expect(refused.json().detail).toContain('"Nights" (support lead, override or swap ahead)');
      expect(refused.json().current.schedules).toEqual([
        { id: support.id, name: "Customer support", duties: ["rotation participant"] },
        { id: nights.id, name: "Nights", duties: ["support lead", "override or swap ahead"] },
      ]);
    }
    // Nothing went: her feeds still answer, her name is still hers.
    for (const url of olgaFeeds) expect(await feedStatus(url)).toBe(200);
    expect((await call(admin, "GET", `/people/${olga.id}`)).json().name).toBe(olga.name);
  });

  it("goes through once the manager has taken them off, deleting their calendar feeds", async () => {
    const offSupport = await call(admin, "PATCH", `/oncall/schedules/${support.id}`, {
      version: support.version,
      layers: [{ participants: [ian.id], startDate: "2026-11-24", handoffTime: "09:00" }],
    });
    expect(offSupport.statusCode, offSupport.body).toBe(200);
    const stillLead = await call(admin, "POST", `/people/${olga.id}/erasure`, { dryRun: true });
    expect(stillLead.statusCode).toBe(409);
    expect(stillLead.json().current.schedules.map((s: { name: string }) => s.name)).toEqual(["Nights"]);

    const noLead = await call(admin, "PATCH", `/oncall/schedules/${nights.id}`, {
      version: nights.version,
      supportLeadId: null,
    });
    expect(noLead.statusCode, noLead.body).toBe(200);
    const withdrawn = await call(
      admin,
      "DELETE",
      `/oncall/schedules/${nights.id}/overrides/${aheadOverrideId}`,
    );
    expect(withdrawn.statusCode, withdrawn.body).toBe(204);

    const dryRun = await call(admin, "POST", `/people/${olga.id}/erasure`, { dryRun: true });
    expect(dryRun.statusCode, dryRun.body).toBe(200);
    expect(dryRun.json().items).toContainEqual({ kind: "calendarFeeds", count: 2 });
    const erased = await call(admin, "POST", `/people/${olga.id}/erasure`, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);

    for (const url of olgaFeeds) expect(await feedStatus(url)).toBe(404);
    expect(await feedStatus(iansFeed)).toBe(200);
    const feeds = await desk.database.db
      .selectFrom("oncall_feed_tokens")
      .select(["person_id", "created_by"])
      .execute();
    expect(feeds.filter((feed) => feed.person_id === olga.id || feed.created_by === olga.id)).toEqual([]);
  });

  it("keeps her debrief and past cover as the desk's record, naming her only as erased", async () => {
    const read = await call(admin, "GET", `/oncall/debriefs/${debriefId}`);
    expect(read.statusCode, read.body).toBe(200);
    const debrief = read.json();
    expect(debrief.outgoing).toMatchObject({ id: olga.id, name: "Erased person" });
    expect(debrief.overallNotes).toBe("Quiet week apart from the EU cluster.");
    // Her reply to the customer stays (the desk's answer), signed as the ticket now signs it.
    expect(debrief.items[0].ticket.lastPublicUpdate).toMatchObject({
      excerpt: "We are on it and will update within the hour.",
      author: "Erased person",
    });
    expect(debrief.items[0].ticket.lastInternalUpdate.author).toBe("Erased person");
    expect(read.body).not.toContain(olga.name);
    const stored = await desk.database.db.selectFrom("handoff_debrief_items").select("snapshot").execute();
    expect(JSON.stringify(stored)).not.toContain(olga.name);

    const cover = await call(admin, "GET", `/oncall/schedules/${nights.id}/overrides`);
    expect(cover.statusCode, cover.body).toBe(200);
    expect(cover.json().overrides.map((o: { person: { name: string } }) => o.person.name)).toEqual([
      "Erased person",
    ]);
    expect(cover.body).not.toContain(olga.name);
    const past = await desk.database.db
      .selectFrom("oncall_overrides")
      .select(["person_id", "end_at"])
      .where("person_id", "=", olga.id)
      .execute();
    expect(past).toEqual([{ person_id: olga.id, end_at: "2026-11-27T06:00:00.000Z" }]);
  });
});
