import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import { describe, expect, it } from "vitest";
import { contractStepsIn } from "./expand-contract.js";
import { migrations } from "./migrations/index.js";

/** Every statement a migration's `up` sends, as PostgreSQL would get it; reads find no rows. */
async function statementsOf(name: string): Promise<string[]> {
  const sent: string[] = [];
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () =>
        new (class extends DummyDriver {
          override async acquireConnection() {
            return {
              executeQuery: async (query: CompiledQuery) => {
                sent.push(query.sql);
                return { rows: [] };
              },
              async *streamQuery() {},
            };
          }
        })(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  await migrations[name]?.up(db);
  return sent;
}

/**
 * Contract steps made safe by an earlier release that stopped using what they remove, each with that
 * release named: the only way one may land. None so far.
 */
const contractStepsAllowed: Record<string, string> = {};

describe("migrations are safe while the previous version still runs (expand, then contract)", () => {
  it("tells a contract step from an expanding one", () => {
    expect(
      contractStepsIn([
        'create table "a" ("id" text primary key, "b" text not null)',
        'alter table "a" add column "c" text',
        'alter table "a" add column "d" integer default 0 not null',
        'create index "a_c" on "a" ("c")',
      ]),
    ).toEqual([]);
    expect(
      contractStepsIn([
        'drop table "a"',
        'alter table "a" drop column "b"',
        'alter table "a" rename column "b" to "c"',
        'alter table "a" rename to "z"',
        'alter table "a" alter column "b" type integer',
        'alter table "a" alter column "b" set not null',
        'alter table "a" add column "e" text not null',
      ]).map((step) => step.why),
    ).toHaveLength(7);
  });

  it("finds no contract step in any migration but those allowed", async () => {
    const found: Record<string, string> = {};
    for (const name of Object.keys(migrations)) {
      for (const step of contractStepsIn(await statementsOf(name)))
        found[`${name}: ${step.statement}`] = step.why;
    }
    expect(Object.keys(found).filter((step) => !(step in contractStepsAllowed))).toEqual([]);
  });
});
