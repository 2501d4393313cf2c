import { type FieldProblem, UnprocessableContentError } from "../../errors.js";
import { plans } from "../identity/organization.js";
import { categories, normalizeTags, severities, ticketChannels } from "../tickets/ticket.js";
import { ticketStatuses } from "../tickets/ticket-status.js";

/** The ticket events an automation may fire on. */
export const automationEventKinds = ["ticket.created", "ticket.updated", "ticket.commented"] as const;
export type AutomationEventKind = (typeof automationEventKinds)[number];

export const conditionMatches = ["all", "any"] as const;
export type ConditionMatch = (typeof conditionMatches)[number];

/**
 * What a condition may look at, and the operators each takes. Every value is a string, so the admin
 * page has one shape of row: `group` is a group's id, `business_hours` is `within` or `outside` the
 * support calendar's open hours, `text` is searched case-insensitively in the subject and the body.
 */
export const conditionOperators = {
  channel: ["is", "is_not"],
  plan: ["is", "is_not"],
  severity: ["is", "is_not"],
  category: ["is", "is_not"],
  group: ["is", "is_not"],
  status: ["is", "is_not"],
  tags: ["includes", "excludes"],
  text: ["contains", "does_not_contain"],
  business_hours: ["is"],
} as const;
export type ConditionField = keyof typeof conditionOperators;
export const conditionFields = Object.keys(conditionOperators) as ConditionField[];
export const allConditionOperators = [...new Set(Object.values(conditionOperators).flat())];

export interface AutomationCondition {
  field: ConditionField;
  operator: (typeof allConditionOperators)[number];
  value: string;
}

/** The ticket as the conditions see it, read once when the event's job starts. */
export interface TicketFacts {
  channel: string;
  /** The requester's organization's plan; null without an organization. */
  plan: string | null;
  severity: string;
  category: string;
  groupId: string | null;
  status: string;
  tags: readonly string[];
  /** The subject, the description and, for a comment event, the comment. */
  text: string;
  /** Whether the event happened while the support calendar was open; true without a calendar. */
  withinBusinessHours: boolean;
}

function holds(condition: AutomationCondition, facts: TicketFacts): boolean {
  const { field, operator, value } = condition;
  switch (field) {
    case "tags":
      return facts.tags.includes(value) === (operator === "includes");
    case "text":
      return facts.text.toLowerCase().includes(value.toLowerCase()) === (operator === "contains");
    case "business_hours":
      return facts.withinBusinessHours === (value === "within");
    default: {
      const actual = {
        channel: facts.channel,
        plan: facts.plan,
        severity: facts.severity,
        category: facts.category,
        group: facts.groupId,
        status: facts.status,
      }[field];
      return (actual === value) === (operator === "is");
    }
  }
}

/** No conditions hold always: an automation with none acts on every event it fires on. */
export function conditionsHold(
  match: ConditionMatch,
  conditions: readonly AutomationCondition[],
  facts: TicketFacts,
): boolean {
  if (conditions.length === 0) return true;
  return match === "all"
    ? conditions.every((condition) => holds(condition, facts))
    : conditions.some((condition) => holds(condition, facts));
}

const allowedValues: Partial<Record<ConditionField, readonly string[]>> = {
  channel: ticketChannels,
  plan: plans,
  severity: severities,
  category: categories,
  status: ticketStatuses,
  business_hours: ["within", "outside"],
};

/**
 * Checks what the schema cannot: each operator belongs to its field and each value is one the field
 * takes (tags in tag form, text not blank). Groups are checked against the database by the caller.
 * Tags come back normalized, as the ticket stores them.
 */
export function checkConditions(conditions: readonly AutomationCondition[]): AutomationCondition[] {
  const problems: FieldProblem[] = [];
  const checked = conditions.map((condition, index) => {
    const at = `conditions/${index}`;
    const operators: readonly string[] = conditionOperators[condition.field];
    if (!operators.includes(condition.operator))
      problems.push({
        field: `${at}/operator`,
        message: `${condition.field} takes ${operators.join(" or ")}`,
      });
    const allowed = allowedValues[condition.field];
    if (allowed && !allowed.includes(condition.value))
      problems.push({ field: `${at}/value`, message: `one of ${allowed.join(", ")}` });
    if (condition.field === "text" && condition.value.trim() === "")
      problems.push({ field: `${at}/value`, message: "the text to look for" });
    if (condition.field === "tags") {
      try {
        const [tag] = normalizeTags([condition.value], `${at}/value`);
        return { ...condition, value: tag as string };
      } catch {
        problems.push({ field: `${at}/value`, message: `"${condition.value}" is not a tag` });
      }
    }
    return condition;
  });
  if (problems.length > 0) throw new UnprocessableContentError(problems);
  return checked;
}
