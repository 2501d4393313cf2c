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

  /** A notification is on its way; `#another` asks for one more after it. */
  #publishing = false;
  #another = false;

  /**
   * Called after a commit that queued jobs. Notifications are coalesced: while one is on its way,
   * any number of commits ask for a single one after it. A notification is a transaction of its
   * own, with its wait for the disk, and PostgreSQL serializes committing notifiers on one lock:
   * one per stored message halved what an SMTP-only process could accept. Every commit is still
   * followed by a notification sent after it.
   */
  readonly jobsQueued = (): void => {
    if (this.#localRunner) {
      this.#localRunner.wake();
      return;
    }
    if (!this.notifications) return;
    if (this.#publishing) {
      this.#another = true;
      return;
    }
    this.#publishing = true;
    this.notifications
      .publish(jobsQueuedChannel, this.#origin)
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error },
          "could not tell the workers of a queued job; they find it at their next poll",
        );
      })
      .finally(() => {
        this.#publishing = false;
        if (!this.#another) return;
        this.#another = false;
        this.jobsQueued();
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
