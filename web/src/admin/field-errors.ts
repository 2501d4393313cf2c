import type { ProblemDetails } from "../api.js";

/**
 * The API names a field three ways: Ajv's `/body/domains/0`, a use case's `domains/0`, a nested
 * pointer `/definition/weekly/mon/1`. All become `domains/0`, `definition/weekly/mon/1`.
 */
export function fieldPath(field: string): string {
  return field.replace(/^\/+/, "").replace(/^(body|query|params)(\/|$)/, "");
}

export interface PlacedProblems {
  /** Messages by the form field that shows them. */
  byField: Record<string, string[]>;
  /** What no field of the form claims, said above the submit button. */
  general: string[];
}

/**
 * Sorts a refusal's field errors onto the form's fields: each goes to the most specific field whose
 * path it is, or lies under (`domains/0` to `domains`). The rest, or the detail of a refusal
 * without field errors, stays general so nothing the API said is lost.
 */
export function placeProblems(problem: ProblemDetails, fields: readonly string[]): PlacedProblems {
  const placed: PlacedProblems = { byField: {}, general: [] };
  for (const error of problem.errors ?? []) {
    const path = fieldPath(error.field);
    const owner = fields
      .filter((field) => path === field || path.startsWith(`${field}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (owner === undefined) placed.general.push(path ? `${path}: ${error.message}` : error.message);
    else placed.byField[owner] = [...(placed.byField[owner] ?? []), error.message];
  }
  if (!problem.errors?.length) placed.general.push(problem.detail || problem.title);
  return placed;
}
