import type { ImportProblem } from "./import-plan.js";

/**
 * The records of one kind in an export file, in any of the shapes exports come in: a JSON array, a
 * JSON object holding the array under `kind` (an API response, or one document with every kind), or
 * JSON Lines, one record per line (Zendesk's own data export). A line that is not JSON is a problem
 * naming the file and line, not a crash.
 */
export function readRecords(
  text: string,
  kind: string,
  fileName: string,
): { records: unknown[]; problems: ImportProblem[] } {
  const trimmed = text.trim();
  if (trimmed === "") return { records: [], problems: [] };
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return { records: whole, problems: [] };
    if (whole && typeof whole === "object") {
      const inner = (whole as Record<string, unknown>)[kind];
      if (Array.isArray(inner)) return { records: inner, problems: [] };
      if (inner === undefined && !isRecordOf(kind, whole)) return { records: [], problems: [] };
      return { records: [whole], problems: [] };
    }
    return { records: [], problems: [{ where: fileName, message: `holds no ${kind}` }] };
  } catch {
    const records: unknown[] = [];
    const problems: ImportProblem[] = [];
    trimmed.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        records.push(JSON.parse(line));
      } catch {
        problems.push({ where: `${fileName} line ${index + 1}`, message: "is not JSON" });
      }
    });
    return { records, problems };
  }
}

/**
 * The records of `kind` a file of another kind carries along: only those under their own key in one
 * JSON document (`{"tickets": [...], "users": [...]}`), never the file's own records.
 */
export function readEmbeddedRecords(text: string, kind: string): unknown[] {
  try {
    const whole: unknown = JSON.parse(text);
    const inner = whole && typeof whole === "object" ? (whole as Record<string, unknown>)[kind] : undefined;
    return Array.isArray(inner) ? inner : [];
  } catch {
    return [];
  }
}

/** A single JSON object that is itself one record (a file holding one ticket), not a wrapper. */
function isRecordOf(kind: string, value: object): boolean {
  return kind === "tickets" ? "subject" in value : "id" in value && "name" in value;
}
