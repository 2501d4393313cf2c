/**
 * How many PostgreSQL connections a process keeps, from the roles it runs. PostgreSQL (or PgBouncer in
 * front of it) has a fixed number of connections to share among every Tend process, so a process asks
 * for what its roles can use at once rather than one figure for all: a worker-only process never has
 * more than its concurrent jobs and its poll in flight, an SMTP listener a few messages being stored.
 */
export interface PoolSizeInput {
  roles: readonly string[];
  workerConcurrency: number;
  /** TEND_DB_POOL_SIZE, when the operator set one: it wins. */
  configured?: number | undefined;
}

/** Concurrent requests mostly wait on the database a few ms each; more connections only queue in PostgreSQL. */
const webConnections = 10;
/** Messages stored at once by the listener (each commit is short; more senders wait their turn). */
const smtpConnections = 4;
/** The due-schedule compare-and-set, one at a time. */
const schedulerConnections = 1;
/** A CLI command (migrate, backup, an import) works in one transaction at a time; one spare for reads. */
const commandConnections = 2;

export function poolSizeFor({ roles, workerConcurrency, configured }: PoolSizeInput): number {
  if (configured !== undefined) return configured;
  if (roles.length === 0) return commandConnections;
  let size = 0;
  if (roles.includes("web")) size += webConnections;
  // Each running job holds at most one connection, and the claim poll needs one beside them.
  if (roles.includes("worker")) size += workerConcurrency + 1;
  if (roles.includes("scheduler")) size += schedulerConnections;
  if (roles.includes("smtp")) size += smtpConnections;
  return size;
}

/** The replica serves list and report reads, which only the web role answers. */
export function replicaPoolSizeFor(roles: readonly string[], configured?: number | undefined): number {
  if (!roles.includes("web")) return 0;
  return configured ?? webConnections;
}
