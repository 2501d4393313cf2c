import type { FastifyReply } from "fastify";

/**
 * A report as CSV (RFC 4180): a header row, then one row per record, CRLF line ends. A field holding a
 * comma, a quote or a line break is quoted; one starting with `=`, `+`, `-` or `@` gets a leading
 * apostrophe, so a spreadsheet opening the export never runs a name as a formula.
 */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | null;
}

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((column) => csvField(column.header))];
  for (const row of rows) lines.push(columns.map((column) => csvField(column.value(row))));
  return `${lines.map((fields) => fields.join(",")).join("\r\n")}\r\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const guarded = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Sends a CSV export as a download named `<name>-<from>-<to>.csv`. */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  period: { from: string; to: string },
  csv: string,
) {
  const day = (instant: string) => instant.slice(0, 10);
  return reply
    .header("content-type", "text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${name}-${day(period.from)}-${day(period.to)}.csv"`)
    .send(csv);
}
