import type { Config } from "./config.js";
import { type Database, migrateToLatest, openDatabase } from "./db/database.js";
import { poolSizeFor, replicaPoolSizeFor } from "./db/pool-size.js";
import { PostgresNotifications } from "./db/postgres-notifications.js";
import { ReadReplica } from "./db/read-replica.js";
import type { TendApp } from "./http/build-app.js";
import { JobRunner } from "./jobs/job-runner.js";
import { JobWakeups } from "./jobs/job-wakeups.js";
import { attachmentsDirIn } from "./modules/attachments/attachment-store.js";
import { readSmtpTls, type SmtpListener, startSmtpListener } from "./modules/email/inbound-smtp-listener.js";
import { InboundSpool } from "./modules/email/inbound-spool.js";
import type { SpooledMailMover, SpooledMailThread } from "./modules/email/spooled-mail-mover.js";
import { installHealthDefaults } from "./modules/health/install-health-defaults.js";
import { type Actor, systemActor } from "./modules/identity/actor.js";
import { TendMetrics } from "./modules/metrics/tend-metrics.js";
import { installDefaultPolicies } from "./modules/sla/default-policies.js";
import { StatusMonitorWorker } from "./modules/status/status-monitor-worker.js";
import { ClusterTicketChangeFeed } from "./modules/tickets/cluster-ticket-change-feed.js";
import { InProcessTicketChangeFeed, type TicketChangeFeed } from "./modules/tickets/ticket-change-feed.js";
import { type Clock, systemClock } from "./shared/clock.js";
import type { Channel, Context } from "./shared/context.js";
import { createLogger } from "./shared/logger.js";
import { secretBoxFor } from "./shared/secret-box.js";

// How long accepted mail may wait in the spool before a worker looks again: a fraction of the
// end-to-end time a sender sees, and one small read of the spool file each time; half a second
// once it has found nothing for a while (the listener in the worker's own process brings it back).
const spooledMailMoveIntervals = { intervalMs: 20, idleIntervalMs: 500 };
// Five minutes without mail end the mover's thread (`SpooledMailThread`): starting one again took
// 0.7 s of CPU here (loading what threading imports), once per burst of mail after a quiet spell.
const spooledMailThreadIdleExitMs = 5 * 60_000;

export const allRoles = ["web", "worker", "scheduler", "smtp"] as const;
export type Role = (typeof allRoles)[number];

/** The composition root: one place that wires configuration, database, HTTP and jobs together. */
export interface Tend {
  config: Config;
  database: Database;
  logger: ReturnType<typeof createLogger>;
  clock: Clock;
  jobs: JobRunner;
  /** Ticket changes committed in this process (web, worker, smtp) and, on PostgreSQL, in the others. */
  changeFeed: TicketChangeFeed;
  /** Starts committed jobs at once: in this process's worker, or through other processes' on PostgreSQL. */
  jobWakeups: JobWakeups;
  /** DATABASE_REPLICA_URL's routing, in a process with the web role; absent, every read goes to `database`. */
  readReplica?: ReadReplica;
  /** A use-case context for work that does not come through HTTP (CLI, jobs, imports). */
  context(actor?: Actor, channel?: Channel): Context;
  app?: TendApp;
  smtp?: SmtpListener;
  /** The `worker` role's HTTP and TCP status monitors. */
  statusMonitors?: StatusMonitorWorker;
  /** On SQLite: what the SMTP listener accepted, for a worker to move into the database. */
  inboundSpool?: InboundSpool;
  /** The `worker` role's loop that moves `inboundSpool` into the database. */
  spooledMailMover?: SpooledMailMover | SpooledMailThread;
  stop(): Promise<void>;
}

export interface CreateTendOptions {
  clock?: Clock;
  /**
   * The roles this process will start, which size its PostgreSQL pools (`db/pool-size.ts`); absent or
   * empty, a command's two connections.
   */
  roles?: readonly Role[];
}

