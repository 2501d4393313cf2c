import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../../db/database.js";
import { systemClock } from "../../shared/clock.js";
import type { CommittedTicketChange, Context } from "../../shared/context.js";
import { createLogger } from "../../shared/logger.js";
import { secretBoxFor } from "../../shared/secret-box.js";
import { systemActor } from "../identity/actor.js";
import { InboundSpool } from "./inbound-spool.js";
import type { InboundEmailSettings } from "./process-inbound-email.js";
import { SpooledMailMover } from "./spooled-mail-mover.js";

/** What the process hands its spooled-mail thread (`SpooledMailThread`). */
export interface SpooledMailThreadData {
  databaseFile: string;
  attachmentsDir: string;
  secretKey: string | null;
  logLevel: string;
  settings: InboundEmailSettings;
  intervals: { intervalMs: number; idleIntervalMs: number };
  /** The thread ends after this long without mail. */
  idleExitMs: number;
}

/** Messages between the thread and its process. */
export type ToSpooledMailThread = "wake" | "stop";
export type FromSpooledMailThread =
  | { kind: "jobs-queued" }
  | { kind: "tickets-committed"; changes: CommittedTicketChange[] }
  | { kind: "idle" };

// The entry of the worker thread: its own connections to the database and the spool, and the same
// mover a worker-only process runs. What a process learns of a commit (jobs to start, tickets that
// changed for the live stream) is posted back to it.
const port = parentPort;
if (!port) throw new Error("spooled-mail-thread runs as a worker thread");
const data = workerData as SpooledMailThreadData;
const database = openDatabase({ kind: "sqlite", file: data.databaseFile });
const spool = InboundSpool.besideDatabase(data.databaseFile);
const post = (message: FromSpooledMailThread) => port.postMessage(message);
const ctx: Context = {
  actor: systemActor("inbound email"),
  channel: "email",
  db: database.db,
  dialect: "sqlite",
  clock: systemClock,
  logger: createLogger(data.logLevel).child({ thread: "spooled mail" }),
  attachmentsDir: data.attachmentsDir,
  ...(data.secretKey ? { secretBox: secretBoxFor(data.secretKey) } : {}),
  changeFeed: { ticketsCommitted: (_ctx, changes) => post({ kind: "tickets-committed", changes }) },
  jobsCommitted: () => post({ kind: "jobs-queued" }),
};
const mover = new SpooledMailMover(ctx, spool, data.settings, data.intervals, {
  afterMs: data.idleExitMs,
  tell: () => post({ kind: "idle" }),
});
mover.start();
port.on("message", async (message: ToSpooledMailThread) => {
  if (message === "wake") {
    mover.wake();
    return;
  }
  await mover.stop();
  spool.close();
  await database.destroy();
  port.close();
});
