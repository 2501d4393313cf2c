import { type Kysely, sql } from "kysely";

// Which tickets an organization's customers see in the portal and the API: every ticket of their
// organization ('organization', what they saw until now) or only those they requested
// ('requester'). Read with the session on every request, so a change binds signed-in customers at
// once. A CHECK keeps the column to the two values on both dialects.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("organizations")
    .addColumn("customer_ticket_visibility", "text", (col) =>
      col
        .notNull()
        .defaultTo("organization")
        .check(sql`customer_ticket_visibility in ('organization', 'requester')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organizations").dropColumn("customer_ticket_visibility").execute();
}
