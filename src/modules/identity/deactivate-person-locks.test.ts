import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { commitsWithin } from "../../../test/support/lock-waits.js";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { deactivatePerson } from "./deactivate-person.js";

const desk = useTestDesk();

describe("deactivating a person on PostgreSQL", () => {
  it("does not wait for the key-share lock a concurrent write's foreign key holds on an admin", async (context) => {
    if (desk.database.dialect !== "postgres") return context.skip();
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer(null);

    await desk.database.db.connection().execute(async (other) => {
      // Another transaction writing a comment by the admin: its foreign-key check holds this lock.
      await sql`begin`.execute(other);
      await sql`select 1 from people where id = ${admin.id} for key share`.execute(other);
      // The deactivation locks every active admin's row, so two deactivations take turns. Had it
      // waited for the key-share lock, a writer that then needs an admin row it holds would deadlock.
      const deactivation = deactivatePerson({ ctx: desk.as(agent.actor), id: customer.id });
      const outcome = await commitsWithin(deactivation);
      await sql`rollback`.execute(other);
      await deactivation;
      expect(outcome).toBe("committed");
    });
  });
});
