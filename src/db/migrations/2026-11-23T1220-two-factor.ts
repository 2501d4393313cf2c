import type { Kysely } from "kysely";

// A second factor for agents and admins: a TOTP secret per person (pending until confirmed with a
// code), hashed single-use recovery codes, the short-lived challenge between a correct password and
// the code, and the one security-settings row through which an admin requires a second factor.

export async function up(db: Kysely<any>): Promise<void> {
  // `last_accepted_step` is the 30-second step of the last code accepted: no code at or before it
  // is accepted again, so an observed code cannot be replayed.
  await db.schema
    .createTable("two_factor_credentials")
    .addColumn("person_id", "text", (c) => c.primaryKey().references("people.id").onDelete("cascade"))
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "text")
    .addColumn("last_accepted_step", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("recovery_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("recovery_codes_by_person").on("recovery_codes").column("person_id").execute();

  await db.schema
    .createTable("sign_in_challenges")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("sign_in_challenges_by_person")
    .on("sign_in_challenges")
    .column("person_id")
    .execute();

  // How a session was opened decides whether the enrollment requirement binds it: a single sign-on
  // session was authenticated by the identity provider, whose own MFA policy applies.
  await db.schema
    .alterTable("sessions")
    .addColumn("sign_in_method", "text", (c) => c.notNull().defaultTo("password"))
    .execute();

  await db.schema
    .createTable("security_settings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("require_two_factor_for", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db
    .insertInto("security_settings")
    .values({ id: "security", require_two_factor_for: "none", updated_at: new Date().toISOString() })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("security_settings").execute();
  await db.schema.alterTable("sessions").dropColumn("sign_in_method").execute();
  await db.schema.dropTable("sign_in_challenges").execute();
  await db.schema.dropTable("recovery_codes").execute();
  await db.schema.dropTable("two_factor_credentials").execute();
}
