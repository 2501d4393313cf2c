import { execFileSync, spawnSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { acceptsConnections, freePort } from "./local-ports.js";

/**
 * PostgreSQL servers of a test's own, from the machine's PostgreSQL binaries: a primary and a
 * streaming replica of it (read routing), a PgBouncer in front of a server (transaction pooling).
 * PostgreSQL and PgBouncer refuse to run as root, so as root they run as the `postgres` user.
 *
 * Each starts in a second or two; `stop()` ends the processes and removes their files.
 */

const postgresBinDir = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const newest = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, "bin") : undefined;
})();

const pgbouncerBinary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((path) => existsSync(path));

const asRoot = process.getuid?.() === 0;

/** Why these servers cannot be started here, or undefined when they can. */
export const postgresServersUnavailable = postgresBinDir
  ? undefined
  : "no PostgreSQL server binaries under /usr/lib/postgresql (Debian's postgresql package)";
export const pgbouncerUnavailable = pgbouncerBinary
  ? postgresServersUnavailable
  : "no pgbouncer binary (Debian's pgbouncer package; .ci/run installs it)";

function run(command: string, args: string[]): string {
  const [file, fileArgs] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return execFileSync(file, fileArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function bin(name: string): string {
  if (!postgresBinDir) throw new Error(postgresServersUnavailable);
  return join(postgresBinDir, name);
}

/** A directory the servers' user owns. */
function serverDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) chownSync(dir, ...postgresIds());
  return dir;
}

export interface LocalServer {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
}

function localServer(port: number): LocalServer {
  return { port, url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}` };
}

function startCluster(dataDir: string, port: number, socketDir: string): void {
  run(bin("pg_ctl"), [
    "start",
    "--wait",
    "--silent",
    "-D",
    dataDir,
    "-l",
    join(dataDir, "server.log"),
    "-o",
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${socketDir} -c fsync=off`,
  ]);
}

function stopCluster(dataDir: string): void {
  spawnSync(asRoot ? "runuser" : bin("pg_ctl"), [
    ...(asRoot ? ["-u", "postgres", "--", bin("pg_ctl")] : []),
    "stop",
    "--wait",
    "-m",
    "immediate",
    "-D",
    dataDir,
  ]);
}

export interface PrimaryWithReplica {
  primary: LocalServer;
  replica: LocalServer & { stop(): void; start(): void };
  stop(): void;
}

/**
 * A primary (initdb's defaults allow replication from 127.0.0.1 without a password) and a hot standby
 * made from it with `pg_basebackup -R`, streaming.
 */
export async function startPrimaryWithReplica(): Promise<PrimaryWithReplica> {
  const root = serverDirectory("tend-pg-");
  const primaryDir = join(root, "primary");
  const replicaDir = join(root, "replica");
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  run(bin("initdb"), ["--auth=trust", "--username=postgres", "--no-sync", "-D", primaryDir]);
  startCluster(primaryDir, primaryPort, root);
  run(bin("pg_basebackup"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(primaryPort),
    "-U",
    "postgres",
    "-D",
    replicaDir,
    "-R",
    "-X",
    "stream",
  ]);
  startCluster(replicaDir, replicaPort, root);
  const stopAll = () => {
    stopCluster(replicaDir);
    stopCluster(primaryDir);
    rmSync(root, { recursive: true, force: true });
  };
  return {
    primary: localServer(primaryPort),
    replica: {
      ...localServer(replicaPort),
      stop: () => stopCluster(replicaDir),
      start: () => startCluster(replicaDir, replicaPort, root),
    },
    stop: stopAll,
  };
}

export interface Pgbouncer extends LocalServer {
  /** Transactions PgBouncer has passed to the server for `database` (its admin console's SHOW STATS). */
  transactionsServed(database: string): Promise<number>;
  stop(): void;
}

/** PgBouncer in transaction pooling mode in front of `target` (any database name passes through). */
export async function startPgbouncer(target: { host: string; port: number }): Promise<Pgbouncer> {
  if (!pgbouncerBinary) throw new Error(pgbouncerUnavailable);
  const dir = serverDirectory("tend-pgbouncer-");
  const port = await freePort();
  const config = join(dir, "pgbouncer.ini");
  writeFileSync(join(dir, "users.txt"), '"postgres" ""\n');
  writeFileSync(
    config,
    [
      "[databases]",
      `* = host=${target.host} port=${target.port}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "default_pool_size = 10",
      "max_client_conn = 500",
      "admin_users = postgres",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      `pidfile = ${join(dir, "pgbouncer.pid")}`,
      // node-postgres sends these at connect; PgBouncer refuses unknown startup parameters otherwise.
      "ignore_startup_parameters = extra_float_digits,options",
      "",
    ].join("\n"),
  );
  if (asRoot) for (const file of ["pgbouncer.ini", "users.txt"]) chownSync(join(dir, file), ...postgresIds());
  run(pgbouncerBinary, ["-d", config]);
  for (let waited = 0; !(await acceptsConnections(port)); waited += 50) {
    if (waited > 10_000) throw new Error(`PgBouncer did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const server = localServer(port);
  return {
    ...server,
    async transactionsServed(database) {
      // The admin console speaks the simple query protocol only: a query without parameters.
      const admin = new pg.Client({ connectionString: server.url("pgbouncer") });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ database: string; total_xact_count: string }>("SHOW STATS");
        return Number(rows.find((row) => row.database === database)?.total_xact_count ?? 0);
      } finally {
        await admin.end();
      }
    },
    stop() {
      const pidFile = join(dir, "pgbouncer.pid");
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
      if (pid > 0) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): [number, number] {
  return [
    Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })),
    Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })),
  ];
}
