import pino from "pino";
import { describe, expect, it } from "vitest";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { systemClock } from "../../src/shared/clock.js";
import type { Context } from "../../src/shared/context.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend erase person", { timeout: 180_000 }, () => {
  it("refuses without --yes, lists in a dry run, then erases and keeps the audit chain intact", async () => {
    const ctx: Context = {
      actor: { kind: "system", reason: "test setup" },
      channel: "cli",
      db: cli.database.db,
      dialect: cli.database.dialect,
      clock: systemClock,
      logger: pino({ level: "silent" }),
    };
    const person = await createPerson({
      ctx,
      input: { name: "Wren Ocelot", email: "wren.ocelot@mail.example", role: "customer" },
    });
    const ticket = await createTicket({
      ctx,
      input: {
        subject: "Ocelot invoices missing",
        body: "Where did the ocelot invoices go?",
        requesterId: person.id,
      },
    });
    const name = async () =>
      (
        await cli.database.db
          .selectFrom("people")
          .select("name")
          .where("id", "=", person.id)
          .executeTakeFirst()
      )?.name;

    await expect(cli.tend("erase", "person", person.email)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("add --yes"),
    });

    const dryRun = await cli.tend("erase", "person", person.email, "--dry-run");
    expect(dryRun.stdout).toContain(`would remove:`);
    expect(dryRun.stdout).toMatch(/^ {2}comments\s+1$/m);
    expect(dryRun.stdout).toContain(`#${ticket.number}`);
    expect(await name()).toBe("Wren Ocelot");

    const erased = await cli.tend("erase", "person", person.email, "--yes");
    expect(erased.stdout).toContain(`Erased person ${person.id}:`);
    expect(erased.stdout).toMatch(/^ {2}ticketSubjects\s+1$/m);
    expect(await name()).toBe("Erased person");

    expect((await cli.tend("audit", "verify")).stdout).toMatch(/^chain intact: \d+ records$/m);
    await expect(cli.tend("erase", "person", person.email, "--yes")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no person with email"),
    });
  }, 240_000);
});
