import type { ImportReport } from "./import-history.js";

const mostListed = 50;

/** The report an operator reads before and after an import, one fact per line. */
export function importReportText(report: ImportReport): string[] {
  const lines: string[] = [];
  const headline = report.applied
    ? "Imported."
    : report.problems.length > 0
      ? `Nothing imported: ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"} to fix first.`
      : "Dry run: nothing was written. Run again with --apply to import.";
  lines.push(headline);
  const verb = report.applied ? "" : "would be ";
  lines.push(
    `Organizations: ${report.organizations.created} ${verb}created, ${report.organizations.matched} matched existing ones.`,
  );
  const roles = Object.entries(report.people.createdByRole)
    .filter(([, count]) => count > 0)
    .map(([role, count]) => `${count} ${role}${count === 1 ? "" : "s"}`)
    .join(", ");
  lines.push(
    `People: ${report.people.created} ${verb}created${roles ? ` (${roles})` : ""}, ${report.people.matched} matched by email.`,
  );
  if (report.groups.created.length > 0)
    lines.push(`Groups ${verb}created: ${report.groups.created.join(", ")}.`);
  const statuses = Object.entries(report.tickets.byStatus)
    .map(([status, count]) => `${count} ${status}`)
    .join(", ");
  const numbers =
    report.tickets.firstNumber === null
      ? ""
      : `, numbers #${report.tickets.firstNumber}–#${report.tickets.lastNumber}`;
  lines.push(
    `Tickets: ${report.tickets.created} ${verb}created${statuses ? ` (${statuses})` : ""}${numbers}; ${report.comments} comments.`,
  );
  for (const [title, list] of [
    ["Problems", report.problems],
    ["Warnings", report.warnings],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`${title} (${list.length}):`);
    for (const item of list.slice(0, mostListed)) lines.push(`  ${item.where}: ${item.message}`);
    if (list.length > mostListed) lines.push(`  … and ${list.length - mostListed} more`);
  }
  return lines;
}
