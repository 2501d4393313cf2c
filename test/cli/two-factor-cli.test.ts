import { describe, expect, it } from "vitest";
import { findPersonByEmail } from "../../src/modules/identity/person-repository.js";
import {
  confirmCredential,
  savePendingCredential,
} from "../../src/modules/identity/two-factor-repository.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend person reset-2fa", { timeout: 120_000 }, () => {
  it("lets an operator reset a locked-out admin's second factor and sessions, on the record", async () => {
    const email = "locked.out@tend.example";
    await cli.tend(
      "admin",
      "create",
      "--email",
      email,
      "--name",
      "Locked Out",
      "--password",
      "correct horse battery",
    );
    const db = cli.database.db;
    const admin = await findPersonByEmail(db, email);
    if (!admin) throw new Error("admin not created");
    const now = new Date().toISOString();
    await savePendingCredential(db, {
      person_id: admin.id,
      secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      confirmed_at: null,
      last_accepted_step: null,
      created_at: now,
    });
    await confirmCredential(db, admin.id, now);
    await db
      .insertInto("sessions")
      .values({
        id_hash: "a-session",
        person_id: admin.id,
        created_at: now,
        last_seen_at: now,
        expires_at: now,
        sign_in_method: "password",
      })
      .execute();

    const reset = await cli.tend("person", "reset-2fa", email.toUpperCase());
    expect(reset.stdout).toContain(`Two-factor sign-in reset for Locked Out <${email}>`);
    expect(await db.selectFrom("two_factor_credentials").selectAll().execute()).toEqual([]);
    expect(await db.selectFrom("sessions").selectAll().where("person_id", "=", admin.id).execute()).toEqual(
      [],
    );
    const record = await db
      .selectFrom("audit_log")
      .select(["actor_kind", "channel", "target_id"])
      .where("action", "=", "two_factor.reset")
      .executeTakeFirst();
    expect(record).toEqual({ actor_kind: "system", channel: "cli", target_id: admin.id });

    await expect(cli.tend("person", "reset-2fa", "nobody@tend.example")).rejects.toMatchObject({
      stderr: expect.stringContaining("no person with email nobody@tend.example"),
    });
  });
});
