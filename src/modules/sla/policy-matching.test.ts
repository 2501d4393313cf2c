import { describe, expect, it } from "vitest";
import {
  conditionsHold,
  type MatchableException,
  type MatchablePolicy,
  policiesFor,
  type TicketAttributes,
} from "./policy-matching.js";
import type { StoredTarget } from "./sla-types.js";

const HOUR = 3_600_000;
const now = new Date("2026-11-23T09:00:00.000Z");

const ticket = (overrides: Partial<TicketAttributes> = {}): TicketAttributes => ({
  plan: "cloud",
  stage: "customer",
  severity: "sev2",
  category: "other",
  channel: "email",
  organizationId: "org-acme",
  tags: [],
  ...overrides,
});

const target = (overrides: Partial<StoredTarget> = {}): StoredTarget => ({
  metric: "first_response",
  durationMs: HOUR,
  calendarId: null,
  pauseWhilePending: true,
  warnAtShare: 0.75,
  ...overrides,
});

const policy = (overrides: Partial<MatchablePolicy> & { id: string }): MatchablePolicy => ({
  name: overrides.id,
  position: 1,
  active: true,
  conditions: {},
  targets: [target()],
  ...overrides,
});

const exception = (overrides: Partial<MatchableException> & { id: string }): MatchableException => ({
  organizationId: "org-acme",
  policyId: null,
  reason: "custom contract",
  expiresAt: new Date("2027-01-01T00:00:00.000Z"),
  createdAt: new Date("2026-11-01T00:00:00.000Z"),
  targets: [target({ durationMs: 2 * HOUR })],
  ...overrides,
});

/** The outcome a reader cares about: which sets apply and which target keys and durations they hold. */
const summary = (applicable: ReturnType<typeof policiesFor>) =>
  applicable.map((set) => ({
    policy: set.policyName,
    targets: set.targets.map((t) => `${t.targetKey}=${t.durationMs / HOUR}h`),
  }));

describe("conditions", () => {
  it("match any ticket when left out or empty", () => {
    expect(conditionsHold(undefined, ticket())).toBe(true);
    expect(conditionsHold({}, ticket())).toBe(true);
    expect(conditionsHold({ plans: [], tags: [] }, ticket({ plan: null }))).toBe(true);
  });

  it("require every listed condition to hold", () => {
    const conditions = { plans: ["cloud", "managed"], severities: ["sev1"], channels: ["email", "chat"] };
    expect(conditionsHold(conditions, ticket({ severity: "sev1" }))).toBe(true);
    expect(conditionsHold(conditions, ticket({ severity: "sev2" }))).toBe(false);
    expect(conditionsHold(conditions, ticket({ severity: "sev1", plan: "custom" }))).toBe(false);
    expect(conditionsHold(conditions, ticket({ severity: "sev1", channel: "phone" }))).toBe(false);
  });

  it("never match a plan, stage or organization on a ticket without an organization", () => {
    const orphan = ticket({ plan: null, stage: null, organizationId: null });
    expect(conditionsHold({ plans: ["cloud"] }, orphan)).toBe(false);
    expect(conditionsHold({ stages: ["pre_sales"] }, orphan)).toBe(false);
    expect(conditionsHold({ organizationIds: ["org-acme"] }, orphan)).toBe(false);
    expect(conditionsHold({ categories: ["other"] }, orphan)).toBe(true);
  });

  it("match stage, category and specific organizations", () => {
    expect(conditionsHold({ stages: ["pre_sales"] }, ticket({ stage: "pre_sales" }))).toBe(true);
    expect(conditionsHold({ categories: ["availability"] }, ticket())).toBe(false);
    expect(conditionsHold({ organizationIds: ["org-other", "org-acme"] }, ticket())).toBe(true);
    expect(conditionsHold({ organizationIds: ["org-other"] }, ticket())).toBe(false);
  });

  it("match tags when the ticket carries at least one of them", () => {
    expect(conditionsHold({ tags: ["outage", "vip"] }, ticket({ tags: ["billing", "vip"] }))).toBe(true);
    expect(conditionsHold({ tags: ["outage", "vip"] }, ticket({ tags: ["billing"] }))).toBe(false);
    expect(conditionsHold({ tags: ["vip"] }, ticket({ tags: [] }))).toBe(false);
  });
});

