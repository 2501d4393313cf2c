import pino from "pino";
import { describe, expect, it } from "vitest";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import { createOverride } from "../../src/modules/oncall/manage-overrides.js";
import { createSchedule } from "../../src/modules/oncall/manage-schedules.js";
import { ManualClock } from "../../src/shared/clock.js";
import type { Context } from "../../src/shared/context.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend oncall who", { timeout: 120_000 }, () => {
  it("names who is on call in a schedule at an instant, with an override, and refuses an unknown schedule", async () => {
    const ctx: Context = {
      actor: { kind: "system", reason: "test setup" },
      channel: "cli",
      db: cli.database.db,
      dialect: cli.database.dialect,
      clock: new ManualClock("2026-11-23T09:00:00.000Z"),
      logger: pino({ level: "silent" }),
    };
    const agent = (name: string) =>
      createPerson({ ctx, input: { name, email: `${name.toLowerCase()}@support.example`, role: "agent" } });
    const alice = await agent("Alice");
    const bob = await agent("Bob");
    const schedule = await createSchedule({
      ctx,
      input: {
        name: "Customer support",
        timeZone: "Europe/Paris",
        layers: [
          {
            participants: [alice.id, bob.id],
            startDate: "2026-11-23",
            handoffTime: "09:00",
            rotation: { every: 1, unit: "days" },
          },
        ],
      },
    });
    await createOverride({
      ctx,
      scheduleId: schedule.id,
      input: { personId: alice.id, start: "2026-11-25T08:00:00.000Z", end: "2026-11-25T20:00:00.000Z" },
    });

    const monday = await cli.tend("oncall", "who", "Customer support", "--at", "2026-11-23T12:00:00Z");
    expect(monday.stdout.trim()).toBe(
      "Customer support: Alice <alice@support.example> until Tuesday 24 November at 09:00 (Europe/Paris)",
    );
    const tuesday = await cli.tend("oncall", "who", "Customer support", "--at", "2026-11-24T12:00:00Z");
    expect(tuesday.stdout).toContain("Bob <bob@support.example> until Wednesday 25 November at 09:00");
    const covered = await cli.tend("oncall", "who", "Customer support", "--at", "2026-11-25T12:00:00Z");
    expect(covered.stdout.trim()).toBe(
      "Customer support: Alice <alice@support.example> until Wednesday 25 November at 21:00 (Europe/Paris) (covering by override)",
    );

    await expect(cli.tend("oncall", "who", "Platform")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('No on-call schedule named "Platform".'),
    });
    await expect(cli.tend("oncall", "who", "Customer support", "--at", "yesterday")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("at: an ISO 8601 instant"),
    });
  });
});
