import { describe, expect, it } from "vitest";
import { staffNoticeFor, staffNoticeMail } from "./staff-notices.js";

describe("whom a ticket change tells", () => {
  it("tells the assignee of an assignment, unless they took it themselves", () => {
    expect(staffNoticeFor({ kind: "assigned", assigneeId: "ana", byPersonId: "lead" })).toEqual({
      personId: "ana",
      kind: "assigned",
    });
    expect(staffNoticeFor({ kind: "assigned", assigneeId: "ana", byPersonId: null })).toEqual({
      personId: "ana",
      kind: "assigned",
    });
    expect(staffNoticeFor({ kind: "assigned", assigneeId: "ana", byPersonId: "ana" })).toBeNull();
  });

  it("tells the assignee of a customer's public reply, and of nothing staff write", () => {
    const reply = { kind: "commented", assigneeId: "ana", authorId: "cus", authorIsStaff: false } as const;
    expect(staffNoticeFor({ ...reply, visibility: "public" })).toEqual({
      personId: "ana",
      kind: "customer_replied",
    });
    expect(staffNoticeFor({ ...reply, visibility: "internal" })).toBeNull();
    expect(staffNoticeFor({ ...reply, visibility: "public", authorIsStaff: true })).toBeNull();
    expect(staffNoticeFor({ ...reply, visibility: "public", assigneeId: null })).toBeNull();
    expect(staffNoticeFor({ ...reply, visibility: "public", authorId: "ana" })).toBeNull();
  });
});

describe("the notice by mail", () => {
  it("quotes a long reply only in part, and escapes what it quotes in the HTML", () => {
    const mail = staffNoticeMail({
      kind: "customer_replied",
      ticket: { number: 42, subject: "Exports <fail>" },
      actorName: "Nora Lee",
      replyText: `<script>alert(1)</script>${"x".repeat(3000)}`,
      ticketLink: "https://help.example/tickets/42",
    });
    expect(mail.subject).toBe("[#42] Nora Lee replied: Exports <fail>");
    expect(mail.text).toContain("x".repeat(1900));
    expect(mail.text).not.toContain("x".repeat(2001));
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("Exports &lt;fail&gt;");
  });
});
