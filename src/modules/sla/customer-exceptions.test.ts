import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import {
  createCustomerException,
  deleteCustomerException,
  listCustomerExceptions,
} from "./customer-exceptions.js";
import { createPolicy, deletePolicy } from "./manage-policies.js";

const desk = useTestDesk();
const HOUR = 3_600_000;
let admin: Context;
let policy: { id: string; name: string };

beforeAll(async () => {
  admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
  policy = await createPolicy({
    ctx: admin,
    input: { name: "Contract", targets: [{ metric: "first_response", durationMs: 24 * HOUR }] },
  });
});

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("customer exceptions", () => {
  it("records an organization's exception with its reason and lists it, expired ones marked", async () => {
    const organization = await desk.makeOrganization({ plan: "custom" });
    const faster = await createCustomerException({
      ctx: admin,
      organizationId: organization.id,
      input: {
        policyId: policy.id,
        targets: [{ metric: "first_response", durationMs: 4 * HOUR }],
        reason: "Signed a premium addendum",
        expiresAt: "2026-12-31T00:00:00+01:00",
      },
    });
    expect(faster).toMatchObject({
      organizationId: organization.id,
      policyId: policy.id,
      policyName: "Contract",
      reason: "Signed a premium addendum",
      expiresAt: "2026-12-30T23:00:00.000Z",
      expired: false,
      targets: [{ metric: "first_response", durationMs: 4 * HOUR, calendarId: null, warnAtShare: 0.75 }],
    });
    const extra = await createCustomerException({
      ctx: admin,
      organizationId: organization.id,
      input: {
        targets: [{ metric: "periodic_update", durationMs: 2 * HOUR }],
        reason: "Migration weekend",
        expiresAt: "2026-11-24T09:00:00Z",
      },
    });

    const agent = desk.as((await desk.makeAgent()).actor);
    expect(
      (await listCustomerExceptions({ ctx: agent, organizationId: organization.id })).map((e) => e.id),
    ).toEqual([faster.id, extra.id]);
    desk.clock.advance(24 * HOUR);
    try {
      const listed = await listCustomerExceptions({ ctx: agent, organizationId: organization.id });
      expect(listed.map((e) => [e.reason, e.expired])).toEqual([
        ["Signed a premium addendum", false],
        ["Migration weekend", true],
      ]);
    } finally {
      desk.clock.advance(-24 * HOUR);
    }
    expect(
      await listCustomerExceptions({ ctx: agent, organizationId: (await desk.makeOrganization()).id }),
    ).toEqual([]);
  });

  it("names the bad fields: past expiry, unknown policy, blank reason, unknown calendar", async () => {
    const organization = await desk.makeOrganization();
    const error = await rejection(
      createCustomerException({
        ctx: admin,
        organizationId: organization.id,
        input: {
          policyId: "0190a1a2-0000-7000-8000-000000000009",
          targets: [
            {
              metric: "first_response",
              durationMs: HOUR,
              calendarId: "0190a1a2-0000-7000-8000-00000000000a",
            },
          ],
          reason: "  ",
          expiresAt: desk.clock.now().toISOString(),
        },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { field: "/reason", message: "must say why this organization is different" },
      { field: "/expiresAt", message: "must be in the future" },
      { field: "/policyId", message: "no policy 0190a1a2-0000-7000-8000-000000000009" },
      { field: "/targets/0/calendarId", message: "no calendar 0190a1a2-0000-7000-8000-00000000000a" },
    ]);
  });

  it("deletes an exception only through its own organization", async () => {
    const organization = await desk.makeOrganization();
    const other = await desk.makeOrganization();
    const exception = await createCustomerException({
      ctx: admin,
      organizationId: organization.id,
      input: {
        targets: [{ metric: "first_response", durationMs: HOUR }],
        reason: "Trial",
        expiresAt: "2027-01-01T00:00:00Z",
      },
    });
    expect(
      await rejection(
        deleteCustomerException({ ctx: admin, organizationId: other.id, exceptionId: exception.id }),
      ),
    ).toBeInstanceOf(NotFoundError);
    await deleteCustomerException({ ctx: admin, organizationId: organization.id, exceptionId: exception.id });
    expect(await listCustomerExceptions({ ctx: admin, organizationId: organization.id })).toEqual([]);
  });

  it("goes with the policy it is bound to", async () => {
    const organization = await desk.makeOrganization();
    const shortLived = await createPolicy({
      ctx: admin,
      input: {
        name: `Short-lived ${desk.unique()}`,
        targets: [{ metric: "first_response", durationMs: HOUR }],
      },
    });
    await createCustomerException({
      ctx: admin,
      organizationId: organization.id,
      input: {
        policyId: shortLived.id,
        targets: [{ metric: "first_response", durationMs: 2 * HOUR }],
        reason: "Pilot",
        expiresAt: "2027-01-01T00:00:00Z",
      },
    });
    await deletePolicy({ ctx: admin, id: shortLived.id });
    expect(await listCustomerExceptions({ ctx: admin, organizationId: organization.id })).toEqual([]);
  });

  it("lets only admins grant or withdraw, only staff read, and 404s an unknown organization", async () => {
    const organization = await desk.makeOrganization();
    const agent = desk.as((await desk.makeAgent()).actor);
    const customer = desk.as((await desk.makeCustomer(organization.id)).actor);
    const input = {
      targets: [{ metric: "first_response", durationMs: HOUR }],
      reason: "x",
      expiresAt: "2027-01-01T00:00:00Z",
    };
    expect(
      await rejection(createCustomerException({ ctx: agent, organizationId: organization.id, input })),
    ).toBeInstanceOf(ForbiddenError);
    const granted = await createCustomerException({ ctx: admin, organizationId: organization.id, input });
    expect(
      await rejection(
        deleteCustomerException({ ctx: agent, organizationId: organization.id, exceptionId: granted.id }),
      ),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await rejection(listCustomerExceptions({ ctx: customer, organizationId: organization.id })),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await rejection(
        listCustomerExceptions({ ctx: agent, organizationId: "0190a1a2-0000-7000-8000-00000000000b" }),
      ),
    ).toBeInstanceOf(NotFoundError);
  });
});
