import type { Logger } from "pino";
import type { PostgresNotifications } from "../db/postgres-notifications.js";
import { newId } from "../shared/ids.js";
import type { JobRunner } from "./job-runner.js";

export const jobsQueuedChannel = "tend_jobs_queued";

/**
 * Who starts a job the moment it is committed rather than at a worker's next poll (a reply's mail, a
 * page's first notification, a stored inbound message). A process that runs the worker wakes its
 * own runner. One that does not (a web-only or smtp-only process on PostgreSQL) tells the worker
 * processes through NOTIFY. Polling stays the guarantee: a notification lost to a dropped
 * connection costs at most one poll interval.
 */
export class JobWakeups {
  readonly #origin = newId();
  #localRunner: JobRunner | undefined;

  constructor(
    private readonly notifications: PostgresNotifications | undefined,
    private readonly logger: Logger,
  ) {}

  /** Called after a commit that queued jobs. */
  readonly jobsQueued = (): void => {
    if (this.#localRunner) {
      this.#localRunner.wake();
      return;
    }
    this.notifications?.publish(jobsQueuedChannel, this.#origin).catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        "could not tell the workers of a queued job; they find it at their next poll",
      );
    });
  };

  /** This process runs jobs: its own commits wake `runner`, and so do other processes' notifications. */
  async runHere(runner: JobRunner): Promise<void> {
    this.#localRunner = runner;
    await this.notifications?.listen(jobsQueuedChannel, (origin) => {
      if (origin !== this.#origin) runner.wake();
    });
  }
}
