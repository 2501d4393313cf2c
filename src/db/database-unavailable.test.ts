import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./database-unavailable.js";

const require = createRequire(import.meta.url);
const { SqliteError } = require("better-sqlite3") as {
  SqliteError: new (message: string, code: string) => Error;
};

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("recognises PostgreSQL going away, restarting or refusing connections", () => {
    expect(
      isDatabaseUnavailable(withCode("terminating connection due to administrator command", "57P01")),
    ).toBe(true);
    expect(isDatabaseUnavailable(withCode("the database system is starting up", "57P03"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("connection failure", "08006"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("sorry, too many clients already", "53300"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
  });

  it("recognises SQLite's file held by another writer", () => {
    expect(isDatabaseUnavailable(new SqliteError("database is locked", "SQLITE_BUSY"))).toBe(true);
    expect(isDatabaseUnavailable(new SqliteError("database is locked", "SQLITE_BUSY_SNAPSHOT"))).toBe(true);
  });

  it("leaves every other failure an internal error", () => {
    expect(isDatabaseUnavailable(withCode("duplicate key value violates unique constraint", "23505"))).toBe(
      false,
    );
    expect(
      isDatabaseUnavailable(
        new SqliteError("UNIQUE constraint failed: people.email", "SQLITE_CONSTRAINT_UNIQUE"),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(new SqliteError("database or disk is full", "SQLITE_FULL"))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
