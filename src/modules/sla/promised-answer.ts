import { ForbiddenError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { requirePerson } from "../identity/identity-policy.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import type { Category, Severity } from "../tickets/ticket.js";
import { dueAfter, resolveTargets } from "./resolve-targets.js";

export interface PromisedAnswer {
  /** When the first response is due if the request is sent now; null when no promise covers it. */
  answerBy: string | null;
}

/**
 * What the portal's request form promises a customer: when the team will answer a request with
 * this severity and category, under the caller's own organization's plan, stage and exceptions,
 * if it were opened now. Several first-response targets may hold (the contract's, and the desk's
 * own stricter goals such as the default one-business-hour target); the promise is the latest of
 * them, the time by which every one is met, so an internal goal is never promised. Only the
 * instant leaves: policy names, durations and calendars are the desk's. Staff preview every
 * target with `POST /sla/preview`.
 */
export async function promisedAnswer({
  ctx,
  input,
}: {
  ctx: Context;
  input: { severity: Severity; category: Category };
}): Promise<PromisedAnswer> {
  const actor = requirePerson(ctx.actor);
  if (actor.role !== "customer") {
    throw new ForbiddenError(
      "This is a customer's promised answer time: staff use POST /api/v1/sla/preview.",
    );
  }
  const organization = actor.organizationId
    ? await findOrganizationById(ctx.db, actor.organizationId)
    : undefined;
  const now = ctx.clock.now();
  const targets = await resolveTargets(
    ctx,
    {
      plan: organization?.plan ?? null,
      stage: organization?.stage ?? null,
      severity: input.severity,
      category: input.category,
      channel: "portal",
      organizationId: organization?.id ?? null,
      tags: [],
    },
    now,
  );
  const dueTimes = targets
    .filter((target) => target.metric === "first_response")
    .map((target) => dueAfter(target.calendar, now, target.durationMs).getTime());
  return { answerBy: dueTimes.length > 0 ? new Date(Math.max(...dueTimes)).toISOString() : null };
}