export async function createTend(config: Config, options: CreateTendOptions = {}): Promise<Tend> {
  const logger = createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const roles = options.roles ?? [];
  const onIdleConnectionLost = (error: Error) =>
    logger.warn({ err: error }, "database connection lost; the pool reconnects");
  const database = openDatabase(
    config.database.kind === "postgres"
      ? {
          ...config.database,
          poolSize: poolSizeFor({
            roles,
            workerConcurrency: config.workerConcurrency,
            configured: config.database.poolSize,
          }),
        }
      : config.database,
    { onIdleConnectionLost },
  );
  const replicaConfig = config.database.kind === "postgres" ? config.database.replica : undefined;
  const replicaPoolSize = replicaConfig ? replicaPoolSizeFor(roles, replicaConfig.poolSize) : 0;
  const replicaDatabase =
    replicaConfig && replicaPoolSize > 0
      ? openDatabase(
          {
            kind: "postgres",
            url: replicaConfig.url,
            poolSize: replicaPoolSize,
            preparedStatements: config.database.kind === "postgres" && config.database.preparedStatements,
          },
          { onIdleConnectionLost },
        )
      : undefined;
  const readReplica =
    replicaConfig && replicaDatabase
      ? new ReadReplica(database.db, replicaDatabase.db, { logger, maxLagMs: replicaConfig.maxLagMs })
      : undefined;
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");

  const secretBox = config.secretKey ? secretBoxFor(config.secretKey) : undefined;
  // Several processes may share a PostgreSQL: they tell each other of committed changes and queued jobs.
  const notifications =
    config.database.kind === "postgres"
      ? new PostgresNotifications(database.db, config.database.listenUrl, logger)
      : undefined;
  const jobWakeups = new JobWakeups(notifications, logger);
  const context = (actor: Actor = systemActor("operator"), channel: Channel = "cli"): Context => ({
    actor,
    channel,
    db: database.db,
    dialect: database.dialect,
    clock,
    logger,
    ...(secretBox ? { secretBox } : {}),
    attachmentsDir: attachmentsDirIn(config),
    changeFeed,
    jobsCommitted: jobWakeups.jobsQueued,
  });
  const changeFeed: TicketChangeFeed = notifications
    ? await ClusterTicketChangeFeed.start(
        notifications,
        () => context(systemActor("live stream"), "system"),
        logger,
      )
    : new InProcessTicketChangeFeed();
  const slaDefaults = await installDefaultPolicies(context(systemActor("SLA defaults"), "system"));
  if (slaDefaults.installed)
    logger.info(slaDefaults, "installed the default business calendars and SLA policies");
  // After the SLA defaults: the health rules count business hours on their Los Angeles calendar.
  const healthDefaults = await installHealthDefaults(
    context(systemActor("ticket health defaults"), "system"),
  );
  if (healthDefaults.installed) logger.info(healthDefaults, "installed the ticket health defaults");
  const jobs = new JobRunner(context(systemActor("job runner"), "system"), {
    concurrency: config.workerConcurrency,
    pollMs: config.workerPollMs,
    lockMs: config.jobLockMs,
    loadHandlers: async (runner) => {
      const { registerJobs } = await import("./jobs/schedule.js");
      registerJobs(runner, {
        email: config.email,
        imap: config.email.imap && { ...config.email.imap, maxMessageBytes: config.email.maxMessageBytes },
        webhooks: config.webhooks,
        chat: { publicUrl: config.publicUrl, slackApiUrl: config.slackApiUrl },
      });
    },
  });

  const tend: Tend = {
    config,
    database,
    logger,
    clock,
    jobs,
    changeFeed,
    jobWakeups,
    ...(readReplica ? { readReplica } : {}),
    context,
    async stop() {
      await tend.smtp?.close();
      await tend.spooledMailMover?.stop();
      tend.inboundSpool?.close();
      await tend.statusMonitors?.stop();
      await jobs.stop();
      await tend.app?.close();
      await notifications?.close();
      await replicaDatabase?.destroy();
      await database.destroy();
    },
  };
  return tend;
}

/**
 * Starts the given roles: `web` listens for HTTP, `worker` runs jobs, `scheduler` enqueues timers,
 * `smtp` receives mail for the support addresses.
 */
