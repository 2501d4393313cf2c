import type { PolicyConditions, StoredTarget } from "./sla-types.js";

/** What a policy's conditions look at on a ticket. A ticket without an organization has no plan or stage. */
export interface TicketAttributes {
  plan: string | null;
  stage: string | null;
  severity: string;
  category: string;
  channel: string;
  organizationId: string | null;
  tags: readonly string[];
}

export interface MatchablePolicy {
  id: string;
  name: string;
  position: number;
  active: boolean;
  conditions: PolicyConditions;
  targets: readonly StoredTarget[];
}

/** An organization's own promise, for a while: it replaces a policy's targets of the same metrics, or adds a set. */
export interface MatchableException {
  id: string;
  organizationId: string;
  /** The policy whose targets it replaces; null for an extra set of its own. */
  policyId: string | null;
  reason: string;
  /** The first instant at which the exception no longer applies. */
  expiresAt: Date;
  createdAt: Date;
  targets: readonly StoredTarget[];
}

export interface ApplicableTarget extends StoredTarget {
  /** `${metric}:${index}`, the index within the targets of the policy (or exception) that holds it. */
  targetKey: string;
}

/**
 * A set of targets that holds for one ticket. An exception's targets form a set of their own, keyed by
 * the exception's id: their clocks are not the policy's clocks, and when the exception expires the
 * policy's own targets come back under their own keys.
 */
export interface ApplicablePolicy {
  policyId: string;
  policyName: string;
  /** Set when the targets come from a customer exception (then policyId is the exception's id too). */
  exceptionId: string | null;
  targets: ApplicableTarget[];
}

/** Every listed condition holds; a list left out or empty matches any ticket. */
export function conditionsHold(conditions: PolicyConditions | undefined, ticket: TicketAttributes): boolean {
  if (conditions === undefined) return true;
  return (
    allows(conditions.plans, ticket.plan) &&
    allows(conditions.stages, ticket.stage) &&
    allows(conditions.severities, ticket.severity) &&
    allows(conditions.categories, ticket.category) &&
    allows(conditions.channels, ticket.channel) &&
    allows(conditions.organizationIds, ticket.organizationId) &&
    (isEmpty(conditions.tags) || conditions.tags!.some((tag) => ticket.tags.includes(tag)))
  );
}

/** An exception applies to its organization's tickets up to, not including, its expiry instant. */
export function exceptionInForce(
  exception: MatchableException,
  organizationId: string | null,
  now: Date,
): boolean {
  return exception.organizationId === organizationId && now.getTime() < exception.expiresAt.getTime();
}

/**
 * The policies (and customer exceptions) that hold for a ticket at `now`, in policy order, each with the
 * targets whose own conditions hold. Several policies apply at once: a contract promise and an internal
 * goal each run their own clocks. An exception bound to a policy replaces, when that policy applies, the
 * policy's targets of the metrics it covers; when two such exceptions cover one metric the newer wins.
 * Exceptions without a policy follow, as extra sets.
 */
export function policiesFor(
  ticket: TicketAttributes,
  policies: readonly MatchablePolicy[],
  exceptions: readonly MatchableException[],
  now: Date,
): ApplicablePolicy[] {
  const inForce = exceptions
    .filter((exception) => exceptionInForce(exception, ticket.organizationId, now))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  const ordered = [...policies].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));

  const applicable: ApplicablePolicy[] = [];
  for (const policy of ordered) {
    if (!policy.active || !conditionsHold(policy.conditions, ticket)) continue;
    const replacedMetrics = new Set<string>();
    const replacements: ApplicablePolicy[] = [];
    for (const exception of inForce) {
      if (exception.policyId !== policy.id) continue;
      const targets = applicableTargets(exception.targets, ticket).filter(
        (target) => !replacedMetrics.has(target.metric),
      );
      if (targets.length === 0) continue;
      for (const target of targets) replacedMetrics.add(target.metric);
      replacements.push({
        policyId: exception.id,
        policyName: `${policy.name} (exception: ${exception.reason})`,
        exceptionId: exception.id,
        targets,
      });
    }
    const own = applicableTargets(policy.targets, ticket).filter(
      (target) => !replacedMetrics.has(target.metric),
    );
    if (own.length > 0)
      applicable.push({ policyId: policy.id, policyName: policy.name, exceptionId: null, targets: own });
    // Newest first was for deciding; shown in the order they were granted.
    applicable.push(...replacements.reverse());
  }

  for (const exception of [...inForce].reverse()) {
    if (exception.policyId !== null) continue;
    const targets = applicableTargets(exception.targets, ticket);
    if (targets.length === 0) continue;
    applicable.push({
      policyId: exception.id,
      policyName: `Exception: ${exception.reason}`,
      exceptionId: exception.id,
      targets,
    });
  }
  return applicable;
}

function applicableTargets(targets: readonly StoredTarget[], ticket: TicketAttributes): ApplicableTarget[] {
  return targets.flatMap((target, index) =>
    conditionsHold(target.conditions, ticket) ? [{ ...target, targetKey: `${target.metric}:${index}` }] : [],
  );
}

function allows(list: readonly string[] | undefined, value: string | null): boolean {
  return isEmpty(list) || (value !== null && list!.includes(value));
}

function isEmpty(list: readonly string[] | undefined): boolean {
  return list === undefined || list.length === 0;
}
