import type { DbExecutor } from "../../db/database.js";
import { NotFoundError, UnprocessableContentError } from "../../errors.js";
import { DAY, MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import type { IncidentImpact } from "./incident-lifecycle.js";
import { defaultIncidentRules, type IncidentRule } from "./incident-rules.js";
import { findComponentById } from "./status-repository.js";

/**
 * A component's incident rules. Without a saved row a component follows the objectives — the
 * defaults, enabled — since an outage nobody configured for is still an outage. An availability rule opens a
 * major incident (the service works for most, badly); the users rule a critical one, because more than 10%
 * of users failing is what the objectives call "unavailable", the worst Statuspage impact.
 */
export interface IncidentRuleSettings {
  componentId: string;
  enabled: boolean;
  rules: IncidentRule[];
  availabilityImpact: IncidentImpact;
  usersImpact: IncidentImpact;
}

export interface IncidentRuleSettingsInput {
  enabled: boolean;
  rules: IncidentRule[];
  availabilityImpact?: IncidentImpact;
  usersImpact?: IncidentImpact;
}

export const defaultAvailabilityImpact: IncidentImpact = "major";
export const defaultUsersImpact: IncidentImpact = "critical";

const shortestWindowMs = MINUTE;
const longestWindowMs = 30 * DAY;

/** Why each rule is refused, as problem fields: thresholds strictly between 0 and 1, windows 1 min–30 days. */
export function incidentRuleProblems(rules: readonly IncidentRule[]): { field: string; message: string }[] {
  return rules.flatMap((rule, index) => {
    const at = `/rules/${index}`;
    const share = (field: string, value: number) =>
      Number.isFinite(value) && value > 0 && value < 1
        ? []
        : [{ field: `${at}/${field}`, message: "must be between 0 and 1, both excluded" }];
    if (rule.kind === "users_affected_above") return share("share", rule.share);
    return [
      ...share("threshold", rule.threshold),
      ...(Number.isInteger(rule.windowMs) &&
      rule.windowMs >= shortestWindowMs &&
      rule.windowMs <= longestWindowMs
        ? []
        : [{ field: `${at}/windowMs`, message: "must be whole milliseconds from 1 minute to 30 days" }]),
    ];
  });
}

function defaultsFor(componentId: string): IncidentRuleSettings {
  return {
    componentId,
    enabled: true,
    rules: [...defaultIncidentRules],
    availabilityImpact: defaultAvailabilityImpact,
    usersImpact: defaultUsersImpact,
  };
}

/** Every component's settings, saved or default: what the rule job evaluates. */
export async function listIncidentRuleSettings(db: DbExecutor): Promise<IncidentRuleSettings[]> {
  const [components, saved] = await Promise.all([
    db.selectFrom("status_components").select(["id"]).orderBy("id").execute(),
    db.selectFrom("status_incident_rule_settings").selectAll().execute(),
  ]);
  const byComponent = new Map(saved.map((row) => [row.component_id, row]));
  return components.map(({ id }) => {
    const row = byComponent.get(id);
    if (!row) return defaultsFor(id);
    return {
      componentId: id,
      enabled: row.enabled === 1,
      rules: JSON.parse(row.rules) as IncidentRule[],
      availabilityImpact: row.availability_impact as IncidentImpact,
      usersImpact: row.users_impact as IncidentImpact,
    };
  });
}

async function settingsOf(db: DbExecutor, componentId: string): Promise<IncidentRuleSettings> {
  const row = await db
    .selectFrom("status_incident_rule_settings")
    .selectAll()
    .where("component_id", "=", componentId)
    .executeTakeFirst();
  if (!row) return defaultsFor(componentId);
  return {
    componentId,
    enabled: row.enabled === 1,
    rules: JSON.parse(row.rules) as IncidentRule[],
    availabilityImpact: row.availability_impact as IncidentImpact,
    usersImpact: row.users_impact as IncidentImpact,
  };
}

async function requireComponent(db: DbExecutor, id: string): Promise<void> {
  if (!(await findComponentById(db, id))) throw new NotFoundError(`No status component ${id}.`);
}

export async function getIncidentRuleSettings(
  ctx: Context,
  componentId: string,
): Promise<IncidentRuleSettings> {
  requireStaff(ctx.actor);
  await requireComponent(ctx.db, componentId);
  return settingsOf(ctx.db, componentId);
}

/** Replaces a component's rules (admins), audited with before and after. */
export async function saveIncidentRuleSettings({
  ctx,
  componentId,
  input,
}: {
  ctx: Context;
  componentId: string;
  input: IncidentRuleSettingsInput;
}): Promise<IncidentRuleSettings> {
  requireAdmin(ctx.actor);
  const problems = incidentRuleProblems(input.rules);
  if (problems.length > 0) throw new UnprocessableContentError(problems);
  return inTransaction(ctx, async (tx) => {
    await requireComponent(tx.db, componentId);
    const before = await settingsOf(tx.db, componentId);
    const after: IncidentRuleSettings = {
      componentId,
      enabled: input.enabled,
      rules: input.rules,
      availabilityImpact: input.availabilityImpact ?? defaultAvailabilityImpact,
      usersImpact: input.usersImpact ?? defaultUsersImpact,
    };
    const row = {
      component_id: componentId,
      enabled: after.enabled ? 1 : 0,
      rules: JSON.stringify(after.rules),
      availability_impact: after.availabilityImpact,
      users_impact: after.usersImpact,
      updated_at: tx.clock.now().toISOString(),
    };
    await tx.db
      .insertInto("status_incident_rule_settings")
      .values(row)
      .onConflict((oc) => oc.column("component_id").doUpdateSet(row))
      .execute();
    await recordAudit(tx, {
      action: "status_component.incident_rules_changed",
      targetType: "status_component",
      targetId: componentId,
      before,
      after,
    });
    return after;
  });
}
