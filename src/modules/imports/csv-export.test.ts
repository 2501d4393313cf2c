import { describe, expect, it } from "vitest";
import { readCsvExport } from "./csv-export.js";
import { checkImportPlan } from "./import-plan.js";

const now = "2026-11-23T09:00:00.000Z";

describe("reading tickets from CSV", () => {
  it("reads quoted fields, any column order and a byte-order mark, and links comments by number", () => {
    const plan = readCsvExport({
      now,
      tickets: {
        name: "tickets.csv",
        text:
          "\uFEFFSubject,Requester_Email,Description,Number,Organization,Status,Priority,Assignee_Email,Tags,Created_At\n" +
          '"Login fails, again",rita@acme.example,"Line one\nline two, with ""quotes""",7001,Acme,pending,urgent,ann@desk.example,"vip billing",2025-05-01T08:00:00Z\n' +
          "Printer,bob@other.example,It jams.,,,,,,,\n",
      },
      comments: {
        name: "comments.csv",
        text:
          "ticket_number,author_email,body,public,created_at\n" +
          "7001,ann@desk.example,Checking the directory.,false,2025-05-01T09:00:00Z\n" +
          "7001,rita@acme.example,Thanks!,,2025-05-01T10:00:00Z\n",
      },
    });
    expect(plan.problems).toEqual([]);
    expect(plan.organizations).toEqual([
      { key: "acme", name: "Acme", domains: [], plan: "cloud", notes: "" },
    ]);
    expect(plan.people.map((p) => [p.email, p.role, p.organizationKey])).toEqual([
      ["rita@acme.example", "customer", "acme"],
      ["ann@desk.example", "agent", null],
      ["bob@other.example", "customer", null],
    ]);
    const [login, printer] = plan.tickets;
    expect(login).toMatchObject({
      number: 7001,
      subject: "Login fails, again",
      status: "pending",
      severity: "sev1",
      tags: ["billing", "vip"],
      createdAt: "2025-05-01T08:00:00.000Z",
    });
    expect(login?.comments.map((c) => [c.authorKey, c.visibility, c.text])).toEqual([
      ["rita@acme.example", "public", 'Line one\nline two, with "quotes"'],
      ["ann@desk.example", "internal", "Checking the directory."],
      ["rita@acme.example", "public", "Thanks!"],
    ]);
    // Missing optional columns take their defaults: a new number, open, Sev 2, dated now.
    expect(printer).toMatchObject({ number: null, status: "open", severity: "sev2", createdAt: now });
    expect(checkImportPlan(plan)).toEqual([]);
  });

  it("names the row and column of each problem instead of importing half a file", () => {
    const plan = readCsvExport({
      now,
      tickets: {
        name: "tickets.csv",
        text:
          "subject,description,requester_email,status,created_at,number\n" +
          "A,a,not-an-address,open,,\n" +
          "B,b,b@x.example,archived,,\n" +
          "C,c,c@x.example,open,31/12/2025,\n" +
          "D,d,d@x.example,open,,-4\n",
      },
      comments: { name: "comments.csv", text: "ticket_number,author_email,body\n999,c@x.example,hello\n" },
    });
    expect(plan.problems).toEqual([
      { where: "tickets.csv row 1", message: '"not-an-address" is not an email address' },
      {
        where: "tickets.csv row 2",
        message: 'status "archived" is not one of new, open, pending, solved, closed',
      },
      { where: "tickets.csv row 3", message: "has a date that is not ISO 8601" },
      { where: "tickets.csv row 4", message: 'number "-4" is not a positive whole number' },
      {
        where: "comments.csv row 1",
        message: "names no ticket in the tickets file (ticket_number or ticket_row)",
      },
    ]);
  });

  it("reports a malformed file (a row with more fields than the header) without throwing", () => {
    const plan = readCsvExport({
      now,
      tickets: { name: "tickets.csv", text: "subject,description,requester_email\nA,a,a@x.example,extra\n" },
    });
    expect(plan.tickets).toEqual([]);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]?.where).toBe("tickets.csv");
  });
});
