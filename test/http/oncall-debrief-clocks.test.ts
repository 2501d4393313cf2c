import { beforeAll, describe, expect, it } from "vitest";
import { prepareDebriefByHand } from "../../src/modules/oncall/handoff-preparation.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The debrief UI's "several running First response clocks after a public reply" (e2e/debrief-ui's
 * setup): the desk's default policies each promise a first response — the Contract SLA (Sev 1 on a
 * cloud plan, 24 h), the internal goal (1 h) and the communication priority (availability, 3 business
 * hours) — and "We are on it" is no response under the SLA rules (a summary of troubleshooting and
 * next steps, or an agent's stated reason). So the snapshot rightly shows one running clock per
 * policy; a qualifying reply achieves them all and the debrief then owes none.
 */
const desk = useTestDesk();
let admin: Person;
let olga: Person;
let customer: Person;
let scheduleId: string;

async function call(person: Person, method: "GET" | "POST" | "PATCH", url: string, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: person.auth,
    ...(payload ? { payload } : {}),
  });
}

async function outageAssignedToOlga(): Promise<number> {
  const created = await call(customer, "POST", "/tickets", {
    subject: "EU cluster unreachable",
    body: "Nothing answers since 08:00.",
    severity: "sev1",
    category: "availability",
  });
  expect(created.statusCode, created.body).toBe(201);
  const number = created.json().number as number;
  const read = await call(admin, "GET", `/tickets/${number}`);
  const assigned = await call(admin, "PATCH", `/tickets/${number}`, {
    version: read.json().version,
    assigneeId: olga.id,
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  return number;
}

beforeAll(async () => {
  desk.clock.set(new Date("2026-12-01T10:00:00.000Z"));
  await installDefaultPolicies(desk.system);
  admin = await desk.makeAgent({ role: "admin" });
  olga = await desk.makeAgent();
  const ian = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
  const created = await call(admin, "POST", "/oncall/schedules", {
    name: "Support",
    timeZone: "Europe/Paris",
    layers: [{ participants: [olga.id, ian.id], startDate: "2026-11-24", handoffTime: "09:00" }],
  });
  expect(created.statusCode, created.body).toBe(201);
  scheduleId = created.json().id;
});

describe("a debrief's SLA clocks", () => {
  let acknowledged: number;
  let answered: number;
  let debrief: Awaited<ReturnType<typeof prepareDebriefByHand>>["debrief"];
  const firstResponseOf = (number: number) => {
    const item = debrief.items.find((entry) => entry.ticket.number === number);
    if (!item) throw new Error(`#${number} is not in the debrief`);
    return item.ticket.slaClocks.filter((clock) => clock.metric === "first_response");
  };

  beforeAll(async () => {
    acknowledged = await outageAssignedToOlga();
    const holding = await call(olga, "POST", `/tickets/${acknowledged}/comments`, {
      body: "We are on it and will update within the hour.",
      visibility: "public",
    });
    expect(holding.statusCode, holding.body).toBe(201);
    expect(holding.json().comment.qualifying).toBe(false);
    answered = await outageAssignedToOlga();
    const response = await call(olga, "POST", `/tickets/${answered}/comments`, {
      body: "We found the cause.",
      summary: "The EU load balancer lost its certificate at 08:00; traffic is refused at TLS.",
      nextSteps: "We are rolling out a renewed certificate; next update by 11:00 UTC.",
      visibility: "public",
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().comment.qualifying).toBe(true);
    debrief = (await prepareDebriefByHand(desk.system, scheduleId)).debrief;
  });

  it("show one running first response per policy after a reply that does not qualify", async () => {
    const firstResponse = firstResponseOf(acknowledged);
    expect(firstResponse.map((clock) => clock.state)).toEqual(["running", "running", "running"]);
    // Three promises, three due times (24 h, 1 h on extended hours, 3 business hours in New York).
    expect(new Set(firstResponse.map((clock) => clock.dueAt)).size).toBe(3);
    // Exactly the ticket's own clocks: no superseded row, no stale target.
    const stored = await call(admin, "GET", `/tickets/${acknowledged}/sla`);
    const owed = (stored.json().clocks as { metric: string; state: string; dueAt: string | null }[]).filter(
      (clock) => clock.metric === "first_response",
    );
    expect(firstResponse.map((clock) => clock.dueAt).sort()).toEqual(owed.map((clock) => clock.dueAt).sort());
  });

  it("name each clock's policy, as the ticket's SLA panel does", async () => {
    const firstResponse = firstResponseOf(acknowledged);
    expect(firstResponse.map((clock) => clock.policyName).sort()).toEqual([
      "Communication priority",
      "Contract SLA",
      "Internal first-response target",
    ]);
    const stored = await call(admin, "GET", `/tickets/${acknowledged}/sla`);
    const panel = (stored.json().clocks as { metric: string; policyName: string; dueAt: string | null }[])
      .filter((clock) => clock.metric === "first_response")
      .map((clock) => `${clock.policyName} ${clock.dueAt}`);
    expect(firstResponse.map((clock) => `${clock.policyName} ${clock.dueAt}`).sort()).toEqual(panel.sort());
  });

  it("still present a snapshot taken before clocks carried their policy's name", async () => {
    const { db } = desk.system;
    const rows = await db
      .selectFrom("handoff_debrief_items")
      .select(["ticket_id", "snapshot"])
      .where("debrief_id", "=", debrief.id)
      .execute();
    for (const row of rows) {
      const snapshot = JSON.parse(row.snapshot) as { slaClocks: { policyName?: string | null }[] };
      for (const clock of snapshot.slaClocks) delete clock.policyName;
      await db
        .updateTable("handoff_debrief_items")
        .set({ snapshot: JSON.stringify(snapshot) })
        .where("debrief_id", "=", debrief.id)
        .where("ticket_id", "=", row.ticket_id)
        .execute();
    }
    const read = await call(admin, "GET", `/oncall/debriefs/${debrief.id}`);
    expect(read.statusCode, read.body).toBe(200);
    const item = (read.json() as typeof debrief).items.find((entry) => entry.ticket.number === acknowledged);
    const clocks = item?.ticket.slaClocks.filter((clock) => clock.metric === "first_response") ?? [];
    expect(clocks.map((clock) => clock.state)).toEqual(["running", "running", "running"]);
    expect(clocks.every((clock) => !("policyName" in clock))).toBe(true);
  });

  it("owe no first response once a qualifying reply was written", async () => {
    expect(firstResponseOf(answered)).toEqual([]);
    const stored = await call(admin, "GET", `/tickets/${answered}/sla`);
    const clocks = stored.json().clocks as { metric: string; state: string }[];
    expect(clocks.filter((clock) => clock.metric === "first_response").map((clock) => clock.state)).toEqual([
      "achieved",
      "achieved",
      "achieved",
    ]);
  });
});
