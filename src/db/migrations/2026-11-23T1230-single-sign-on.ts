import type { Kysely } from "kysely";

// Single sign-on through an OpenID Connect provider.

export async function up(db: Kysely<any>): Promise<void> {
  // A sign-in that went to the provider and has not come back yet. The state is the lookup key and
  // is stored hashed (it travels through the browser); the nonce and PKCE verifier never leave the
  // server. A row is deleted when its callback arrives, so every attempt answers at most once.
  await db.schema
    .createTable("sso_login_attempts")
    .addColumn("state_hash", "text", (c) => c.primaryKey())
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  // Abandoned attempts are swept by age.
  await db.schema
    .createIndex("sso_login_attempts_by_expiry")
    .on("sso_login_attempts")
    .column("expires_at")
    .execute();

  // Who a person is at the provider: `iss` + `sub` is the only stable identifier OpenID Connect
  // promises, so a person whose email changes at the provider still signs in as themselves.
  await db.schema
    .createTable("sso_identities")
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_signed_in_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("sso_identities_pk", ["issuer", "subject"])
    .execute();
  // One identity per provider and person: a second subject claiming the same person is refused.
  await db.schema
    .createIndex("sso_identities_by_person")
    .on("sso_identities")
    .columns(["person_id", "issuer"])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sso_identities").execute();
  await db.schema.dropTable("sso_login_attempts").execute();
}