export async function startRoles(tend: Tend, roles: readonly Role[]): Promise<void> {
  // On SQLite the listener commits accepted mail to a spool of its own, which every worker empties
  // and threads (see `inbound-spool.ts`).
  const { database } = tend.config;
  if (
    database.kind === "sqlite" &&
    database.file !== ":memory:" &&
    (roles.includes("worker") || roles.includes("smtp"))
  )
    tend.inboundSpool = InboundSpool.besideDatabase(database.file);
  // One registry for the process: the SMTP listener's counters show on this process's `/metrics`.
  const metrics = new TendMetrics(tend.database.db, {
    ...(tend.inboundSpool ? { inboundSpool: tend.inboundSpool } : {}),
    clock: tend.clock,
  });
  if (roles.includes("web")) {
    // Loaded here, not above: the HTTP app's routes and plugins are a third of the code a process
    // loads, and the CLI's commands (`tend migrate`, `tend sla explain`…) never serve a request.
    const { buildApp } = await import("./http/build-app.js");
    tend.app = await buildApp({
      database: tend.database,
      ...(tend.readReplica ? { readReplica: tend.readReplica } : {}),
      logger: tend.logger,
      clock: tend.clock,
      publicUrl: tend.config.publicUrl,
      bodyLimitBytes: tend.config.bodyLimitBytes,
      trustProxy: tend.config.trustProxy,
      secretKey: tend.config.secretKey,
      slackSigningSecret: tend.config.slackSigningSecret,
      singleSignOn: tend.config.singleSignOn,
      attachmentsDir: attachmentsDirIn(tend.config),
      maxAttachmentBytes: tend.config.email.maxAttachmentBytes,
      changeFeed: tend.changeFeed,
      jobsCommitted: tend.jobWakeups.jobsQueued,
      metrics,
      metricsToken: tend.config.metricsToken,
      webhooks: tend.config.webhooks,
    });
    await tend.app.listen({ port: tend.config.port, host: tend.config.host });
  }
  if (tend.inboundSpool && roles.includes("worker") && database.kind === "sqlite") {
    // Loaded here, like the job handlers: threading mail imports most of Tend.
    const { SpooledMailMover, SpooledMailThread } = await import("./modules/email/spooled-mail-mover.js");
    const ctx = tend.context(systemActor("inbound email"), "email");
    const { supportAddresses, maxAttachmentBytes } = tend.config.email;
    const settings = { supportAddresses, maxAttachmentBytes };
    // Beside a listener or the web, the threading gets a thread of its own. A clock other than the
    // system's (a test's) cannot cross into a thread: such a process moves mail on its own loop.
    const besideOtherWork = roles.includes("smtp") || roles.includes("web");
    const mover =
      besideOtherWork && tend.clock === systemClock
        ? new SpooledMailThread(ctx, tend.inboundSpool, {
            databaseFile: database.file,
            attachmentsDir: attachmentsDirIn(tend.config),
            secretKey: tend.config.secretKey,
            logLevel: tend.config.logLevel,
            settings,
            intervals: spooledMailMoveIntervals,
            idleExitMs: spooledMailThreadIdleExitMs,
          })
        : new SpooledMailMover(ctx, tend.inboundSpool, settings, spooledMailMoveIntervals);
    tend.spooledMailMover = mover;
    mover.start();
  }
  if (roles.includes("smtp")) {
    const { email } = tend.config;
    tend.smtp = await startSmtpListener(tend.context(systemActor("inbound email"), "email"), {
      host: email.smtpHost,
      port: email.smtpPort,
      supportAddresses: email.supportAddresses,
      maxMessageBytes: email.maxMessageBytes,
      senderLimit: email.senderLimit,
      tls: email.smtpTls ? await readSmtpTls(email.smtpTls) : null,
      observer: metrics.inboundMail,
      ...(tend.inboundSpool ? { spool: tend.inboundSpool } : {}),
    });
  }
  if (roles.includes("worker") && !tend.config.email.relayUrl) {
    tend.logger.warn("no TEND_SMTP_RELAY_URL: ticket mail stays queued until a worker runs with a relay");
  }
  if (roles.includes("worker")) {
    tend.statusMonitors = new StatusMonitorWorker(tend.context(systemActor("status monitors"), "system"));
    await tend.statusMonitors.start();
  }
  if (roles.includes("worker")) await tend.jobWakeups.runHere(tend.jobs);
  if (roles.includes("worker") || roles.includes("scheduler")) {
    await tend.jobs.start({ schedule: roles.includes("scheduler"), work: roles.includes("worker") });
  }
  tend.logger.info({ roles, database: tend.database.dialect, url: tend.config.publicUrl }, "Tend started");
}
