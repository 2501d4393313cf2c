import { beforeAll, describe, expect, it } from "vitest";
import { deactivatePerson } from "../../src/modules/identity/deactivate-person.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** Schedules, who is on call, shifts, overrides and swaps through the API, with who may do what. */
const desk = useTestDesk();
let admin: Person;
let alice: Person;
let bob: Person;
let carol: Person;
let customer: Person;

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
// The desk's clock starts at 2026-11-23T09:00Z, a Monday, 10:00 in Paris: the first shift began at 09:00 local.
const firstHandoff = Date.parse("2026-11-23T08:00:00.000Z");

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  alice = await desk.makeAgent();
  bob = await desk.makeAgent();
  carol = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

interface ScheduleJson {
  id: string;
  name: string;
  version: number;
  chatWebhookConfigured: boolean;
  layers: {
    id: string;
    participants: string[];
    rotation: { every: number; unit: string };
    handoffWeekday: string;
  }[];
}

interface ShiftJson {
  start: string;
  end: string;
  person: { id: string; name: string; email: string } | null;
  source: { kind: string; layerId?: string; overrideId?: string } | null;
}

const api = (
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  by: Person | null,
  payload?: unknown,
) =>
  desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: by?.auth ?? {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function makeSchedule(
  participants: string[],
  extra: Record<string, unknown> = {},
): Promise<ScheduleJson> {
  const response = await api("POST", "/oncall/schedules", admin, {
    name: `Support ${desk.unique()}`,
    timeZone: "Europe/Paris",
    layers: [{ participants, startDate: "2026-11-23", handoffTime: "09:00" }],
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function shifts(scheduleId: string, from: number, to: number): Promise<ShiftJson[]> {
  const response = await api(
    "GET",
    `/oncall/schedules/${scheduleId}/shifts?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
    alice,
  );
  expect(response.statusCode, response.body).toBe(200);
  return response.json().shifts;
}

const whoAt = (shiftList: ShiftJson[], instant: number) =>
  shiftList.find((s) => Date.parse(s.start) <= instant && instant < Date.parse(s.end))?.person?.id ?? null;

describe("schedules", () => {
  it("rotate every two weeks by default, handing off on the start date's weekday, and say who is on call until when", async () => {
    const schedule = await makeSchedule([alice.id, bob.id, carol.id]);
    expect(schedule.layers[0]?.rotation).toEqual({ every: 2, unit: "weeks" });
    expect(schedule.layers[0]?.handoffWeekday).toBe("mon");
    expect(schedule.chatWebhookConfigured).toBe(false);

    const now = await api("GET", `/oncall/schedules/${schedule.id}/on-call`, alice);
    expect(now.statusCode).toBe(200);
    expect(now.json()).toMatchObject({
      person: { id: alice.id, name: alice.name, email: alice.email },
      source: { kind: "layer", layerId: schedule.layers[0]?.id },
      until: new Date(firstHandoff + 2 * WEEK).toISOString(),
    });
    const later = await api(
      "GET",
      `/oncall/schedules/${schedule.id}/on-call?at=${new Date(firstHandoff + 2 * WEEK + HOUR).toISOString()}`,
      bob,
    );
    expect(later.json().person.id).toBe(bob.id);

    const list = await shifts(schedule.id, firstHandoff, firstHandoff + 6 * WEEK);
    expect(list.map((s) => [s.start, s.person?.id])).toEqual([
      [new Date(firstHandoff).toISOString(), alice.id],
      [new Date(firstHandoff + 2 * WEEK).toISOString(), bob.id],
      [new Date(firstHandoff + 4 * WEEK).toISOString(), carol.id],
    ]);
  });

  it("flag the gaps of the next 8 weeks: outside a restricted layer's hours", async () => {
    const schedule = await makeSchedule([alice.id], {
      layers: [
        {
          participants: [alice.id],
          rotation: { every: 1, unit: "weeks" },
          startDate: "2026-11-23",
          handoffTime: "09:00",
          restriction: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }],
        },
      ],
    });
    const response = await api("GET", `/oncall/schedules/${schedule.id}/gaps`, alice);
    expect(response.statusCode).toBe(200);
    const gaps: ShiftJson[] = response.json().gaps;
    // From 17:00 Paris today to 09:00 tomorrow, nobody.
    expect(gaps[0]).toEqual({
      start: "2026-11-23T16:00:00.000Z",
      end: "2026-11-24T08:00:00.000Z",
      person: null,
      source: null,
    });
    // Weeknights and weekends to the horizon: the last ends as the eighth Monday's cover begins.
    expect(gaps).toHaveLength(8 * 5);
    expect(Date.parse(gaps.at(-1)?.end as string)).toBe(firstHandoff + 8 * WEEK);
  });

  it("refuse bad layers naming the field, unknown or inactive people with 422, a stale version with 409", async () => {
    const badTime = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Europe/Paris",
      layers: [{ participants: [alice.id], startDate: "2026-11-23", handoffTime: "25:00" }],
    });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().errors).toEqual([
      { field: "layers/0/handoffTime", message: "a time, HH:MM from 00:00 to 24:00" },
    ]);

    const badZone = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Mars/Olympus",
      layers: [{ participants: [alice.id], startDate: "2026-11-23", handoffTime: "09:00" }],
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().errors[0].field).toBe("timeZone");

    const unknown = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Europe/Paris",
      layers: [
        {
          participants: [alice.id, "0190c0de-0000-7000-8000-00000000dead"],
          startDate: "2026-11-23",
          handoffTime: "09:00",
        },
      ],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe("layers/0/participants/1");

    const asCustomer = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Europe/Paris",
      layers: [{ participants: [customer.id], startDate: "2026-11-23", handoffTime: "09:00" }],
    });
    expect(asCustomer.statusCode).toBe(422);
    expect(asCustomer.json().errors[0].field).toBe("layers/0/participants/0");

    const leaver = await desk.makeAgent();
    await deactivatePerson({ ctx: desk.as(admin.actor), id: leaver.id });
    const deactivated = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Europe/Paris",
      layers: [{ participants: [leaver.id], startDate: "2026-11-23", handoffTime: "09:00" }],
    });
    expect(deactivated.statusCode).toBe(422);

    // Someone leaving later does not lock the schedule: a rename goes through, new layers are checked.
    const team = await makeSchedule([alice.id, (await desk.makeAgent()).id]);
    await deactivatePerson({ ctx: desk.as(admin.actor), id: team.layers[0]?.participants[1] as string });
    const renamedTeam = await api("PATCH", `/oncall/schedules/${team.id}`, admin, {
      version: team.version,
      name: `Renamed ${desk.unique()}`,
    });
    expect(renamedTeam.statusCode, renamedTeam.body).toBe(200);
    const sameLayers = await api("PATCH", `/oncall/schedules/${team.id}`, admin, {
      version: renamedTeam.json().version,
      layers: renamedTeam.json().layers,
    });
    expect(sameLayers.statusCode).toBe(422);
    expect(sameLayers.json().errors[0].field).toBe("layers/0/participants/1");

    const unknownField = await api("POST", "/oncall/schedules", admin, {
      name: `Bad ${desk.unique()}`,
      timeZone: "Europe/Paris",
      layers: [{ participants: [alice.id], startDate: "2026-11-23", handoffTime: "09:00", colour: "red" }],
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().errors[0].field).toBe("/body/layers/0/colour");

    const schedule = await makeSchedule([alice.id]);
    const insecureHook = await api("PATCH", `/oncall/schedules/${schedule.id}`, admin, {
      version: schedule.version,
      chatWebhookUrl: "http://chat.example/hook",
    });
    expect(insecureHook.statusCode).toBe(400);
    expect(insecureHook.json().errors[0].field).toBe("chatWebhookUrl");

    const renamed = await api("PATCH", `/oncall/schedules/${schedule.id}`, admin, {
      version: schedule.version,
      name: `Renamed ${desk.unique()}`,
    });
    expect(renamed.statusCode).toBe(200);
    const stale = await api("PATCH", `/oncall/schedules/${schedule.id}`, admin, {
      version: schedule.version,
      name: `Again ${desk.unique()}`,
    });
    expect(stale.statusCode).toBe(409);

    const duplicate = await api("POST", "/oncall/schedules", admin, {
      name: renamed.json().name,
      timeZone: "Europe/Paris",
      layers: [{ participants: [alice.id], startDate: "2026-11-23", handoffTime: "09:00" }],
    });
    expect(duplicate.statusCode).toBe(409);

    const tooLong = await api(
      "GET",
      `/oncall/schedules/${schedule.id}/shifts?from=2026-11-23T00:00:00.000Z&to=2027-06-01T00:00:00.000Z`,
      alice,
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].field).toBe("to");
  });

  it("are for staff to read and admins to manage: customers get 403, nobody signed in 401", async () => {
    const schedule = await makeSchedule([alice.id]);
    for (const [method, url, payload] of [
      ["GET", "/oncall/schedules", undefined],
      ["GET", `/oncall/schedules/${schedule.id}`, undefined],
      ["GET", `/oncall/schedules/${schedule.id}/on-call`, undefined],
      ["GET", `/oncall/schedules/${schedule.id}/shifts`, undefined],
      ["GET", `/oncall/schedules/${schedule.id}/gaps`, undefined],
      ["GET", `/oncall/schedules/${schedule.id}/overrides`, undefined],
      ["DELETE", `/oncall/schedules/${schedule.id}`, undefined],
      [
        "POST",
        `/oncall/schedules/${schedule.id}/overrides`,
        { personId: customer.id, start: "2026-11-24T00:00:00.000Z", end: "2026-11-25T00:00:00.000Z" },
      ],
      ["POST", "/oncall/feeds", { scheduleId: schedule.id }],
      ["GET", "/oncall/feeds", undefined],
    ] as const) {
      const asCustomer = await api(method, url, customer, payload);
      expect(asCustomer.statusCode, `${method} ${url}`).toBe(403);
      expect(asCustomer.headers["content-type"]).toContain("application/problem+json");
      expect((await api(method, url, null, payload)).statusCode, `${method} ${url}`).toBe(401);
    }
    const byAgent = await api("PATCH", `/oncall/schedules/${schedule.id}`, alice, {
      version: 1,
      name: "Mine",
    });
    expect(byAgent.statusCode).toBe(403);
    expect((await api("DELETE", `/oncall/schedules/${schedule.id}`, alice)).statusCode).toBe(403);
    expect(
      (await api("GET", "/oncall/schedules/0190c0de-0000-7000-8000-00000000dead", alice)).statusCode,
    ).toBe(404);
    expect((await api("DELETE", `/oncall/schedules/${schedule.id}`, admin)).statusCode).toBe(204);
    expect((await api("GET", `/oncall/schedules/${schedule.id}`, alice)).statusCode).toBe(404);
  });
});

describe("overrides and swaps", () => {
  it("let an agent cover someone, and only them or an admin take it back", async () => {
    const schedule = await makeSchedule([alice.id, bob.id]);
    const span = { start: "2026-11-24T08:00:00.000Z", end: "2026-11-25T08:00:00.000Z" };
    const forSomeoneElse = await api("POST", `/oncall/schedules/${schedule.id}/overrides`, carol, {
      personId: bob.id,
      ...span,
    });
    expect(forSomeoneElse.statusCode).toBe(403);

    const backwards = await api("POST", `/oncall/schedules/${schedule.id}/overrides`, carol, {
      personId: carol.id,
      start: span.end,
      end: span.start,
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors[0].field).toBe("end");

    const created = await api("POST", `/oncall/schedules/${schedule.id}/overrides`, carol, {
      personId: carol.id,
      coversPersonId: alice.id,
      ...span,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      person: { id: carol.id },
      coversPerson: { id: alice.id },
      createdById: carol.id,
      swapId: null,
      ...span,
    });
    const during = await api(
      "GET",
      `/oncall/schedules/${schedule.id}/on-call?at=2026-11-24T12:00:00.000Z`,
      bob,
    );
    expect(during.json()).toMatchObject({
      person: { id: carol.id },
      source: { kind: "override", overrideId: created.json().id },
      until: span.end,
    });

    const overrideUrl = `/oncall/schedules/${schedule.id}/overrides/${created.json().id}`;
    expect((await api("DELETE", overrideUrl, bob)).statusCode).toBe(403);
    expect((await api("DELETE", overrideUrl, customer)).statusCode).toBe(403);
    expect((await api("DELETE", overrideUrl, carol)).statusCode).toBe(204);
    expect((await api("DELETE", overrideUrl, carol)).statusCode).toBe(404);

    const byAdmin = await api("POST", `/oncall/schedules/${schedule.id}/overrides`, admin, {
      personId: bob.id,
      ...span,
    });
    expect(byAdmin.statusCode).toBe(201);
    const audit = await api("GET", `/audit?target=${byAdmin.json().id}`, admin);
    expect(audit.json().items.map((r: { action: string }) => r.action)).toEqual(["oncall_override.created"]);
    const removed = await api("GET", `/audit?target=${created.json().id}`, admin);
    expect(removed.json().items.map((r: { action: string }) => r.action)).toEqual([
      "oncall_override.deleted",
      "oncall_override.created",
    ]);
  });

  it("trade two people's shifts as two overrides, removed together, and kept when the rotation is edited", async () => {
    const schedule = await makeSchedule([alice.id, bob.id, carol.id]);
    const layerId = schedule.layers[0]?.id as string;
    const layer = await api(
      "GET",
      `/oncall/schedules/${schedule.id}/layer-shifts?layerId=${layerId}&from=${new Date(firstHandoff).toISOString()}&to=${new Date(firstHandoff + 4 * WEEK).toISOString()}`,
      alice,
    );
    expect(
      layer.json().shifts.map((s: { index: number; person: { id: string } }) => [s.index, s.person.id]),
    ).toEqual([
      [0, alice.id],
      [1, bob.id],
    ]);

    const swap = { first: { layerId, shiftIndex: 0 }, second: { layerId, shiftIndex: 1 } };
    expect((await api("POST", `/oncall/schedules/${schedule.id}/swaps`, carol, swap)).statusCode).toBe(403);
    const unknownLayer = await api("POST", `/oncall/schedules/${schedule.id}/swaps`, alice, {
      ...swap,
      second: { layerId: "nope", shiftIndex: 1 },
    });
    expect(unknownLayer.statusCode).toBe(400);
    expect(unknownLayer.json().errors[0].field).toBe("second/layerId");
    const withSelf = await api("POST", `/oncall/schedules/${schedule.id}/swaps`, alice, {
      ...swap,
      second: { layerId, shiftIndex: 3 },
    });
    expect(withSelf.statusCode).toBe(400);

    const made = await api("POST", `/oncall/schedules/${schedule.id}/swaps`, alice, swap);
    expect(made.statusCode, made.body).toBe(201);
    const [bobCoversAlice, aliceCoversBob] = made.json().overrides;
    expect(bobCoversAlice).toMatchObject({
      person: { id: bob.id },
      coversPerson: { id: alice.id },
      start: new Date(firstHandoff).toISOString(),
      end: new Date(firstHandoff + 2 * WEEK).toISOString(),
    });
    expect(aliceCoversBob).toMatchObject({
      person: { id: alice.id },
      coversPerson: { id: bob.id },
      start: new Date(firstHandoff + 2 * WEEK).toISOString(),
      end: new Date(firstHandoff + 4 * WEEK).toISOString(),
    });
    expect(bobCoversAlice.swapId).toBe(aliceCoversBob.swapId);

    // An override on top, inside the swapped span: the later one wins there.
    const cover = await api("POST", `/oncall/schedules/${schedule.id}/overrides`, carol, {
      personId: carol.id,
      start: new Date(firstHandoff + 3 * WEEK).toISOString(),
      end: new Date(firstHandoff + 3 * WEEK + 24 * HOUR).toISOString(),
    });
    expect(cover.statusCode).toBe(201);

    // Reordering the participants moves the rotation, not the swap or the override.
    const edited = await api("PATCH", `/oncall/schedules/${schedule.id}`, admin, {
      version: schedule.version,
      layers: [{ ...schedule.layers[0], participants: [carol.id, alice.id, bob.id] }],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().layers[0].id).toBe(layerId);
    const after = await shifts(schedule.id, firstHandoff, firstHandoff + 6 * WEEK);
    expect(whoAt(after, firstHandoff + HOUR)).toBe(bob.id);
    expect(whoAt(after, firstHandoff + 2 * WEEK + HOUR)).toBe(alice.id);
    expect(whoAt(after, firstHandoff + 3 * WEEK + HOUR)).toBe(carol.id);
    expect(whoAt(after, firstHandoff + 3 * WEEK + 25 * HOUR)).toBe(alice.id);
    // Past the swap, the edited rotation: its third shift is now bob's.
    expect(whoAt(after, firstHandoff + 4 * WEEK + HOUR)).toBe(bob.id);

    // Someone not in the swap may not undo it; one of the pair undoes both halves.
    const half = `/oncall/schedules/${schedule.id}/overrides/${aliceCoversBob.id}`;
    expect((await api("DELETE", half, carol)).statusCode).toBe(403);
    expect((await api("DELETE", half, bob)).statusCode).toBe(204);
    const remaining = (await api("GET", `/oncall/schedules/${schedule.id}/overrides`, alice)).json()
      .overrides;
    expect(remaining.map((o: { id: string }) => o.id)).toEqual([cover.json().id]);
    const restored = await shifts(schedule.id, firstHandoff, firstHandoff + 2 * WEEK);
    expect(whoAt(restored, firstHandoff + HOUR)).toBe(carol.id);
  });
});
