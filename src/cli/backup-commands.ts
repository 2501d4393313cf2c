import { join, resolve } from "node:path";
import type { Command } from "commander";
import { type Config, loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { systemActor } from "../modules/identity/actor.js";
import { systemClock } from "../shared/clock.js";
import type { Context } from "../shared/context.js";
import { createLogger } from "../shared/logger.js";

/**
 * `tend backup` and `tend restore`. Neither starts Tend: a backup must not migrate or install
 * defaults into the desk it copies, and a restore chooses the schema itself (the backup's). Their
 * modules are imported when the command runs: `tend serve` would otherwise carry them (3.5 MB of heap).
 */
async function withOperatorContext<T>(work: (ctx: Context, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = openDatabase(config.database);
  try {
    return await work(
      {
        actor: systemActor("operator"),
        channel: "cli",
        db: database.db,
        dialect: database.dialect,
        clock: systemClock,
        logger: createLogger(config.logLevel),
      },
      config,
    );
  } finally {
    await database.destroy();
  }
}

/** The attachment store: files Tend keeps beside the database, which a backup carries too. */
function attachmentsDir(config: Config): string {
  return join(config.dataDir, "attachments");
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup <archive>")
    .description(
      "Write a consistent snapshot of the desk (every table, the attachment store) to one .tar.gz, while Tend runs",
    )
    .action((archive: string) =>
      withOperatorContext(async (ctx, config) => {
        const { createBackup } = await import("../modules/backup/create-backup.js");
        const summary = await createBackup(ctx, {
          file: resolve(archive),
          attachmentsDir: attachmentsDir(config),
        });
        console.log(
          `Backed up ${summary.rows} rows in ${summary.tables} tables and ${summary.attachments} attachment files ` +
            `to ${summary.file} (${megabytes(summary.bytes)}; schema ${summary.lastMigration}).`,
        );
      }),
    );

  program
    .command("restore <archive>")
    .description(
      "Restore a `tend backup` archive into an empty database of either kind (all or nothing), then verify it",
    )
    .option(
      "--force",
      "wipe a desk that already holds data first: its tables, trail and attachments are dropped",
    )
    .action((archive: string, options: { force?: boolean }) =>
      withOperatorContext(async (ctx, config) => {
        const { restoreBackup } = await import("../modules/backup/restore-backup.js");
        const report = await restoreBackup(ctx, {
          file: resolve(archive),
          attachmentsDir: attachmentsDir(config),
          force: options.force === true,
        });
        if (report.wipedTables.length > 0) {
          console.log(`--force: dropped the previous desk's ${report.wipedTables.length} tables first.`);
        }
        const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
        console.log(
          `Restored ${rows} rows in ${report.tables.length} tables and ${report.attachments} attachment files ` +
            `on schema ${report.restoredOn}.`,
        );
        if (report.migratedSince.length > 0) {
          console.log(`Then applied newer migrations: ${report.migratedSince.join(", ")}.`);
        }
        const trail = report.auditTrail;
        if (trail.intact) {
          console.log(`Audit chain intact: ${trail.count} records.`);
        } else {
          console.error(`Audit chain broken at seq ${trail.brokenAt}: ${trail.reason}`);
          process.exitCode = 1;
        }
      }),
    );
}
