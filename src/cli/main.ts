import { randomBytes } from "node:crypto";
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { ConfigError, loadConfig } from "../config.js";
import { migrateToLatest } from "../db/database.js";
import { DomainError, ValidationError } from "../errors.js";
import { allRoles, createTend, type Role, startRoles, type Tend } from "../main.js";
import { exportAudit, verifyAuditTrail } from "../modules/audit/read-audit.js";
import { formatReturnTime } from "../modules/health/closed-hours-acknowledgement.js";
import { systemActor } from "../modules/identity/actor.js";
import { issueApiToken } from "../modules/identity/manage-api-tokens.js";
import { createPerson, updatePerson } from "../modules/identity/manage-people.js";
import { resetTwoFactor } from "../modules/identity/manage-two-factor.js";
import { findPersonByEmail } from "../modules/identity/person-repository.js";
import { type TokenScope, tokenScopes } from "../modules/identity/token-scopes.js";
import { whoIsOnCallByName } from "../modules/oncall/read-schedules.js";
import { openPage, type PageSeverity, pageSeverities } from "../modules/paging/manage-pages.js";
import { type ErasureReport, erasePerson } from "../modules/privacy/erase-person.js";
import { getTicketSla } from "../modules/sla/ticket-sla.js";
import { withActor } from "../shared/context.js";
import { registerBackupCommands } from "./backup-commands.js";
import { deskIsEmpty } from "./empty-desk.js";
import { registerImportCommands } from "./import-commands.js";

// The story demo plays every ticket through the use cases, a few milliseconds each: beyond this many the
// bulk generator's two years of history is the only one that finishes while someone waits.
const largestStoryDemo = 5_000;
const formatTicketCount = (count: number) => count.toLocaleString("en-US");

/**
 * `tend <command>`: the operator's door. Each command calls the same use cases as the API. What only
 * one command needs (the demo desks, SLA files, backups, imports) is imported when that command runs,
 * so `tend serve` does not carry it: 6.5 MB of an idle server's heap.
 */

function generatedPassword(): string {
  return randomBytes(15).toString("base64url");
}

async function withTend<T>(work: (tend: Tend) => Promise<T>): Promise<T> {
  const tend = await createTend(loadConfig());
  try {
    return await work(tend);
  } finally {
    await tend.stop();
  }
}

function parseRoles(value: string): Role[] {
  const roles = value.split(",").map((r) => r.trim());
  for (const role of roles) {
    if (!(allRoles as readonly string[]).includes(role)) {
      throw new InvalidArgumentError(`unknown role "${role}" (roles: ${allRoles.join(", ")})`);
    }
  }
  return roles as Role[];
}

function parseTokenScopeList(value: string): TokenScope[] {
  const scopes = value.split(",").map((s) => s.trim());
  for (const scope of scopes) {
    if (!(tokenScopes as readonly string[]).includes(scope)) {
      throw new InvalidArgumentError(`unknown scope "${scope}" (scopes: ${tokenScopes.join(", ")})`);
    }
  }
  return scopes as TokenScope[];
}

function parseSeverity(value: string): PageSeverity {
  if (!(pageSeverities as readonly string[]).includes(value))
    throw new InvalidArgumentError(`unknown severity "${value}" (severities: ${pageSeverities.join(", ")})`);
  return value as PageSeverity;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError("must be a positive whole number");
  return number;
}

async function createAdmin(tend: Tend, input: { email: string; name: string; password?: string }) {
  const password = input.password ?? generatedPassword();
  const admin = await createPerson({
    ctx: tend.context(),
    input: { email: input.email, name: input.name, role: "admin", password },
  });
  return { admin, password, generated: input.password === undefined };
}

/** A demo customer signs in to the portal with a password: the demo has no mail relay for sign-in links. */
async function givePortalPassword(tend: Tend, adminId: string, email: string | null) {
  if (email === null) return null;
  const ctx = tend.context();
  const customer = await findPersonByEmail(ctx.db, email);
  if (!customer) return null;
  const password = generatedPassword();
  await updatePerson({
    ctx: withActor(ctx, { kind: "person", personId: adminId, role: "admin", organizationId: null }, "cli"),
    id: customer.id,
    input: { password },
  });
  return { email, password };
}

