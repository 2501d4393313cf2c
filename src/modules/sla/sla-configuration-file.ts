import { Value } from "typebox/value";
import { type FieldProblem, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findCalendarByName, listCalendarRows } from "./calendar-repository.js";
import { createCalendar, updateCalendar } from "./manage-calendars.js";
import { createPolicy, type TargetInput, updatePolicy } from "./manage-policies.js";
import { findPolicyByName, listPolicyRows, setPolicyPositions } from "./policy-repository.js";
import { type SlaConfigurationFile, SlaConfigurationFileSchema } from "./sla-schemas.js";

/**
 * `tend sla export` and `tend sla import`: calendars and policies as one JSON file, calendars referenced by
 * name so the file moves between desks. Customer exceptions stay out: they belong to organizations, which
 * differ from desk to desk.
 */

export async function exportSlaConfiguration(ctx: Context): Promise<SlaConfigurationFile> {
  requireStaff(ctx.actor);
  const calendars = await listCalendarRows(ctx.db);
  const nameOf = new Map(calendars.map((calendar) => [calendar.id, calendar.name]));
  const policies = await listPolicyRows(ctx.db);
  await recordAudit(ctx, {
    action: "sla_configuration.exported",
    targetType: "sla_configuration",
    targetId: null,
    after: { calendars: calendars.length, policies: policies.length },
  });
  return {
    format: "tend-sla-configuration",
    version: 1,
    exportedAt: ctx.clock.now().toISOString(),
    calendars: calendars.map((calendar) => ({ name: calendar.name, definition: calendar.definition })),
    policies: policies.map((policy) => ({
      name: policy.name,
      description: policy.description,
      active: policy.active,
      conditions: policy.conditions as NonNullable<SlaConfigurationFile["policies"][number]["conditions"]>,
      targets: policy.targets.map(({ calendarId, ...target }) => ({
        ...target,
        conditions: target.conditions as SlaConfigurationFile["policies"][number]["conditions"],
        calendar: calendarId === null ? null : (nameOf.get(calendarId) ?? calendarId),
      })),
    })),
  };
}

export interface SlaImportSummary {
  calendars: { created: number; updated: number; unchanged: number };
  policies: { created: number; updated: number };
}

/**
 * Makes the desk's calendars and policies match the file, by name: new names are created, existing ones
 * replaced; calendars and policies the file does not name stay as they are, after the file's policies in
 * order. All or nothing: any problem, reported with its place in the file, leaves the desk unchanged.
 */
export async function importSlaConfiguration(ctx: Context, json: string): Promise<SlaImportSummary> {
  requireAdmin(ctx.actor);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw ValidationError.field("/", `is not JSON: ${(error as Error).message}`);
  }
  const shapeProblems = fileProblems(parsed);
  if (shapeProblems.length > 0) throw new ValidationError(shapeProblems);
  const file = parsed as SlaConfigurationFile;
  const duplicates = [
    ...duplicateNames(file.calendars, "/calendars"),
    ...duplicateNames(file.policies, "/policies"),
  ];
  if (duplicates.length > 0) throw new ValidationError(duplicates);

  return inTransaction(ctx, async (tx) => {
    const problems: FieldProblem[] = [];
    const collect = async (prefix: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        problems.push(...error.problems.map((p) => ({ field: `${prefix}${p.field}`, message: p.message })));
      }
    };
    const summary: SlaImportSummary = {
      calendars: { created: 0, updated: 0, unchanged: 0 },
      policies: { created: 0, updated: 0 },
    };

    for (const [index, calendar] of file.calendars.entries()) {
      await collect(`/calendars/${index}`, async () => {
        const existing = await findCalendarByName(tx.db, calendar.name.trim());
        if (!existing) {
          await createCalendar({ ctx: tx, input: calendar });
          summary.calendars.created += 1;
        } else if (JSON.stringify(existing.definition) === JSON.stringify(calendar.definition)) {
          summary.calendars.unchanged += 1;
        } else {
          await updateCalendar({ ctx: tx, id: existing.id, input: { definition: calendar.definition } });
          summary.calendars.updated += 1;
        }
      });
    }

    const calendarIdByName = new Map((await listCalendarRows(tx.db)).map((row) => [row.name, row.id]));
    const fileOrder: string[] = [];
    for (const [index, policy] of file.policies.entries()) {
      const targets: TargetInput[] = [];
      for (const [targetIndex, { calendar, ...target }] of policy.targets.entries()) {
        const calendarId = calendar === null ? null : calendarIdByName.get(calendar.trim());
        if (calendarId === undefined) {
          problems.push({
            field: `/policies/${index}/targets/${targetIndex}/calendar`,
            message: `no calendar named "${calendar}" in the file or on the desk`,
          });
        }
        targets.push({ ...target, calendarId: calendarId ?? null });
      }
      await collect(`/policies/${index}`, async () => {
        const input = {
          name: policy.name,
          description: policy.description ?? "",
          active: policy.active ?? true,
          conditions: policy.conditions ?? {},
          targets,
        };
        const existing = await findPolicyByName(tx.db, policy.name.trim());
        if (existing) {
          await updatePolicy({ ctx: tx, id: existing.id, input });
          summary.policies.updated += 1;
          fileOrder.push(existing.id);
        } else {
          fileOrder.push((await createPolicy({ ctx: tx, input })).id);
          summary.policies.created += 1;
        }
      });
    }
    if (problems.length > 0) throw new ValidationError(problems);

    const current = await listPolicyRows(tx.db);
    const inFile = new Set(fileOrder);
    await setPolicyPositions(tx.db, current, [
      ...fileOrder,
      ...current.filter((policy) => !inFile.has(policy.id)).map((policy) => policy.id),
    ]);
    await recordAudit(tx, {
      action: "sla_configuration.imported",
      targetType: "sla_configuration",
      targetId: null,
      after: { ...summary },
    });
    tx.logger.info(summary, "SLA configuration imported");
    return summary;
  });
}

/** The file's shape problems, named by JSON pointer like the API's. */
function fileProblems(file: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of Value.Errors(SlaConfigurationFileSchema, file)) {
    const at = error.instancePath;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "additionalProperties") continue;
    if (error.keyword === "boolean" && error.schemaPath.endsWith("additionalProperties")) {
      problems.push({ field: at, message: "unknown field" });
    } else if (error.keyword === "required" && Array.isArray(params.requiredProperties)) {
      for (const property of params.requiredProperties)
        problems.push({ field: `${at}/${property}`, message: "is required" });
    } else if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
      problems.push({ field: at || "/", message: `must be one of: ${params.allowedValues.join(", ")}` });
    } else if (error.keyword === "const") {
      problems.push({ field: at || "/", message: `must be ${JSON.stringify(params.allowedValue)}` });
    } else {
      problems.push({ field: at || "/", message: error.message });
    }
  }
  return problems;
}

function duplicateNames(entries: readonly { name: string }[], field: string): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  entries.forEach((entry, index) => {
    const name = entry.name.trim();
    if (seen.has(name))
      problems.push({ field: `${field}/${index}/name`, message: `"${name}" appears twice` });
    seen.add(name);
  });
  return problems;
}
