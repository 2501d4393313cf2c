/**
 * Zero-downtime upgrades: while the first new process migrates, old processes keep serving on the
 * same database, so a migration may only expand the schema — add tables, nullable columns or columns
 * with a default, indexes. What breaks the old code (dropping or renaming a table or column, changing
 * a column's type, making one required, a required column without a default that old INSERTs leave
 * out) is a contract step and must wait for a release after the one that stopped using the old shape.
 *
 * Pure: which of a migration's statements, as PostgreSQL would run them, contract the schema.
 */
export interface ContractStep {
  statement: string;
  why: string;
}

const contractRules: { pattern: RegExp; why: string }[] = [
  { pattern: /^drop table/i, why: "drops a table old processes read" },
  { pattern: /^alter table .* drop column/i, why: "drops a column old processes read or write" },
  { pattern: /^alter table .* rename/i, why: "renames what old processes name" },
  { pattern: /^alter table .* alter column .* type/i, why: "changes a column's type under old processes" },
  {
    pattern: /^alter table .* alter column .* set not null/i,
    why: "makes a column old INSERTs may leave out required",
  },
  {
    pattern: /^alter table .* add column (?:(?!default).)* not null(?:(?!default).)*$/i,
    why: "adds a required column without a default, which old INSERTs leave out",
  },
];

export function contractStepsIn(statements: readonly string[]): ContractStep[] {
  return statements.flatMap((statement) => {
    const flat = statement.replace(/\s+/g, " ").trim();
    const rule = contractRules.find(({ pattern }) => pattern.test(flat));
    return rule ? [{ statement: flat, why: rule.why }] : [];
  });
}
