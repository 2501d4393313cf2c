import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useCliDesk } from "../support/cli-desk.js";

/**
 * `tend import csv` as an operator runs it: the built CLI on this file's database (SQLite or
 * PostgreSQL), a dry run that writes nothing, a refusal that exits 1 and says where, then --apply.
 */
const desk = useCliDesk();

const ticketsCsv = [
  "number,subject,description,requester_email,requester_name,organization,status,priority,created_at",
  '7001,Printer offline,"It shows ""paper jam"", there is none.",pat@northwind.example,Pat Lee,Northwind,open,high,2026-10-01T09:00:00Z',
  "7002,Invoice copy,Please resend the October invoice.,sam@northwind.example,Sam Roe,Northwind,solved,normal,2026-10-02T10:00:00Z",
].join("\n");
const commentsCsv = [
  "ticket_number,author_email,author_name,body,public,created_at",
  "7001,agent@desk.example,Ada Agent,Please power-cycle it.,true,2026-10-01T09:30:00Z",
].join("\n");

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Each call its own folder, so the files keep the names the report quotes. */
function files(tickets: string) {
  const dir = mkdtempSync(join(tmpdir(), "tend-import-"));
  folders.push(dir);
  const ticketsFile = join(dir, "tickets.csv");
  const commentsFile = join(dir, "comments.csv");
  writeFileSync(ticketsFile, tickets);
  writeFileSync(commentsFile, commentsCsv);
  return { ticketsFile, commentsFile };
}

async function ticketCount(): Promise<number> {
  const row = await desk.database.db
    .selectFrom("tickets")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("tend import csv", () => {
  it("reports a dry run without writing, then imports with --apply", async () => {
    const { ticketsFile, commentsFile } = files(ticketsCsv);
    const dryRun = await desk.tend("import", "csv", ticketsFile, "--comments", commentsFile);
    expect(dryRun.stdout).toContain("Dry run: nothing was written. Run again with --apply to import.");
    expect(dryRun.stdout).toMatch(/Organizations: 1 would be created/);
    expect(await ticketCount()).toBe(0);

    const applied = await desk.tend("import", "csv", ticketsFile, "--comments", commentsFile, "--apply");
    expect(applied.stdout).toContain("Imported.");
    const tickets = await desk.database.db
      .selectFrom("tickets")
      .select(["number", "subject", "status", "created_at"])
      .orderBy("number")
      .execute();
    expect(tickets).toEqual([
      { number: 7001, subject: "Printer offline", status: "open", created_at: "2026-10-01T09:00:00.000Z" },
      { number: 7002, subject: "Invoice copy", status: "solved", created_at: "2026-10-02T10:00:00.000Z" },
    ]);
  });

  it("exits 1 naming the row when the file has a problem, and writes nothing", async () => {
    const before = await ticketCount();
    const { ticketsFile } = files(
      "subject,description,requester_email\nBroken,No address here.,not-an-address\n",
    );
    const refused = await desk.tend("import", "csv", ticketsFile, "--apply").then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toContain("tickets.csv row 1");
    expect(await ticketCount()).toBe(before);
  });
});
