/** A figure the bench prints: measured value, the target if it has one, and context. */
export interface Figure {
  /** "sqlite", "postgres", "calendar", "sla engine", "sqlite sla", "postgres sla". */
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: { comparison: "at least" | "at most"; value: number };
  /** What the value hides: the other percentiles, error counts, rows returned. */
  detail?: string;
}

/** Prints a figure of the section being measured and keeps it for the summary. */
export type RecordFigure = (figure: Omit<Figure, "section">) => void;

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function verdict(figure: Figure): string {
  if (!figure.target) return "";
  const met =
    figure.target.comparison === "at least"
      ? figure.value >= figure.target.value
      : figure.value <= figure.target.value;
  return met ? "met" : "missed";
}

function targetText(figure: Figure): string {
  if (!figure.target) return "";
  const sign = figure.target.comparison === "at least" ? "≥" : "≤";
  return `${sign} ${formatNumber(figure.target.value)} ${figure.unit}`;
}

export function printFigure(figure: Figure): void {
  const target = figure.target ? `  target ${targetText(figure)}: ${verdict(figure)}` : "";
  const detail = figure.detail ? `  (${figure.detail})` : "";
  console.log(
    `  ${figure.name.padEnd(44)} ${formatNumber(figure.value).padStart(9)} ${figure.unit}${target}${detail}`,
  );
}

export function printSummary(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    `${formatNumber(f.value)} ${f.unit}`,
    targetText(f),
    verdict(f),
  ]);
  const header = ["section", "figure", "value", "target", ""];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line(row));
}
