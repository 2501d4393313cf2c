import { describe, expect, it } from "vitest";
import { parseSlackPageCommand, policySlug } from "./slack-command.js";

const policies = ["Customer support", "Customer support leadership", "platform", "Sécurité"];

describe("the /page command's text", () => {
  it("names a policy by its slug or its full name, the longest name first", () => {
    expect(parseSlackPageCommand("customer-support Database down", policies)).toEqual({
      kind: "page",
      policy: "Customer support",
      severity: "sev1",
      title: "Database down",
      details: "",
    });
    expect(parseSlackPageCommand("Customer support leadership  sev2 Refunds stuck", policies)).toMatchObject({
      policy: "Customer support leadership",
      severity: "sev2",
      title: "Refunds stuck",
    });
    expect(parseSlackPageCommand("customer-support-leadership SEV3 x", policies)).toMatchObject({
      policy: "Customer support leadership",
      severity: "sev3",
    });
    expect(parseSlackPageCommand("securite Cert expired", policies)).toMatchObject({ policy: "Sécurité" });
    // "platform-team" is not "platform": a slug matches the whole first word.
    expect(parseSlackPageCommand("platform-team Down", policies)).toEqual({
      kind: "unknown-policy",
      given: "platform-team",
    });
  });

  it("answers help, and says what is missing", () => {
    expect(parseSlackPageCommand("", policies)).toEqual({ kind: "help" });
    expect(parseSlackPageCommand("  HELP ", policies)).toEqual({ kind: "help" });
    expect(parseSlackPageCommand("platform", policies)).toEqual({ kind: "no-message", policy: "platform" });
    expect(parseSlackPageCommand("platform sev1", policies)).toEqual({
      kind: "no-message",
      policy: "platform",
    });
  });

  it("keeps a long message whole in the details and its beginning as the title", () => {
    const message = "word ".repeat(100).trim();
    const parsed = parseSlackPageCommand(`platform ${message}`, policies);
    expect(parsed).toMatchObject({ kind: "page", details: message });
    if (parsed.kind !== "page") throw new Error("not a page");
    expect(parsed.title).toHaveLength(200);
    expect(parsed.title.endsWith("…")).toBe(true);
  });

  it("slugs names to lower-case words joined by dashes", () => {
    expect(policySlug("  Support -- Leadership (EU) ")).toBe("support-leadership-eu");
  });
});