describe("policiesFor", () => {
  it("applies several policies at once, in position order, skipping inactive and non-matching ones", () => {
    const policies = [
      policy({ id: "internal", position: 2 }),
      policy({ id: "contract", position: 1, conditions: { plans: ["cloud"] } }),
      policy({ id: "paused", position: 3, active: false }),
      policy({ id: "pre-sales", position: 4, conditions: { stages: ["pre_sales"] } }),
    ];
    expect(summary(policiesFor(ticket(), policies, [], now))).toEqual([
      { policy: "contract", targets: ["first_response:0=1h"] },
      { policy: "internal", targets: ["first_response:0=1h"] },
    ]);
    expect(summary(policiesFor(ticket({ plan: "custom", stage: "pre_sales" }), policies, [], now))).toEqual([
      { policy: "internal", targets: ["first_response:0=1h"] },
      { policy: "pre-sales", targets: ["first_response:0=1h"] },
    ]);
  });

  it("keeps only the targets whose own conditions hold, keyed by their index in the policy", () => {
    const contract = policy({
      id: "contract",
      targets: [
        target({ durationMs: 24 * HOUR, conditions: { severities: ["sev1"] } }),
        target({ metric: "resolution", durationMs: 72 * HOUR, conditions: { severities: ["sev1"] } }),
        target({ durationMs: 40 * HOUR, conditions: { severities: ["sev2"] } }),
      ],
    });
    expect(summary(policiesFor(ticket({ severity: "sev1" }), [contract], [], now))).toEqual([
      { policy: "contract", targets: ["first_response:0=24h", "resolution:1=72h"] },
    ]);
    expect(summary(policiesFor(ticket({ severity: "sev2" }), [contract], [], now))).toEqual([
      { policy: "contract", targets: ["first_response:2=40h"] },
    ]);
  });

  it("leaves out a policy none of whose targets hold", () => {
    const onlySev1 = policy({ id: "sev1 only", targets: [target({ conditions: { severities: ["sev1"] } })] });
    expect(policiesFor(ticket({ severity: "sev2" }), [onlySev1], [], now)).toEqual([]);
  });

  it("lets an exception replace a policy's targets of the same metric, for its organization only", () => {
    const contract = policy({
      id: "contract",
      targets: [target({ durationMs: 24 * HOUR }), target({ metric: "resolution", durationMs: 72 * HOUR })],
    });
    const faster = exception({
      id: "exc-1",
      policyId: "contract",
      targets: [target({ durationMs: 4 * HOUR })],
    });
    expect(summary(policiesFor(ticket(), [contract], [faster], now))).toEqual([
      { policy: "contract", targets: ["resolution:1=72h"] },
      { policy: "contract (exception: custom contract)", targets: ["first_response:0=4h"] },
    ]);
    expect(policiesFor(ticket(), [contract], [faster], now)[1]).toMatchObject({
      policyId: "exc-1",
      exceptionId: "exc-1",
    });
    expect(summary(policiesFor(ticket({ organizationId: "org-other" }), [contract], [faster], now))).toEqual([
      { policy: "contract", targets: ["first_response:0=24h", "resolution:1=72h"] },
    ]);
  });

  it("ignores an exception bound to a policy that does not apply to the ticket", () => {
    const contract = policy({ id: "contract", conditions: { plans: ["managed"] } });
    const faster = exception({ id: "exc-1", policyId: "contract" });
    expect(policiesFor(ticket({ plan: "cloud" }), [contract], [faster], now)).toEqual([]);
  });

  it("replaces only with exception targets whose own conditions hold", () => {
    const contract = policy({ id: "contract", targets: [target({ durationMs: 24 * HOUR })] });
    const sev1Only = exception({
      id: "exc-1",
      policyId: "contract",
      targets: [target({ durationMs: 2 * HOUR, conditions: { severities: ["sev1"] } })],
    });
    expect(summary(policiesFor(ticket({ severity: "sev2" }), [contract], [sev1Only], now))).toEqual([
      { policy: "contract", targets: ["first_response:0=24h"] },
    ]);
    expect(summary(policiesFor(ticket({ severity: "sev1" }), [contract], [sev1Only], now))).toEqual([
      { policy: "contract (exception: custom contract)", targets: ["first_response:0=2h"] },
    ]);
  });

  it("lets the newer of two exceptions on one policy and metric win", () => {
    const contract = policy({ id: "contract", targets: [target({ durationMs: 24 * HOUR })] });
    const older = exception({
      id: "old",
      policyId: "contract",
      reason: "old deal",
      targets: [target({ durationMs: 8 * HOUR })],
    });
    const newer = exception({
      id: "new",
      policyId: "contract",
      reason: "new deal",
      createdAt: new Date("2026-11-20T00:00:00.000Z"),
      targets: [target({ durationMs: 4 * HOUR })],
    });
    expect(summary(policiesFor(ticket(), [contract], [newer, older], now))).toEqual([
      { policy: "contract (exception: new deal)", targets: ["first_response:0=4h"] },
    ]);
  });

  it("adds an exception without a policy as an extra set after the policies", () => {
    const internal = policy({ id: "internal" });
    const extra = exception({
      id: "exc-extra",
      reason: "migration window",
      targets: [target({ metric: "periodic_update", durationMs: 4 * HOUR })],
    });
    expect(summary(policiesFor(ticket(), [internal], [extra], now))).toEqual([
      { policy: "internal", targets: ["first_response:0=1h"] },
      { policy: "Exception: migration window", targets: ["periodic_update:0=4h"] },
    ]);
  });

  it("applies an exception up to its expiry and ignores it from the expiry instant on", () => {
    const contract = policy({ id: "contract", targets: [target({ durationMs: 24 * HOUR })] });
    const expiresAt = new Date("2026-12-01T00:00:00.000Z");
    const faster = exception({
      id: "exc-1",
      policyId: "contract",
      expiresAt,
      targets: [target({ durationMs: 4 * HOUR })],
    });
    const extra = exception({ id: "exc-2", expiresAt, targets: [target({ metric: "next_response" })] });
    const justBefore = new Date(expiresAt.getTime() - 1);
    expect(summary(policiesFor(ticket(), [contract], [faster, extra], justBefore))).toEqual([
      { policy: "contract (exception: custom contract)", targets: ["first_response:0=4h"] },
      { policy: "Exception: custom contract", targets: ["next_response:0=1h"] },
    ]);
    expect(summary(policiesFor(ticket(), [contract], [faster, extra], expiresAt))).toEqual([
      { policy: "contract", targets: ["first_response:0=24h"] },
    ]);
  });
});
