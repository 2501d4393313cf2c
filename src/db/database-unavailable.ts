/**
 * Whether a failure is the database being out of reach for now, not a fault in the request or in
 * Tend: PostgreSQL restarting or failing over, the network to it down, its connections exhausted,
 * or SQLite's file held by another writer past the busy timeout. Such a request is answered 503 with
 * `Retry-After` (the client may send it again: nothing was committed), an inbound message 451 (its
 * server retries), and a job is retried with backoff like any failure.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === "string") {
    // PostgreSQL's SQLSTATE class 08 (connection exception), the shutdown and start-up states of
    // class 57, and too many connections.
    if (code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code)) return true;
    // The socket to the server.
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"].includes(code))
      return true;
    // better-sqlite3: another connection held the write lock for all of `waitingForTheLock`'s wait.
    if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_")) return true;
  }
  // node-postgres and its pool say these in words, with no code.
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
    error.message,
  );
}

/** How long a client is asked to wait before trying again: a restart or failover takes seconds. */
export const databaseRetryAfterSeconds = 5;
