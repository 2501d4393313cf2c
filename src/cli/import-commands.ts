import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import type { ImportPlan } from "../modules/imports/import-plan.js";
import type { Context } from "../shared/context.js";

type WithContext = <T>(work: (ctx: Context) => Promise<T>) => Promise<T>;

const fileOf = (path: string) => ({ name: basename(path), text: readFileSync(path, "utf8") });

/**
 * `tend import zendesk` and `tend import csv`: a dry run by default, `--apply` to write. The exit
 * code is 1 when the source has problems, so a script stops before it goes on.
 */
export function registerImportCommands(program: Command, withContext: WithContext): void {
  const importCommand = program
    .command("import")
    .description("Bring a desk's history from another help desk: a dry-run report first, --apply to write");

  const run = (readPlan: () => Promise<ImportPlan>, apply: boolean) =>
    withContext(async (ctx) => {
      const plan = await readPlan();
      const { importHistory } = await import("../modules/imports/import-history.js");
      const { importReportText } = await import("../modules/imports/import-report-text.js");
      const report = await importHistory(ctx, plan, { apply });
      for (const line of importReportText(report)) console.log(line);
      if (report.problems.length > 0) process.exitCode = 1;
    });

  importCommand
    .command("zendesk <tickets>")
    .description(
      "Zendesk's export (JSON Lines, a JSON array or an API response; one document may hold every kind)",
    )
    .option("--users <file>", "Zendesk users, when not in the tickets file")
    .option("--organizations <file>", "Zendesk organizations, when not in the tickets file")
    .option("--groups <file>", "Zendesk groups, when not in the tickets file")
    .option("--apply", "write the import (without it, a dry run)")
    .action(
      (
        tickets: string,
        options: { users?: string; organizations?: string; groups?: string; apply?: boolean },
      ) =>
        run(async () => {
          const { readZendeskExport } = await import("../modules/imports/zendesk-export.js");
          return readZendeskExport({
            tickets: fileOf(tickets),
            ...(options.users ? { users: fileOf(options.users) } : {}),
            ...(options.organizations ? { organizations: fileOf(options.organizations) } : {}),
            ...(options.groups ? { groups: fileOf(options.groups) } : {}),
          });
        }, options.apply === true),
    );

  importCommand
    .command("csv <tickets>")
    .description("Tickets from a CSV file with a header row (see ARCHITECTURE.md, Imports, for the columns)")
    .option("--comments <file>", "a CSV of comments naming their tickets")
    .option("--apply", "write the import (without it, a dry run)")
    .action((tickets: string, options: { comments?: string; apply?: boolean }) =>
      run(async () => {
        const { readCsvExport } = await import("../modules/imports/csv-export.js");
        return readCsvExport({
          tickets: fileOf(tickets),
          ...(options.comments ? { comments: fileOf(options.comments) } : {}),
          now: new Date().toISOString(),
        });
      }, options.apply === true),
    );
}
