import { type FieldProblem, UnprocessableContentError } from "../../errors.js";
import type { Severity, TicketStatus } from "../tickets/ticket.js";
import { normalizeTags } from "../tickets/ticket.js";

/**
 * What an automation may do to the ticket whose event it fired on. Field changes go through the
 * ticket's own use case (SLA, events and audit follow), replies and notes through `addComment` (the
 * reply's mail goes out), pages through paging's `startPage`.
 */
export type AutomationAction =
  | { type: "set_group"; groupId: string }
  | { type: "set_severity"; severity: Severity }
  | { type: "set_assignee"; assigneeId: string | null }
  | { type: "set_status"; status: TicketStatus }
  | { type: "add_tags"; tags: string[] }
  | { type: "remove_tags"; tags: string[] }
  | { type: "add_internal_note"; body: string }
  | { type: "send_public_reply"; body: string }
  | { type: "notify_by_email"; personIds: string[]; subject: string; body: string }
  | { type: "open_page"; policyId: string }
  | { type: "call_webhook"; endpointId: string; bodyTemplate?: string }
  | { type: "assign_in_group"; groupId: string; strategy: AssignmentStrategy };

export type AutomationActionType = AutomationAction["type"];
export const assignmentStrategies = ["round_robin", "least_loaded"] as const;
export type AssignmentStrategy = (typeof assignmentStrategies)[number];

/** The placeholders a reply, note or notification may carry; anything else is refused on save. */
export const templatePlaceholders = [
  "ticket.number",
  "ticket.subject",
  "ticket.status",
  "ticket.severity",
  "requester.name",
  "requester.email",
  "organization.name",
  "assignee.name",
  "group.name",
] as const;
export type TemplatePlaceholder = (typeof templatePlaceholders)[number];
export type TemplateValues = Record<TemplatePlaceholder, string>;

const placeholderPattern = /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g;

/**
 * Fills `{{ticket.number}}`-style placeholders with plain values: a lookup, never evaluation, so an
 * admin's template cannot run code and a customer's name cannot inject a placeholder of its own
 * (values are inserted once, not rescanned).
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(placeholderPattern, (whole, name: string) =>
    (templatePlaceholders as readonly string[]).includes(name) ? values[name as TemplatePlaceholder] : whole,
  );
}

/**
 * A webhook body of the admin's own (the JSON a chat tool's incoming webhook takes, say), with the
 * placeholders inside its strings. Each value goes in as JSON string content, so a subject with quotes,
 * backslashes or line breaks cannot end its string or add fields of its own.
 */
export function renderJsonTemplate(template: string, values: TemplateValues): string {
  const escaped = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, JSON.stringify(value).slice(1, -1)]),
  ) as TemplateValues;
  return renderTemplate(template, escaped);
}

// Values that would break a body whose placeholders stood outside a string, or which escaped nothing.
const probeValues = Object.fromEntries(
  templatePlaceholders.map((name) => [name, `"${name}", \\ \n}`]),
) as TemplateValues;

/** Why a webhook body template would not make JSON for every ticket, or undefined when it does. */
export function webhookBodyProblem(template: string): string | undefined {
  try {
    const body: unknown = JSON.parse(renderJsonTemplate(template, probeValues));
    if (body === null || typeof body !== "object")
      return "must be a JSON object or array, with the placeholders inside its strings";
    return undefined;
  } catch (error) {
    return `must be JSON with the placeholders inside its strings: ${(error as Error).message}`;
  }
}

export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(placeholderPattern)]
    .map((match) => match[1] as string)
    .filter((name) => !(templatePlaceholders as readonly string[]).includes(name));
}

/**
 * Checks what the schema cannot (tags in tag form, templates without unknown placeholders, text not
 * blank); the ids an action names are checked against the database by the caller.
 */
export function checkActions(actions: readonly AutomationAction[]): AutomationAction[] {
  const problems: FieldProblem[] = [];
  if (actions.length === 0) problems.push({ field: "actions", message: "at least one action" });
  const checked = actions.map((action, index): AutomationAction => {
    const at = `actions/${index}`;
    const template = (field: "body" | "subject" | "bodyTemplate", text: string) => {
      if (text.trim() === "") problems.push({ field: `${at}/${field}`, message: "must not be blank" });
      const unknown = unknownPlaceholders(text);
      if (unknown.length > 0)
        problems.push({
          field: `${at}/${field}`,
          message: `unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(", ")}; known: ${templatePlaceholders.join(", ")}`,
        });
    };
    switch (action.type) {
      case "add_tags":
      case "remove_tags":
        if (action.tags.length === 0) problems.push({ field: `${at}/tags`, message: "at least one tag" });
        try {
          return { ...action, tags: normalizeTags(action.tags, `${at}/tags`) };
        } catch (error) {
          problems.push(...((error as UnprocessableContentError).problems ?? []));
          return action;
        }
      case "add_internal_note":
      case "send_public_reply":
        template("body", action.body);
        return action;
      case "call_webhook":
        if (action.bodyTemplate !== undefined) {
          template("bodyTemplate", action.bodyTemplate);
          // A blank body is refused as blank above, not also as JSON that does not parse.
          const problem = action.bodyTemplate.trim() ? webhookBodyProblem(action.bodyTemplate) : undefined;
          if (problem) problems.push({ field: `${at}/bodyTemplate`, message: problem });
        }
        return action;
      case "notify_by_email":
        if (action.personIds.length === 0)
          problems.push({ field: `${at}/personIds`, message: "at least one person to notify" });
        template("subject", action.subject);
        template("body", action.body);
        return { ...action, personIds: [...new Set(action.personIds)] };
      default:
        return action;
    }
  });
  if (problems.length > 0) throw new UnprocessableContentError(problems);
  return checked;
}
