import { describe, expect, it } from "vitest";
import type { UnprocessableContentError } from "../../errors.js";
import {
  checkActions,
  renderJsonTemplate,
  type TemplateValues,
  templatePlaceholders,
  webhookBodyProblem,
} from "./automation-actions.js";

const values = {
  ...(Object.fromEntries(templatePlaceholders.map((name) => [name, ""])) as TemplateValues),
  "ticket.number": "1042",
  "ticket.subject": 'Exports say "done" but the file is empty\\n',
  "requester.name": "Dana\nMüller",
};

const refusal = (bodyTemplate: string) => {
  try {
    checkActions([{ type: "call_webhook", endpointId: "e1", bodyTemplate }]);
  } catch (error) {
    return (error as UnprocessableContentError).problems;
  }
  return [];
};

describe("an automation's webhook body template", () => {
  it("fills the placeholders as JSON string content, so a value cannot end its string or add fields", () => {
    const body = renderJsonTemplate(
      '{"text": "#{{ticket.number}} {{ticket.subject}}", "from": "{{requester.name}}", "fields": [{"title": "x"}]}',
      values,
    );
    expect(JSON.parse(body)).toEqual({
      text: '#1042 Exports say "done" but the file is empty\\n',
      from: "Dana\nMüller",
      fields: [{ title: "x" }],
    });
  });

  it("accepts JSON with the placeholders inside its strings", () => {
    expect(webhookBodyProblem('{"text": "{{ticket.subject}} ({{ticket.severity}})"}')).toBeUndefined();
    expect(webhookBodyProblem('[{"n": "{{ticket.number}}"}]')).toBeUndefined();
    expect(refusal('{"text": "{{ticket.subject}}"}')).toEqual([]);
  });

  it("refuses what would not be JSON for every ticket, an unknown placeholder and a blank body", () => {
    // A placeholder outside a string parses for a number, and not for a subject.
    expect(webhookBodyProblem('{"number": {{ticket.number}}}')).toMatch(
      /^must be JSON with the placeholders/,
    );
    expect(webhookBodyProblem('{"text": "unclosed}')).toMatch(/^must be JSON/);
    expect(webhookBodyProblem('"just a string {{ticket.subject}}"')).toMatch(/object or array/);
    expect(refusal('{"text": "{{ticket.priority}}"}')).toEqual([
      {
        field: "actions/0/bodyTemplate",
        message: expect.stringMatching(/unknown placeholder \{\{ticket\.priority\}\}/),
      },
    ]);
    expect(refusal("  ")).toEqual([{ field: "actions/0/bodyTemplate", message: "must not be blank" }]);
  });
});
