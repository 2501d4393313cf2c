import { describe, expect, it } from "vitest";
import type { ProblemDetails } from "../api.js";
import { fieldPath, placeProblems } from "./field-errors.js";

const refusal = (errors: ProblemDetails["errors"], detail = "refused"): ProblemDetails => ({
  type: "urn:tend:problem:validation",
  title: "Invalid input",
  status: 400,
  detail,
  ...(errors ? { errors } : {}),
});

describe("placing the API's field errors on a form", () => {
  it("reads Ajv's, a use case's and a nested pointer's names alike", () => {
    expect(fieldPath("/body/domains/0")).toBe("domains/0");
    expect(fieldPath("domains/0")).toBe("domains/0");
    expect(fieldPath("/definition/weekly/mon/1")).toBe("definition/weekly/mon/1");
    expect(fieldPath("role")).toBe("role");
    expect(fieldPath("/body")).toBe("");
  });

  it("gives each error to the most specific field it lies under", () => {
    const placed = placeProblems(
      refusal([
        { field: "domains/1", message: '"bad" is not a domain' },
        { field: "/targets/0/durationMs", message: "must be >= 1" },
        { field: "/targets", message: "needs at least one target" },
      ]),
      ["name", "domains", "targets", "targets/0/durationMs"],
    );
    expect(placed.byField).toEqual({
      domains: ['"bad" is not a domain'],
      "targets/0/durationMs": ["must be >= 1"],
      targets: ["needs at least one target"],
    });
    expect(placed.general).toEqual([]);
  });

  it("keeps what no field claims, and a refusal without field errors, as general messages", () => {
    expect(placeProblems(refusal([{ field: "/body/colour", message: "unknown field" }]), ["name"])).toEqual({
      byField: {},
      general: ["colour: unknown field"],
    });
    expect(
      placeProblems(refusal(undefined, "A group named Tier 1 already exists."), ["name"]).general,
    ).toEqual(["A group named Tier 1 already exists."]);
    // "domain" is not "domains": a prefix must end at a path separator.
    expect(placeProblems(refusal([{ field: "domains/0", message: "x" }]), ["domain"]).general).toEqual([
      "domains/0: x",
    ]);
  });
});
