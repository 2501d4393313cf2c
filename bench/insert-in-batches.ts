// SQLite binds at most 32,766 parameters per statement and PostgreSQL 65,535; stay under both.
const maxParametersPerStatement = 30_000;

/** Runs `insert` over slices of `rows`, each as many rows as one multi-row INSERT may bind. */
export async function insertInBatches<Row extends object>(
  rows: readonly Row[],
  insert: (batch: Row[]) => Promise<unknown>,
): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const rowsPerStatement = Math.floor(maxParametersPerStatement / Object.keys(first).length);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    await insert(rows.slice(start, start + rowsPerStatement));
  }
}
