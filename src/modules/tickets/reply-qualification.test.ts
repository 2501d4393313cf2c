import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { qualifyReply, withQualificationSections } from "./reply-qualification.js";

const publicStaff = { visibility: "public" as const, staff: true };

describe("qualifying responses", () => {
  it("qualifies a reply with both a troubleshooting summary and next steps", () => {
    expect(
      qualifyReply(
        { summary: "Restarted the worker", nextSteps: "Watch the queue for an hour" },
        publicStaff,
      ),
    ).toEqual({
      summary: "Restarted the worker",
      nextSteps: "Watch the queue for an hour",
      qualifying: true,
      qualifyingReason: null,
      workaround: false,
    });
  });

  it("does not qualify 'we are on it', nor half the sections", () => {
    expect(qualifyReply({ body: "We are on it" }, publicStaff).qualifying).toBe(false);
    expect(qualifyReply({ summary: "Checked logs" }, publicStaff).qualifying).toBe(false);
    expect(qualifyReply({ nextSteps: "Will check", summary: "   " }, publicStaff).qualifying).toBe(false);
  });

  it("qualifies an explicitly marked reply only with a reason", () => {
    expect(() => qualifyReply({ body: "Fixed", qualifying: true }, publicStaff)).toThrow(ValidationError);
    expect(
      qualifyReply({ body: "Fixed", qualifying: true, qualifyingReason: "Root cause fixed" }, publicStaff),
    ).toMatchObject({
      qualifying: true,
      qualifyingReason: "Root cause fixed",
    });
  });

  it("refuses qualification on internal notes and from customers, naming the field", () => {
    expect(() =>
      qualifyReply({ summary: "x", nextSteps: "y" }, { visibility: "internal", staff: true }),
    ).toThrow(/summary/);
    expect(() => qualifyReply({ workaround: true }, { visibility: "public", staff: false })).toThrow(
      /workaround/,
    );
  });

  it("writes the sections into the message the customer reads", () => {
    const input = { body: "Hello Dana,", summary: "Restarted the worker", nextSteps: "Retry the export" };
    expect(withQualificationSections(input, qualifyReply(input, publicStaff))).toEqual({
      body: "Hello Dana,\n\nSummary of troubleshooting:\nRestarted the worker\n\nNext steps:\nRetry the export",
    });
    const html = { bodyHtml: "<p>Hi</p>", summary: "A & B", nextSteps: "C" };
    expect(withQualificationSections(html, qualifyReply(html, publicStaff)).bodyHtml).toBe(
      "<p>Hi</p><h4>Summary of troubleshooting</h4><p>A &#38; B</p><h4>Next steps</h4><p>C</p>",
    );
  });
});