const program = new Command("tend").description(
  "Tend: the help desk that keeps the promises a support team makes.",
);

program
  .command("serve")
  .description("Serve Tend (migrates the database first)")
  .option("--roles <roles>", `comma-separated roles: ${allRoles.join(", ")}`, parseRoles, [...allRoles])
  .option("--demo-if-empty", "on an empty desk, build the demo desk and an admin account first")
  .action(async (options: { roles: Role[]; demoIfEmpty?: boolean }) => {
    const tend = await createTend(loadConfig(), { roles: options.roles });
    if (options.demoIfEmpty && (await deskIsEmpty(tend.context()))) {
      const { buildDemoDesk } = await import("./demo-desk.js");
      const summary = await buildDemoDesk(tend.context(), {});
      const { admin, password } = await createAdmin(tend, { email: "admin@tend.local", name: "Desk Admin" });
      const customer = await givePortalPassword(tend, admin.id, summary.busiestCustomerEmail);
      console.log(
        `\nEmpty desk: built the demo desk (${summary.tickets} tickets, ${summary.organizations} organizations, ${summary.agents} agents).\n` +
          `Sign in as ${admin.email} with password ${password} (shown once).\n` +
          (customer
            ? `The customer portal is at /portal: sign in as ${customer.email} with password ${customer.password}.\n`
            : ""),
      );
    }
    await startRoles(tend, options.roles);
    const shutdown = async (signal: string) => {
      tend.logger.info({ signal }, "shutting down");
      await tend.stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
  });

program
  .command("migrate")
  .description("Apply pending database migrations and exit")
  .action(() =>
    withTend(async (tend) => {
      // createTend already migrates; running again reports that nothing is left.
      const applied = await migrateToLatest(tend.database.db);
      console.log(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
    }),
  );

const admin = program.command("admin").description("Manage admin accounts");
admin
  .command("create")
  .description("Create an admin; prints a one-time password when none is given")
  .requiredOption("--email <email>")
  .requiredOption("--name <name>")
  .option("--password <password>")
  .action((options: { email: string; name: string; password?: string }) =>
    withTend(async (tend) => {
      const { admin: created, password, generated } = await createAdmin(tend, options);
      console.log(`Created admin ${created.name} <${created.email}> (${created.id}).`);
      if (generated) console.log(`One-time password: ${password}`);
    }),
  );

const token = program.command("token").description("Manage API tokens");
token
  .command("create")
  .description("Create an API token for a person; the token is printed once")
  .requiredOption("--email <email>")
  .option("--name <name>", "what the token is for", "CLI token")
  .option(
    "--scopes <scopes>",
    "comma-separated: read (GET only), write (act as the person; an admin as an agent), admin (an admin's admin actions)",
    parseTokenScopeList,
    ["write"] as TokenScope[],
  )
  .option("--expires-in-days <days>", "the token stops working after this many days", parsePositive)
  .action((options: { email: string; name: string; scopes: TokenScope[]; expiresInDays?: number }) =>
    withTend(async (tend) => {
      const person = await findPersonByEmail(tend.database.db, options.email);
      if (!person) throw ValidationError.field("email", `no person with email ${options.email}`);
      const created = await issueApiToken(tend.context(), person.id, {
        name: options.name,
        scopes: options.scopes,
        ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
      });
      console.log(created.token);
    }),
  );

const person = program.command("person").description("Operator actions on a person's account");
person
  .command("reset-2fa <email>")
  .description(
    "Reset a person's two-factor sign-in and end their sessions (the way in for a locked-out admin)",
  )
  .action((email: string) =>
    withTend(async (tend) => {
      const found = await findPersonByEmail(tend.database.db, email);
      if (!found) throw ValidationError.field("email", `no person with email ${email}`);
      await resetTwoFactor({ ctx: tend.context(), personId: found.id });
      console.log(`Two-factor sign-in reset for ${found.name} <${found.email}>; their sessions are ended.`);
    }),
  );

const sla = program.command("sla").description("Business calendars, SLA policies and clocks");
sla
  .command("export")
  .description("Write the calendars and policies as one JSON file (stdout without --file)")
  .option("--file <path>", "where to write")
  .action((options: { file?: string }) =>
    withTend(async (tend) => {
      const { exportSlaConfiguration } = await import("../modules/sla/sla-configuration-file.js");
      const json = `${JSON.stringify(await exportSlaConfiguration(tend.context()), null, 2)}\n`;
      if (options.file) {
        writeFileSync(options.file, json);
        console.log(`Wrote ${options.file}.`);
      } else process.stdout.write(json);
    }),
  );
sla
  .command("import <file>")
  .description("Make calendars and policies match a file written by `tend sla export` (all or nothing)")
  .action((file: string) =>
    withTend(async (tend) => {
      const { importSlaConfiguration } = await import("../modules/sla/sla-configuration-file.js");
      const { calendars, policies } = await importSlaConfiguration(
        tend.context(),
        readFileSync(file, "utf8"),
      );
      console.log(
        `Calendars: ${calendars.created} created, ${calendars.updated} updated, ${calendars.unchanged} unchanged. ` +
          `Policies: ${policies.created} created, ${policies.updated} updated.`,
      );
    }),
  );

sla
  .command("explain <ticket>")
  .description("Every SLA clock of a ticket with its timeline in words")
  .action((ticket: string) =>
    withTend(async (tend) => {
      const { ticketNumber, clocks } = await getTicketSla({
        ctx: tend.context(),
        number: parsePositive(ticket),
      });
      if (clocks.length === 0) console.log(`Ticket #${ticketNumber}: no SLA policy applies.`);
      for (const clock of clocks) {
        const cycle = clock.cycle > 1 ? ` (cycle ${clock.cycle})` : "";
        console.log(`\n${clock.policyName} — ${clock.metric}${cycle}: ${clock.state} [${clock.calendar}]`);
        for (const line of clock.explanation) console.log(`  ${line}`);
      }
    }),
  );

const oncall = program.command("oncall").description("On-call schedules");
oncall
  .command("who <schedule>")
  .description("Who is on call in a schedule (by name), now or --at an instant, and until when")
  .option("--at <instant>", "an ISO 8601 instant, e.g. 2026-12-24T18:00:00Z")
  .action((name: string, options: { at?: string }) =>
    withTend(async (tend) => {
      const answer = await whoIsOnCallByName(tend.context(), name, options.at);
      const until = answer.until
        ? ` until ${formatReturnTime(new Date(answer.until), answer.schedule.timeZone)}`
        : "";
      const via = answer.source?.kind === "override" ? " (covering by override)" : "";
      console.log(
        answer.person
          ? `${answer.schedule.name}: ${answer.person.name} <${answer.person.email}>${until}${via}`
          : `${answer.schedule.name}: nobody is on call${until}`,
      );
    }),
  );

program
  .command("page <message>")
  .description("Page people by an escalation policy; prints the page's id")
  .requiredOption("--to <policy>", "the escalation policy's name, e.g. support-leadership")
  .option("--severity <severity>", `one of ${pageSeverities.join(", ")}`, parseSeverity, "sev1")
  .option("--details <details>", "more about what is wrong")
  .action((message: string, options: { to: string; severity: PageSeverity; details?: string }) =>
    withTend(async (tend) => {
      const page = await openPage({
        ctx: tend.context(systemActor("tend page (CLI)"), "cli"),
        input: {
          title: message,
          severity: options.severity,
          policy: options.to,
          ...(options.details !== undefined ? { details: options.details } : {}),
        },
      });
      console.log(page.id);
    }),
  );

const audit = program.command("audit").description("The hash-chained audit trail");
audit
  .command("verify")
  .description("Check the whole chain; exit 1 naming the first broken link")
  .action(() =>
    withTend(async (tend) => {
      const verdict = await verifyAuditTrail(tend.context());
      if (verdict.intact) {
        console.log(`chain intact: ${verdict.count} records`);
        return;
      }
      console.error(`chain broken at seq ${verdict.brokenAt}: ${verdict.reason}`);
      process.exitCode = 1;
    }),
  );
audit
  .command("export")
  .description("Write a period's records as JSON Lines, hashes included (stdout without --file)")
  .requiredOption("--from <iso>", "at or after this time")
  .requiredOption("--to <iso>", "before this time")
  .option("--file <path>", "where to write")
  .action((options: { from: string; to: string; file?: string }) =>
    withTend(async (tend) => {
      const period = { from: options.from, to: options.to };
      if (!options.file) {
        await exportAudit(tend.context(), period, (line) => void process.stdout.write(`${line}\n`));
        return;
      }
      const out = createWriteStream(options.file);
      const count = await exportAudit(tend.context(), period, (line) => void out.write(`${line}\n`));
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      console.log(`Wrote ${count} records to ${options.file}.`);
    }),
  );

function printErasure(report: ErasureReport): void {
  const width = Math.max(...report.items.map((item) => item.kind.length));
  for (const item of report.items) console.log(`  ${item.kind.padEnd(width)}  ${item.count}`);
  const tickets = report.ticketNumbers.map((number) => `#${number}`).join(", ") || "none";
  console.log(`Tickets they requested (kept, subject and their messages erased): ${tickets}`);
}

const erase = program.command("erase").description("Erase personal data at a person's request");
erase
  .command("person <email>")
  .description("Erase a person's profile, messages and the audit trail's copies; tickets and statistics stay")
  .option("--dry-run", "list what would be erased and change nothing")
  .option("--yes", "erase for real; there is no undo")
  .action((email: string, options: { dryRun?: boolean; yes?: boolean }) => {
    if (!options.dryRun && !options.yes) {
      console.error("Erasure cannot be undone: run with --dry-run to see what would go, then add --yes.");
      process.exitCode = 2;
      return;
    }
    return withTend(async (tend) => {
      const person = await findPersonByEmail(tend.database.db, email);
      if (!person) throw ValidationError.field("email", `no person with email ${email}`);
      const report = await erasePerson({
        ctx: tend.context(),
        input: { personId: person.id, dryRun: options.dryRun === true },
      });
      console.log(
        report.dryRun
          ? `Dry run: erasing ${person.name} <${person.email}> (${person.id}) would remove:`
          : `Erased person ${person.id}:`,
      );
      printErasure(report);
      if (report.dryRun) console.log("Nothing was changed. Add --yes (without --dry-run) to erase.");
    });
  });

program
  .command("demo")
  .description("Build a realistic demo desk: organizations, agents in both tiers, tickets in every status")
  .option("--tickets <count>", "how many tickets", parsePositive, 300)
  .option("--seed <seed>", "random seed, for a repeatable desk", parsePositive, 42)
  .option(
    "--bulk",
    `load two years of history in bulk (a million tickets in minutes) on an empty desk; implied above ${formatTicketCount(largestStoryDemo)} tickets`,
  )
  .action((options: { tickets: number; seed: number; bulk?: boolean }) =>
    withTend(async (tend) => {
      if (options.bulk || options.tickets > largestStoryDemo) {
        const { buildBulkDemoDesk } = await import("../modules/demo/bulk-demo-desk.js");
        const desk = await buildBulkDemoDesk(tend.context(), {
          tickets: options.tickets,
          seed: options.seed,
        });
        console.log(
          `Bulk demo desk ready in ${Math.round(desk.seconds)} s: ${desk.tickets} tickets, ${desk.comments} comments, ` +
            `${desk.slaClocks} SLA clocks, ${desk.surveys} CSAT surveys, ${desk.articles} published articles.`,
        );
        return;
      }
      const { buildDemoDesk } = await import("./demo-desk.js");
      const summary = await buildDemoDesk(tend.context(), { tickets: options.tickets, seed: options.seed });
      console.log(
        `Demo desk ready: ${summary.organizations} organizations, ${summary.customers} customers, ` +
          `${summary.agents} agents, ${summary.tickets} tickets.`,
      );
    }),
  );

registerBackupCommands(program);
registerImportCommands(program, (work) =>
  withTend((tend) => work(tend.context(systemActor("history import"), "cli"))),
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DomainError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
