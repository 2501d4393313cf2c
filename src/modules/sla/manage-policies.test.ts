import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { createCalendar } from "./manage-calendars.js";
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  type PolicyInput,
  reorderPolicies,
  updatePolicy,
} from "./manage-policies.js";

const desk = useTestDesk();
const HOUR = 3_600_000;
let admin: Context;
let calendarId: string;

beforeAll(async () => {
  admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
  calendarId = (
    await createCalendar({
      ctx: admin,
      input: {
        name: "Pacific",
        definition: { timeZone: "America/Los_Angeles", weekly: { mon: [["09:00", "17:00"]] } },
      },
    })
  ).id;
});

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

async function problemsOf(work: Promise<unknown>): Promise<{ field: string; message: string }[]> {
  const error = await rejection(work);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

const policyInput = (overrides: Partial<PolicyInput> = {}): PolicyInput => ({
  name: `Policy ${desk.unique()}`,
  targets: [{ metric: "first_response", durationMs: HOUR }],
  ...overrides,
});

async function names(): Promise<string[]> {
  return (await listPolicies({ ctx: admin })).map((policy) => policy.name);
}

describe("SLA policies", () => {
  it("stores a policy with its defaults filled in and tidied conditions", async () => {
    const organization = await desk.makeOrganization();
    const created = await createPolicy({
      ctx: admin,
      input: {
        name: "  Contract  ",
        description: "What contracts promise",
        conditions: {
          plans: ["cloud", "managed", "cloud"],
          tags: ["VIP"],
          organizationIds: [organization.id],
          channels: [],
        },
        targets: [
          { metric: "first_response", durationMs: 24 * HOUR, conditions: { severities: ["sev1"] } },
          {
            metric: "resolution",
            durationMs: 72 * HOUR,
            calendarId,
            pauseWhilePending: false,
            warnAtShare: 0.5,
          },
        ],
      },
    });
    expect(created).toMatchObject({
      name: "Contract",
      description: "What contracts promise",
      active: true,
      conditions: { plans: ["cloud", "managed"], tags: ["vip"], organizationIds: [organization.id] },
      targets: [
        {
          metric: "first_response",
          durationMs: 24 * HOUR,
          calendarId: null,
          pauseWhilePending: true,
          warnAtShare: 0.75,
          conditions: { severities: ["sev1"] },
        },
        {
          metric: "resolution",
          durationMs: 72 * HOUR,
          calendarId,
          pauseWhilePending: false,
          warnAtShare: 0.5,
        },
      ],
    });
    expect(created.conditions).not.toHaveProperty("channels");
    expect(created.targets[1]).not.toHaveProperty("conditions");
    expect(await getPolicy({ ctx: desk.as((await desk.makeAgent()).actor), id: created.id })).toEqual(
      created,
    );
  });

  it("names every bad field, in conditions and in each target", async () => {
    const problems = await problemsOf(
      createPolicy({
        ctx: admin,
        input: policyInput({
          conditions: {
            plans: ["platinum"],
            organizationIds: ["0190a1a2-0000-7000-8000-000000000000"],
            tags: ["no spaces"],
          },
          targets: [
            { metric: "first_response", durationMs: HOUR, warnAtShare: 1.5 },
            {
              metric: "first_response",
              durationMs: HOUR,
              calendarId: "0190a1a2-0000-7000-8000-000000000001",
            },
            { metric: "resolution", durationMs: 0, conditions: { severities: ["sev9"] } },
            { metric: "happiness", durationMs: HOUR },
          ],
        }),
      }),
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      "/conditions/plans/0",
      "/conditions/tags/0",
      "/targets/0/warnAtShare",
      "/targets/2/durationMs",
      "/targets/2/conditions/severities/0",
      "/targets/3/metric",
      "/targets/1/calendarId",
      "/conditions/organizationIds/0",
    ]);
    expect(problems).toContainEqual({
      field: "/targets/1/calendarId",
      message: "no calendar 0190a1a2-0000-7000-8000-000000000001",
    });
    expect(await problemsOf(createPolicy({ ctx: admin, input: policyInput({ targets: [] }) }))).toEqual([
      { field: "/targets", message: "needs at least one target" },
    ]);
  });

  it("refuses a duplicate name", async () => {
    const input = policyInput();
    await createPolicy({ ctx: admin, input });
    expect(await rejection(createPolicy({ ctx: admin, input }))).toBeInstanceOf(ConflictError);
  });

  it("inserts at a position, moves, reorders and closes gaps on delete", async () => {
    for (const policy of await listPolicies({ ctx: admin }))
      await deletePolicy({ ctx: admin, id: policy.id });
    const a = await createPolicy({ ctx: admin, input: policyInput({ name: "A" }) });
    const b = await createPolicy({ ctx: admin, input: policyInput({ name: "B" }) });
    const c = await createPolicy({ ctx: admin, input: policyInput({ name: "C", position: 1 }) });
    expect(await names()).toEqual(["C", "A", "B"]);
    expect((await listPolicies({ ctx: admin })).map((policy) => policy.position)).toEqual([1, 2, 3]);

    await updatePolicy({ ctx: admin, id: c.id, input: { position: 99 } });
    expect(await names()).toEqual(["A", "B", "C"]);

    expect((await reorderPolicies({ ctx: admin, policyIds: [b.id, c.id, a.id] })).map((p) => p.name)).toEqual(
      ["B", "C", "A"],
    );
    const problems = await problemsOf(reorderPolicies({ ctx: admin, policyIds: [b.id, b.id] }));
    expect(problems.map((problem) => problem.field)).toEqual(["/policyIds/1", "/policyIds"]);

    await deletePolicy({ ctx: admin, id: c.id });
    expect((await listPolicies({ ctx: admin })).map((policy) => [policy.name, policy.position])).toEqual([
      ["B", 1],
      ["A", 2],
    ]);
    expect(await rejection(getPolicy({ ctx: admin, id: c.id }))).toBeInstanceOf(NotFoundError);
  });

  it("updates only what is given, replacing targets whole, and can deactivate", async () => {
    const created = await createPolicy({ ctx: admin, input: policyInput({ description: "kept" }) });
    const updated = await updatePolicy({
      ctx: admin,
      id: created.id,
      input: { active: false, targets: [{ metric: "next_response", durationMs: 2 * HOUR, calendarId }] },
    });
    expect(updated).toMatchObject({
      name: created.name,
      description: "kept",
      active: false,
      targets: [{ metric: "next_response", durationMs: 2 * HOUR, calendarId }],
    });
    expect(
      await problemsOf(
        updatePolicy({
          ctx: admin,
          id: created.id,
          input: {
            targets: [
              {
                metric: "first_response",
                durationMs: HOUR,
                calendarId: "0190a1a2-0000-7000-8000-000000000002",
              },
            ],
          },
        }),
      ),
    ).toEqual([
      { field: "/targets/0/calendarId", message: "no calendar 0190a1a2-0000-7000-8000-000000000002" },
    ]);
  });

  it("lets agents read but not write, and refuses customers", async () => {
    const agent = desk.as((await desk.makeAgent()).actor);
    const customer = desk.as((await desk.makeCustomer((await desk.makeOrganization()).id)).actor);
    const policy = await createPolicy({ ctx: admin, input: policyInput() });
    expect((await listPolicies({ ctx: agent })).map((p) => p.id)).toContain(policy.id);
    expect(await rejection(createPolicy({ ctx: agent, input: policyInput() }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(
      await rejection(updatePolicy({ ctx: agent, id: policy.id, input: { active: false } })),
    ).toBeInstanceOf(ForbiddenError);
    expect(await rejection(deletePolicy({ ctx: agent, id: policy.id }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(reorderPolicies({ ctx: agent, policyIds: [policy.id] }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await rejection(listPolicies({ ctx: customer }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(getPolicy({ ctx: customer, id: policy.id }))).toBeInstanceOf(ForbiddenError);
    expect((await getPolicy({ ctx: admin, id: policy.id })).active).toBe(true);
  });
});
