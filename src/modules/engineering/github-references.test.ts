import { describe, expect, it } from "vitest";
import { issueKey, labelProblems, parseIssueReference, parseRepository } from "./github-references.js";

const defaultRepository = { owner: "acme", name: "engine" };

describe("GitHub references", () => {
  it("reads an issue from its address, owner/name#number or a bare number in the default repository", () => {
    expect(parseIssueReference("https://github.com/acme/web-app/issues/77", null)).toEqual({
      owner: "acme",
      name: "web-app",
      number: 77,
    });
    expect(parseIssueReference("https://ghe.example/Acme/web.app/issues/3#issuecomment-1", null)).toEqual({
      owner: "Acme",
      name: "web.app",
      number: 3,
    });
    expect(parseIssueReference("acme/web-app#12", null)).toEqual({
      owner: "acme",
      name: "web-app",
      number: 12,
    });
    expect(parseIssueReference("#5", defaultRepository)).toEqual({ ...defaultRepository, number: 5 });
    expect(parseIssueReference("5", defaultRepository)).toEqual({ ...defaultRepository, number: 5 });
  });

  it("refuses what is not an issue, naming what to write", () => {
    expect(parseIssueReference("https://github.com/acme/web-app/pull/7", null)).toHaveProperty("problem");
    expect(parseIssueReference("acme/../etc#1", null)).toHaveProperty("problem");
    expect(parseIssueReference("12", null)).toEqual({
      problem: "no default repository is configured: write owner/name#number",
    });
    expect(parseIssueReference("#0", defaultRepository)).toHaveProperty("problem");
    expect(parseIssueReference("99999999999", defaultRepository)).toHaveProperty("problem");
  });

  it("names repositories as GitHub allows, and keys issues case-insensitively", () => {
    expect(parseRepository("acme/web-app")).toEqual({ owner: "acme", name: "web-app" });
    expect(parseRepository("-acme/web")).toBeNull();
    expect(parseRepository("acme/we b")).toBeNull();
    expect(parseRepository("acme/..")).toBeNull();
    expect(issueKey({ owner: "Acme", name: "Web-App", number: 4 })).toBe("acme/web-app#4");
  });

  it("takes labels of 1 to 50 characters without control characters", () => {
    expect(labelProblems(["bug", "needs triage"])).toEqual([]);
    expect(labelProblems(["", "x".repeat(51), "a\nb"]).map((problem) => problem.index)).toEqual([0, 1, 2]);
  });
});
