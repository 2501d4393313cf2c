import { describe, expect, it } from "vitest";
import type { ProblemDetails } from "../api.js";
import { bodyOfDraft, draftOf, fieldsOfDraft, reordered, tagsOfText } from "./automation-draft.js";
import { placeProblems } from "./field-errors.js";

const refusal = (errors: NonNullable<ProblemDetails["errors"]>): ProblemDetails => ({
  type: "urn:tend:problem:validation",
  title: "Unprocessable Content",
  status: 422,
  detail: "refused",
  errors,
});

describe("the automation form's draft", () => {
  const draft = {
    ...draftOf(null),
    conditions: [{ field: "group" as const, operator: "is" as const, value: "g-1" }],
    actions: [
      { type: "add_tags" as const, tags: tagsOfText("billing, vip,") },
      { type: "set_group" as const, groupId: "g-2" },
      { type: "notify_by_email" as const, personIds: ["p-1"], subject: "S", body: "B" },
    ],
  };

  it("places the API's refusals beside the row and input they name", () => {
    const placed = placeProblems(
      refusal([
        { field: "actions/1/groupId", message: "no group g-2" },
        { field: "conditions/0/value", message: "no group g-1" },
        { field: "actions/2/personIds/0", message: "no active agent p-1" },
        { field: "/body/actions/0", message: "must match a schema in anyOf" },
      ]),
      fieldsOfDraft(draft),
    );
    expect(placed.byField).toEqual({
      "actions/1/groupId": ["no group g-2"],
      "conditions/0/value": ["no group g-1"],
      "actions/2/personIds": ["no active agent p-1"],
      "actions/0": ["must match a schema in anyOf"],
    });
    expect(placed.general).toEqual([]);
  });

  it("keeps a just-typed comma while editing tags, and sends no blank tag", () => {
    expect(tagsOfText("billing, vip,").join(", ")).toBe("billing, vip, ");
    expect(bodyOfDraft(draft).actions[0]).toEqual({ type: "add_tags", tags: ["billing", "vip"] });
    expect(bodyOfDraft(draft).actions[1]).toEqual({ type: "set_group", groupId: "g-2" });
  });

  it("moves one automation a place up or down, sending every id", () => {
    const automations = [{ id: "a" }, { id: "b" }, { id: "c" }];
    expect(reordered(automations, 2, -1)).toEqual(["a", "c", "b"]);
    expect(reordered(automations, 0, 1)).toEqual(["b", "a", "c"]);
  });
});
