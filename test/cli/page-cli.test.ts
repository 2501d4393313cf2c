import pino from "pino";
import { describe, expect, it } from "vitest";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import { createEscalationPolicy } from "../../src/modules/paging/manage-escalation-policies.js";
import { getPage } from "../../src/modules/paging/manage-pages.js";
import { ManualClock } from "../../src/shared/clock.js";
import type { Context } from "../../src/shared/context.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend page", { timeout: 120_000 }, () => {
  it("opens a page by the policy's name, prints its id, and refuses an unknown policy or severity", async () => {
    const ctx: Context = {
      actor: { kind: "system", reason: "test setup" },
      channel: "cli",
      db: cli.database.db,
      dialect: cli.database.dialect,
      clock: new ManualClock("2026-11-23T09:00:00.000Z"),
      logger: pino({ level: "silent" }),
    };
    const lead = await createPerson({
      ctx,
      input: { name: "Lee", email: "lee@support.example", role: "agent" },
    });
    await createEscalationPolicy({
      ctx,
      input: {
        name: "support-leadership",
        levels: [{ targets: [{ kind: "person", personId: lead.id }], timeoutMinutes: 10 }],
      },
    });

    const paged = await cli.tend("page", "Checkout is down", "--to", "support-leadership");
    const id = paged.stdout.trim();
    const page = await getPage(ctx, id);
    expect(page).toMatchObject({
      title: "Checkout is down",
      severity: "sev1",
      status: "open",
      openedBy: null,
    });
    expect(page.log).toEqual([
      expect.objectContaining({
        kind: "opened",
        detail: "opened with support-leadership",
        actor: "tend page (CLI)",
      }),
    ]);

    await expect(cli.tend("page", "Mail is slow", "--to", "nobody")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no escalation policy named "nobody"'),
    });
    await expect(
      cli.tend("page", "Mail is slow", "--to", "support-leadership", "--severity", "urgent"),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('unknown severity "urgent"') });
  });
});
