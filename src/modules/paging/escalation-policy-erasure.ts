import type { EscalationPolicy, EscalationTarget } from "../oncall/escalation.js";
import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { type StillCountsOn, stillCountedOnRefusal } from "../privacy/erasure-refusal.js";
import { storedPolicy } from "./paging-presenter.js";
import { type EscalationPolicyRow, listPolicyRows } from "./paging-repository.js";

const namesPerson = (targets: readonly EscalationTarget[], personId: string) =>
  targets.some((target) => target.kind === "person" && target.personId === personId);

/** Pure: where a policy names the person directly — "level 1", …, "fallback" — in the order a page goes. */
export function stepsNaming(personId: string, policy: EscalationPolicy): string[] {
  const steps = policy.levels.flatMap((level, index) =>
    namesPerson(level.targets, personId) ? [`level ${index + 1}`] : [],
  );
  return namesPerson(policy.fallback, personId) ? [...steps, "fallback"] : steps;
}

/** Pure: the escalation policies that name the person as a target, each with the steps that do. */
export function policiesNaming(personId: string, rows: readonly EscalationPolicyRow[]): StillCountsOn[] {
  return rows.flatMap((row) => {
    const steps = stepsNaming(personId, storedPolicy(row));
    return steps.length > 0 ? [{ id: row.id, name: row.name, duties: steps }] : [];
  });
}

/**
 * Escalation policies naming the person directly. Erasure is refused (409, naming the policies,
 * the on-call refusal's wording) while one does, rather than dropping them from the step: a step
 * left with nobody, or a level that vanished, would let a page of tonight's outage escalate past
 * or reach no one unseen. Who is paged instead is an admin's audited policy edit; then erasure
 * proceeds. A schedule or group that reaches them is not this check's: the on-call contributor
 * refuses for schedules, and erasure deletes their group memberships.
 */
export const escalationPolicyErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const policies = policiesNaming(person.id, await listPolicyRows(ctx.db));
    if (policies.length > 0)
      throw stillCountedOnRefusal(
        person.name,
        {
          standing: "is still paged by",
          noun: ["escalation policy", "escalation policies"],
          member: "policies",
        },
        policies,
      );
    return { counts: {}, erase: async () => {} };
  },
};
