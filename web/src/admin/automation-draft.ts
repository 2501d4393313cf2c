import type { AutomationAction } from "../../../src/modules/automations/automation-actions.js";
import type {
  AutomationCondition,
  AutomationEventKind,
  ConditionMatch,
} from "../../../src/modules/automations/automation-conditions.js";
import type { AutomationView } from "../../../src/modules/automations/automation-presenter.js";

/** What the automation form edits: the API's body, with tags as typed (blanks from a trailing comma). */
export interface AutomationDraft {
  name: string;
  events: AutomationEventKind[];
  match: ConditionMatch;
  conditions: AutomationCondition[];
  actions: AutomationAction[];
}

/** The draft of an automation to edit, or of a new one: on ticket creation, all conditions. */
export const draftOf = (automation: AutomationView | null): AutomationDraft =>
  automation
    ? {
        name: automation.name,
        events: automation.events,
        match: automation.match,
        conditions: automation.conditions,
        actions: automation.actions,
      }
    : { name: "", events: ["ticket.created"], match: "all", conditions: [], actions: [] };

/**
 * Tags typed comma-separated. Blanks are kept while typing, so the comma just typed stays in the
 * input; `bodyOfDraft` drops them.
 */
export const tagsOfText = (text: string): string[] => text.split(",").map((tag) => tag.trim());

/** The body the API takes: the blanks a trailing comma left are not tags. */
export const bodyOfDraft = (draft: AutomationDraft): AutomationDraft => ({
  ...draft,
  actions: draft.actions.map((action) =>
    "tags" in action ? { ...action, tags: action.tags.filter((tag) => tag !== "") } : action,
  ),
});

/** Every path the API may name in a refusal of this draft, so each message lands beside its control. */
export function fieldsOfDraft(draft: AutomationDraft): string[] {
  return [
    "name",
    "events",
    "match",
    "conditions",
    "actions",
    ...draft.conditions.flatMap((_, index) =>
      ["field", "operator", "value"].map((key) => `conditions/${index}/${key}`),
    ),
    ...draft.actions.flatMap((action, index) => [
      `actions/${index}`,
      ...Object.keys(action).map((key) => `actions/${index}/${key}`),
    ]),
  ];
}

/** Replaces the item at `index` of a list. */
export const replaced = <T>(items: readonly T[], index: number, item: T): T[] =>
  items.map((current, at) => (at === index ? item : current));

/** Every automation's id in run order after the one at `index` moves `step` places (the order API takes all). */
export function reordered(automations: readonly { id: string }[], index: number, step: -1 | 1): string[] {
  const ids = automations.map((automation) => automation.id);
  const [moved] = ids.splice(index, 1);
  if (moved !== undefined) ids.splice(index + step, 0, moved);
  return ids;
}
