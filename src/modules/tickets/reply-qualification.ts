import { ValidationError } from "../../errors.js";
import type { Visibility } from "./ticket.js";

/**
 * "We are on it" does not meet a response SLA. A public agent reply qualifies as a response only
 * when it summarizes the troubleshooting so far *and* gives next steps — or when an agent marks it
 * qualifying and says why. Pure: the rule, and how the two sections read in the message.
 */
export interface ReplyQualificationInput {
  body?: string | undefined;
  bodyHtml?: string | undefined;
  summary?: string | undefined;
  nextSteps?: string | undefined;
  qualifying?: boolean | undefined;
  qualifyingReason?: string | undefined;
  workaround?: boolean | undefined;
}

export interface ReplyQualification {
  summary: string | null;
  nextSteps: string | null;
  qualifying: boolean;
  qualifyingReason: string | null;
  workaround: boolean;
}

/** The description that opens a ticket is the customer's words: never a response. */
export const unqualifiedReply = {
  summary: null,
  next_steps: null,
  qualifying: 0,
  qualifying_reason: null,
  workaround: 0,
} as const;

const summaryHeading = "Summary of troubleshooting";
const nextStepsHeading = "Next steps";

function present(text: string | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

export function qualifyReply(
  input: ReplyQualificationInput,
  context: { visibility: Visibility; staff: boolean },
): ReplyQualification {
  const summary = present(input.summary);
  const nextSteps = present(input.nextSteps);
  const reason = present(input.qualifyingReason);
  const asksForSla = summary || nextSteps || input.qualifying !== undefined || reason || input.workaround;
  if (asksForSla && !context.staff) {
    const field = summary
      ? "summary"
      : nextSteps
        ? "nextSteps"
        : input.workaround
          ? "workaround"
          : "qualifying";
    throw ValidationError.field(field, "only agents write qualifying responses");
  }
  if (asksForSla && context.visibility === "internal") {
    const field = summary
      ? "summary"
      : nextSteps
        ? "nextSteps"
        : input.workaround
          ? "workaround"
          : "qualifying";
    throw ValidationError.field(field, "internal notes are not responses to the customer");
  }
  if (input.qualifying === true && !reason) {
    throw ValidationError.field(
      "qualifyingReason",
      "say why this reply qualifies without a summary and next steps",
    );
  }
  const complete = summary !== null && nextSteps !== null;
  return {
    summary,
    nextSteps,
    qualifying: input.qualifying === false ? false : complete || input.qualifying === true,
    qualifyingReason: input.qualifying === true ? reason : null,
    workaround: input.workaround === true,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The message the customer reads: the agent's words, then the summary and next steps sections. */
export function withQualificationSections(
  input: ReplyQualificationInput,
  qualification: ReplyQualification,
): { body?: string; bodyHtml?: string } {
  const sections: [string, string][] = [];
  if (qualification.summary) sections.push([summaryHeading, qualification.summary]);
  if (qualification.nextSteps) sections.push([nextStepsHeading, qualification.nextSteps]);
  if (input.bodyHtml !== undefined) {
    const html = sections
      .map(([heading, text]) => `<h4>${heading}</h4><p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`)
      .join("");
    return {
      bodyHtml: `${input.bodyHtml}${html}`,
      ...(input.body !== undefined ? { body: input.body } : {}),
    };
  }
  const text = [input.body?.trim() ?? "", ...sections.map(([heading, text]) => `${heading}:\n${text}`)]
    .filter(Boolean)
    .join("\n\n");
  return { body: text };
}
