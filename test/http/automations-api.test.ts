import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** The automations API: admins only, checked whole with 422s naming the field, audited. */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let customer: Person;

const valid = {
  name: "Tag outages",
  events: ["ticket.created"],
  conditions: [{ field: "text", operator: "contains", value: "outage" }],
  actions: [{ type: "add_tags", tags: ["outage"] }],
};

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

describe("the automations API", () => {
  it("lets admins create, list, reorder, switch off and delete automations, each audited", async () => {
    const first = await desk.app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: admin.auth,
      payload: valid,
    });
    expect(first.statusCode).toBe(201);
    const second = await desk.app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: admin.auth,
      payload: { ...valid, name: "Second" },
    });
    expect(second.json()).toMatchObject({ position: first.json().position + 1, enabled: true });

    const order = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/automations/order",
      headers: admin.auth,
      payload: { ids: [second.json().id, first.json().id] },
    });
    expect(order.json().map((a: { name: string }) => a.name)).toEqual(["Second", "Tag outages"]);

    const off = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/automations/${first.json().id}`,
      headers: admin.auth,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false, name: "Tag outages" });
    const subscriptions = await desk.database.db
      .selectFrom("domain_event_subscriptions")
      .select("event_kind")
      .where("job_kind", "=", "automations.run")
      .execute();
    expect(subscriptions.map((row) => row.event_kind)).toEqual(["ticket.created"]);

    const gone = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/automations/${second.json().id}`,
      headers: admin.auth,
    });
    expect(gone.statusCode).toBe(204);
    const runs = await desk.app.inject({
      method: "GET",
      url: `/api/v1/automations/${second.json().id}/runs`,
      headers: admin.auth,
    });
    expect(runs.statusCode).toBe(404);
    const audit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "like", "automation.%")
      .execute();
    expect(audit.map((row) => row.action).sort()).toEqual([
      "automation.created",
      "automation.created",
      "automation.deleted",
      "automation.reordered",
      "automation.updated",
    ]);
  });

  it("refuses agents and customers, and anyone without a session", async () => {
    for (const person of [agent, customer]) {
      const list = await desk.app.inject({ method: "GET", url: "/api/v1/automations", headers: person.auth });
      expect(list.statusCode).toBe(403);
      const create = await desk.app.inject({
        method: "POST",
        url: "/api/v1/automations",
        headers: person.auth,
        payload: valid,
      });
      expect(create.statusCode).toBe(403);
    }
    expect((await desk.app.inject({ method: "GET", url: "/api/v1/automations" })).statusCode).toBe(401);
  });

  it("names each field it refuses, and writes nothing", async () => {
    const before = await desk.app.inject({ method: "GET", url: "/api/v1/automations", headers: admin.auth });
    const refused = await desk.app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: admin.auth,
      payload: {
        ...valid,
        conditions: [
          { field: "severity", operator: "contains", value: "sev1" },
          { field: "group", operator: "is", value: "0190b4c5-0000-7000-8000-000000000000" },
        ],
        actions: [
          { type: "send_public_reply", body: "Hi {{customer.name}}" },
          { type: "set_group", groupId: "0190b4c5-0000-7000-8000-000000000000" },
        ],
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(["conditions/0/operator"]);

    const references = await desk.app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: admin.auth,
      payload: {
        ...valid,
        conditions: [{ field: "group", operator: "is", value: "0190b4c5-0000-7000-8000-000000000000" }],
        actions: [
          { type: "set_group", groupId: "0190b4c5-0000-7000-8000-000000000000" },
          { type: "set_assignee", assigneeId: customer.id },
        ],
      },
    });
    expect(references.statusCode).toBe(422);
    expect(references.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "conditions/0/value",
      "actions/0/groupId",
      "actions/1/assigneeId",
    ]);
    const template = await desk.app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: admin.auth,
      payload: { ...valid, actions: [{ type: "send_public_reply", body: "Hi {{customer.name}}" }] },
    });
    expect(template.statusCode).toBe(422);
    expect(template.json().errors[0].field).toBe("actions/0/body");
    const after = await desk.app.inject({ method: "GET", url: "/api/v1/automations", headers: admin.auth });
    expect(after.json()).toEqual(before.json());
  });
});
