import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { verifyExportedRecords } from "../../src/modules/audit/read-audit.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();
const tend = (...args: string[]) => cli.tend(...args);

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend audit", { timeout: 120_000 }, () => {
  it("verifies the chain, exports a period an auditor can re-verify, and names a broken link", async () => {
    await tend("admin", "create", "--email", "auditor@tend.example", "--name", "Audit Admin");
    const intact = await tend("audit", "verify");
    expect(intact.stdout).toMatch(/^chain intact: \d+ records$/m);
    const count = Number(/(\d+) records/.exec(intact.stdout)?.[1]);
    expect(count).toBeGreaterThan(0);

    const file = join(mkdtempSync(join(tmpdir(), "tend-audit-")), "audit.jsonl");
    const exported = await tend(
      "audit",
      "export",
      "--from",
      "2000-01-01T00:00:00Z",
      "--to",
      "2100-01-01T00:00:00Z",
      "--file",
      file,
    );
    expect(exported.stdout).toContain(`Wrote ${count} records to ${file}.`);
    const records = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(count);
    expect(
      records.some((r) => r.action === "person.created" && r.after.email === "auditor@tend.example"),
    ).toBe(true);
    expect(verifyExportedRecords(records)).toMatchObject({ intact: true, count });

    // The export itself is recorded, after what it exported.
    const last = await cli.database.db
      .selectFrom("audit_log")
      .select(["seq", "action"])
      .orderBy("seq", "desc")
      .executeTakeFirst();
    expect(last).toEqual({ seq: count + 1, action: "audit.exported" });

    if (cli.database.dialect === "postgres") {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(cli.database.db);
    } else {
      await sql`DROP TRIGGER audit_log_no_update`.execute(cli.database.db);
    }
    await sql`UPDATE audit_log SET actor_display = 'someone else' WHERE seq = 2`.execute(cli.database.db);
    await expect(tend("audit", "verify")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("chain broken at seq 2: its contents do not match its hash"),
    });
  }, 180_000);
});
