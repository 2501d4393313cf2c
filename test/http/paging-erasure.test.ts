import { beforeAll, describe, expect, it } from "vitest";
import { SECOND } from "../../src/shared/clock.js";
import { useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * Erasing a staff member an escalation policy names directly: refused (409, naming the policies
 * and the steps) while one does, dry run or not, then allowed once an admin has edited them out;
 * a page mail queued for them before the erasure never goes to their tombstone address, and no
 * policy can name them again.
 */
const email = useEmailDesk({ relaySink: true });
let admin: Person;
let pia: Person;
let ian: Person;
let billing: { id: string };
let weekend: { id: string };

function call(method: "GET" | "POST" | "PATCH", url: string, payload?: object) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: admin.auth,
    ...(payload ? { payload } : {}),
  });
}

async function created(url: string, payload: object) {
  const response = await call("POST", url, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const recipients = () => (email.sink?.received ?? []).flatMap((mail) => mail.rcptTo);

beforeAll(async () => {
  admin = email.admin;
  pia = await email.desk.makeAgent();
  ian = await email.desk.makeAgent();
  billing = await created("/escalation-policies", {
    name: "Billing escalation",
    levels: [
      { targets: [{ kind: "person", personId: pia.id }], timeoutMinutes: 5 },
      { targets: [{ kind: "person", personId: ian.id }], timeoutMinutes: 10 },
    ],
  });
  weekend = await created("/escalation-policies", {
    name: "Weekend cover",
    levels: [{ targets: [{ kind: "person", personId: ian.id }], timeoutMinutes: 5 }],
    fallback: [{ kind: "person", personId: pia.id }],
  });
});

describe("erasing someone an escalation policy pages directly", () => {
  it("is refused with 409 naming each policy and step that names them, dry run or not", async () => {
    for (const dryRun of [true, false]) {
      const refused = await call("POST", `/people/${pia.id}/erasure`, { dryRun });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(refused.json().detail).toBe(
        `${pia.name} is still paged by "Billing escalation" (level 1); "Weekend cover" (fallback): ` +
          "take them off those escalation policies before erasing them.",
      );
      expect(refused.json().current.policies).toEqual([
        { id: billing.id, name: "Billing escalation", duties: ["level 1"] },
        { id: weekend.id, name: "Weekend cover", duties: ["fallback"] },
      ]);
    }
    expect((await call("GET", `/people/${pia.id}`)).json().name).toBe(pia.name);
  });

  it("goes through once the policies no longer name them; a page mail queued before never reaches the tombstone", async () => {
    // A page reaches Pia while the relay is down: her mail waits for a retry.
    email.sink!.refuseWith = 451;
    expect(
      (
        await call("POST", "/pages", {
          title: "Invoices fail",
          severity: "sev2",
          policy: "Billing escalation",
        })
      ).statusCode,
    ).toBe(201);
    await email.processInbound();
    expect(recipients()).toEqual([]);

    const offBilling = await call("PATCH", `/escalation-policies/${billing.id}`, {
      levels: [{ targets: [{ kind: "person", personId: ian.id }], timeoutMinutes: 10 }],
    });
    expect(offBilling.statusCode, offBilling.body).toBe(200);
    const stillFallback = await call("POST", `/people/${pia.id}/erasure`, { dryRun: true });
    expect(stillFallback.statusCode).toBe(409);
    expect(stillFallback.json().detail).toContain(
      '"Weekend cover" (fallback): take them off that escalation policy',
    );
    const offWeekend = await call("PATCH", `/escalation-policies/${weekend.id}`, { fallback: [] });
    expect(offWeekend.statusCode, offWeekend.body).toBe(200);

    const erased = await call("POST", `/people/${pia.id}/erasure`, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);
    const tombstone = (await call("GET", `/people/${pia.id}`)).json();
    expect(tombstone.email).toMatch(/@erased\.invalid$/);

    // The relay is back and the queued mail's retry runs: nothing goes to her, old or tombstone address.
    email.sink!.refuseWith = null;
    email.desk.clock.advance(2 * SECOND);
    await email.processInbound();
    expect(recipients()).not.toContain(pia.email);
    expect(recipients()).not.toContain(tombstone.email);
    expect(recipients().filter((to) => to.endsWith("@erased.invalid"))).toEqual([]);
  });

  it("lets no policy name an erased person again", async () => {
    const renamed = await call("PATCH", `/escalation-policies/${weekend.id}`, {
      fallback: [{ kind: "person", personId: pia.id }],
    });
    expect(renamed.statusCode).toBe(422);
    expect(renamed.body).toContain("fallback/0/personId");
  });
});
