import type { DbExecutor } from "../../db/database.js";
import { MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { type IncidentRuleSettings, listIncidentRuleSettings } from "./incident-rule-settings.js";
import {
  brokenIncidentRules,
  type FiredRule,
  type IncidentRule,
  ruleSummary,
  type UserImpactSample,
} from "./incident-rules.js";
import { openIncident, suggestResolution } from "./manage-incidents.js";
import type { WindowAvailability } from "./read-availability.js";
import { readAvailabilityByComponent } from "./read-components-availability.js";
import { latestUserImpactSample } from "./status-repository.js";

export const evaluateIncidentRulesJob = "status.evaluate-incident-rules";

/**
 * A user-impact sample counts for this long. Clients push about once a minute; five minutes tolerates a few
 * missed pushes, while a sample older than that describes an outage that may be over, and must not open one.
 */
export const userImpactFreshnessMs = 5 * MINUTE;

interface Claim {
  component_id: string;
  incident_id: string;
  recovery_suggested_at: string | null;
}

/** Someone else (another scheduler, a re-run) opened the incident first: this transaction opens nothing. */
class AlreadyClaimed extends Error {}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

function figuresOf(fired: readonly FiredRule[]) {
  return { fired: fired.map(({ rule, measured }) => ({ rule, measured })) };
}

/** "availability 99.50% over 1 h, 99.90% over 24 h": the figures a recovery suggestion quotes. */
function holdingFigures(
  rules: readonly IncidentRule[],
  availabilityOver: (ms: number) => number | null,
): string {
  const parts = rules.flatMap((rule) => {
    if (rule.kind !== "availability_below") return [];
    const availability = availabilityOver(rule.windowMs);
    return availability === null ? [] : [`${percent(availability)} over ${rule.windowMs / MINUTE} min`];
  });
  return parts.length > 0 ? `availability ${parts.join(", ")}` : "no rule is broken";
}

async function releaseResolvedClaims(db: DbExecutor): Promise<void> {
  await db
    .deleteFrom("status_rule_incident_claims")
    .where("incident_id", "in", (q) =>
      q.selectFrom("status_incidents").select("id").where("state", "=", "resolved"),
    )
    .execute();
}

async function openRuleIncident(
  ctx: Context,
  settings: IncidentRuleSettings,
  componentName: string,
  fired: readonly FiredRule[],
): Promise<boolean> {
  const [first] = fired;
  if (!first) return false;
  const usersRuleFired = fired.some(({ rule }) => rule.kind === "users_affected_above");
  try {
    await inTransaction(ctx, async (tx) => {
      const incident = await openIncident({
        ctx: tx,
        input: {
          title: `${componentName}: ${ruleSummary(first.rule)}`,
          impact: usersRuleFired ? settings.usersImpact : settings.availabilityImpact,
          componentIds: [settings.componentId],
          body: fired.map(({ explanation }) => explanation).join(" "),
          firedRule: JSON.stringify(first.rule),
          firedFigures: figuresOf(fired),
        },
      });
      // The component's key: a second process reaching here waits on the first's row, then finds it taken
      // and rolls back the incident it just wrote.
      const claimed = await tx.db
        .insertInto("status_rule_incident_claims")
        .values({
          component_id: settings.componentId,
          incident_id: incident.id,
          recovery_suggested_at: null,
          claimed_at: tx.clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column("component_id").doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AlreadyClaimed();
    });
    return true;
  } catch (error) {
    if (error instanceof AlreadyClaimed) return false;
    throw error;
  }
}

/**
 * One pass of the rules over every component whose rules are on. A firing while a rule-opened incident is open
 * adds nothing — not even when a different rule fires: the incident already says the component is down, and a
 * person is on it. When every rule holds again, one internal recovery suggestion; a relapse re-arms it.
 */
export async function evaluateIncidentRules(ctx: Context): Promise<{ opened: number; suggested: number }> {
  const now = ctx.clock.now().getTime();
  await releaseResolvedClaims(ctx.db);
  const settings = (await listIncidentRuleSettings(ctx.db)).filter(
    (each) => each.enabled && each.rules.length > 0,
  );
  if (settings.length === 0) return { opened: 0, suggested: 0 };
  const windows = [
    ...new Set(
      settings.flatMap((each) =>
        each.rules.flatMap((rule) => (rule.kind === "availability_below" ? [rule.windowMs] : [])),
      ),
    ),
  ];
  const byWindow = new Map<number, Map<string, WindowAvailability>>();
  for (const windowMs of windows)
    byWindow.set(
      windowMs,
      await readAvailabilityByComponent(ctx.db, { start: now - windowMs, end: now }, now),
    );
  const [claims, components] = await Promise.all([
    ctx.db.selectFrom("status_rule_incident_claims").selectAll().execute() as Promise<Claim[]>,
    ctx.db.selectFrom("status_components").select(["id", "name"]).execute(),
  ]);
  const claimOf = new Map(claims.map((claim) => [claim.component_id, claim]));
  const nameOf = new Map(components.map((component) => [component.id, component.name]));

  let opened = 0;
  let suggested = 0;
  for (const each of settings) {
    const availabilityOver = (windowMs: number) =>
      byWindow.get(windowMs)?.get(each.componentId)?.availability ?? null;
    const sample = await latestUserImpactSample(ctx.db, each.componentId);
    const latestUserImpact: UserImpactSample | null =
      sample && now - sample.at <= userImpactFreshnessMs
        ? { at: sample.at, affectedUsers: sample.affected, totalUsers: sample.total }
        : null;
    const fired = brokenIncidentRules(each.rules, { availabilityOver, latestUserImpact });
    const claim = claimOf.get(each.componentId);
    if (fired.length > 0) {
      if (!claim) {
        if (await openRuleIncident(ctx, each, nameOf.get(each.componentId) ?? "Component", fired))
          opened += 1;
      } else if (claim.recovery_suggested_at !== null) {
        await ctx.db
          .updateTable("status_rule_incident_claims")
          .set({ recovery_suggested_at: null })
          .where("component_id", "=", each.componentId)
          .execute();
      }
      continue;
    }
    if (!claim || claim.recovery_suggested_at !== null) continue;
    const since = new Date(now).toISOString();
    await inTransaction(ctx, async (tx) => {
      // Marked first and only if unmarked: a concurrent pass that lost the race adds no second suggestion.
      const marked = await tx.db
        .updateTable("status_rule_incident_claims")
        .set({ recovery_suggested_at: since })
        .where("component_id", "=", each.componentId)
        .where("recovery_suggested_at", "is", null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 0) return;
      await suggestResolution({
        ctx: tx,
        id: claim.incident_id,
        body: `All rules hold again since ${since}: ${holdingFigures(each.rules, availabilityOver)} — consider resolving.`,
      });
      suggested += 1;
    });
  }
  return { opened, suggested };
}
