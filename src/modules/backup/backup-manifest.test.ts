import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { insertionOrder, parseManifest, schemaToRestoreOn } from "./backup-manifest.js";

const known = ["0900-create-identity", "0910-create-tickets", "1000-create-sla"];

describe("which schema a backup restores onto", () => {
  it("is the backup's last migration, onto a target that is fresh or behind it", () => {
    expect(schemaToRestoreOn(known, known.slice(0, 2), [])).toBe("0910-create-tickets");
    expect(schemaToRestoreOn(known, known, known.slice(0, 1))).toBe("1000-create-sla");
  });

  it("refuses a backup from a newer Tend, and a target already past the backup", () => {
    expect(() => schemaToRestoreOn(known, [...known, "1100-two-factor"], [])).toThrow(
      /newer Tend \(migration 1100-two-factor is unknown here\)/,
    );
    expect(() => schemaToRestoreOn(known, known.slice(0, 2), known)).toThrow(
      /target database's schema \(migration 1000-create-sla\)/,
    );
    expect(() => schemaToRestoreOn(known, [known[1] as string], [])).toThrow(ValidationError);
  });
});

describe("the order tables are restored in", () => {
  it("puts every table after those it references and sets self-references aside", () => {
    const { order, selfReferences } = insertionOrder(
      ["comments", "tickets", "people", "organizations"],
      [
        { table: "comments", column: "ticket_id", referencedTable: "tickets" },
        { table: "comments", column: "author_id", referencedTable: "people" },
        { table: "tickets", column: "requester_id", referencedTable: "people" },
        { table: "tickets", column: "follow_up_of_id", referencedTable: "tickets" },
        { table: "people", column: "organization_id", referencedTable: "organizations" },
      ],
    );
    expect(order).toEqual(["organizations", "people", "tickets", "comments"]);
    expect(selfReferences.get("tickets")).toEqual(["follow_up_of_id"]);
  });

  it("names tables that reference each other in a cycle", () => {
    expect(() =>
      insertionOrder(
        ["a", "b"],
        [
          { table: "a", column: "b_id", referencedTable: "b" },
          { table: "b", column: "a_id", referencedTable: "a" },
        ],
      ),
    ).toThrow(/cycle between tables a, b/);
  });
});

describe("a manifest read from an archive", () => {
  it("refuses paths that would leave the staging folder", () => {
    const manifest = {
      format: "tend-backup",
      formatVersion: 1,
      tendVersion: "0.1.0",
      createdAt: "2026-11-23T09:00:00.000Z",
      sourceDialect: "sqlite",
      migrations: known,
      tables: [
        {
          name: "tickets",
          file: "../../etc/passwd",
          columns: [{ name: "id", kind: "text" }],
          rows: 0,
          sha256: "0".repeat(64),
        },
      ],
      derivedTables: [],
      attachments: [],
    };
    expect(() => parseManifest(JSON.stringify(manifest))).toThrow(/unsafe path/);
    expect(() => parseManifest("{")).toThrow(/not JSON/);
  });
});
