import type { AddressInfo } from "node:net";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import Fastify from "fastify";
import pg from "pg";
import { newId } from "../src/shared/ids.js";
import type { ListeningMessage } from "./child-server.js";

/**
 * The floor Tend's ticket creation is compared with: one Fastify route that commits one row into a
 * one-table database, with Tend's durability settings and nothing else (no auth, validation,
 * transaction of several statements, search indexing or presenting).
 */
type InsertRow = (row: { id: string; subject: string; body: string; createdAt: string }) => Promise<void>;

function openFloorTable(): { insert: InsertRow; close(): Promise<void> } {
  const databaseUrl = process.env.DATABASE_URL;
  const createTable =
    "CREATE TABLE IF NOT EXISTS bench_floor_rows (id text PRIMARY KEY, subject text NOT NULL, body text NOT NULL, created_at text NOT NULL)";
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    const ready = pool.query(createTable);
    return {
      insert: async (row) => {
        await ready;
        await pool.query("INSERT INTO bench_floor_rows VALUES ($1, $2, $3, $4)", [
          row.id,
          row.subject,
          row.body,
          row.createdAt,
        ]);
      },
      close: () => pool.end(),
    };
  }
  const sqlite = new SqliteDatabase(path.join(process.env.TEND_DATA_DIR ?? ".", "floor.sqlite"));
  // The same pragmas as Tend's openDatabase: WAL, and synchronous=FULL so each commit is fsynced.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.exec(createTable);
  const statement = sqlite.prepare("INSERT INTO bench_floor_rows VALUES (?, ?, ?, ?)");
  return {
    insert: async (row) => {
      statement.run(row.id, row.subject, row.body, row.createdAt);
    },
    close: async () => {
      sqlite.close();
    },
  };
}

const table = openFloorTable();
const app = Fastify();
app.post<{ Body: { subject: string; body: string } }>("/rows", async (request, reply) => {
  const id = newId();
  await table.insert({
    id,
    subject: request.body.subject,
    body: request.body.body,
    createdAt: new Date().toISOString(),
  });
  return reply.status(201).send({ id });
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? "127.0.0.1" });
process.send?.({
  listening: { port: (app.server.address() as AddressInfo).port },
} satisfies ListeningMessage);
process.once("SIGTERM", () => {
  void app
    .close()
    .then(() => table.close())
    .then(() => process.exit(0));
});
