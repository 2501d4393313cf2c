import type pg from "pg";

/**
 * Kysely sends each statement to PostgreSQL unnamed, so the server parses and plans it on every
 * execution; planning alone took a fifth of the server's CPU on inbound mail. A statement sent
 * under a name is parsed once per connection, and after five executions the server may keep a
 * generic plan when it costs no more than the plans made for each set of values (PostgreSQL's
 * `plan_cache_mode = auto`). This names each statement by its SQL text, per pooled connection.
 *
 * Which statements are named:
 * - only those with parameters: BEGIN, COMMIT, SAVEPOINT, LISTEN and DDL keep the simple protocol,
 *   and a migration's multi-statement text could not be prepared at all;
 * - none that selects or returns `*`: a prepared statement's result columns are fixed, so one
 *   reading `SELECT * FROM tickets` would fail ("cached plan must not change result type") once an
 *   upgrade's migration adds a column while the previous release still runs. Plans are otherwise
 *   revalidated by the server after any change to the tables they read;
 * - none that matches text (`@@`, LIKE): how many rows a word or pattern matches decides the plan
 *   (a word in 30 tickets wants the text index, one in 400,000 the list's order), and a generic
 *   plan would be made for an average word that no search has.
 *
 * A generic plan is made from the statistics of its time. Autovacuum's ANALYZE refreshes them and
 * makes the server plan again; with autovacuum off, a table that grows from empty keeps the plans
 * made when it was small (measured: inbound mail's statements ran 30-40% longer).
 *
 * Named statements are session state: behind PgBouncer in transaction mode before 1.21 a
 * connection's next transaction may run on another server connection where the name is unknown, so
 * they are turned off there (`TEND_DATABASE_PREPARED_STATEMENTS`).
 */
export const maxPreparedPerConnection = 200;

// A `*` that expands to a table's columns: after a space, comma, quote, dot or at the start; the
// `*` of count(*) follows a parenthesis and is harmless.
const expandsColumns = /(^|[\s,".])\*/;
const matchesText = /@@|\blike\b|\bilike\b/i;

export function mayPrepare(text: string): boolean {
  return !expandsColumns.test(text) && !matchesText.test(text);
}

type QueryFunction = (...args: unknown[]) => unknown;

interface ParsedStatements {
  connection?: { parsedStatements?: Record<string, string> };
}

/**
 * Makes `client.query(text, values)` (Kysely's call) send `text` as a named statement when it may
 * be prepared. Each connection keeps at most `maxPerConnection` names, the least recently used
 * deallocated first, so statements whose text varies (an IN list's length) cannot grow a backend's
 * memory without bound.
 */
export function prepareStatementsOn(
  client: pg.PoolClient,
  maxPerConnection = maxPreparedPerConnection,
): void {
  const query = client.query.bind(client) as QueryFunction;
  const names = new Map<string, string>();
  let nextName = 0;
  const nameFor = (text: string): string => {
    const known = names.get(text);
    if (known !== undefined) {
      names.delete(text);
      names.set(text, known);
      return known;
    }
    if (names.size >= maxPerConnection) evictOldest();
    const name = `tend_${nextName++}`;
    names.set(text, name);
    return name;
  };
  const evictOldest = () => {
    const [text, name] = names.entries().next().value as [string, string];
    names.delete(text);
    // Queued behind the statement running now, as every query on a pg client is. Names are never
    // reused, so one refused (inside a failed transaction) only lingers until the connection closes.
    (query(`DEALLOCATE ${name}`) as Promise<unknown>).catch(() => {});
    delete (client as ParsedStatements).connection?.parsedStatements?.[name];
  };
  (client as unknown as { query: QueryFunction }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    if (
      typeof text === "string" &&
      Array.isArray(values) &&
      values.length > 0 &&
      callback === undefined &&
      mayPrepare(text)
    )
      return query({ name: nameFor(text), text, values });
    return query(...args);
  };
}
