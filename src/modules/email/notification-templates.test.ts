import { describe, expect, it } from "vitest";
import { escapeHtml, ticketLink, ticketMail, unlockLink, unlockMail } from "./notification-templates.js";

const hostile = "<img src=x onerror=alert(1)>";

describe("ticket mail", () => {
  it("carries the comment, the subject tag and the portal link in text and HTML", () => {
    const link = ticketLink("https://help.example.com/", "customer", 1042);
    expect(link).toBe("https://help.example.com/portal/tickets/1042");
    const mail = ticketMail({
      kind: "reply",
      ticket: { number: 1042, subject: "Re: re: Printer offline" },
      comment: { text: "We restarted it.", html: "<p>We restarted it.</p>" },
      link,
    });
    expect(mail.subject).toBe("Re: Printer offline [#1042]");
    expect(mail.text).toContain("We restarted it.");
    expect(mail.text).toContain(link);
    expect(mail.html).toContain("<p>We restarted it.</p>");
    expect(mail.html).toContain(`<a href="${link}">`);
  });

  it("escapes the ticket subject in the HTML and keeps it out of the body as markup", () => {
    const mail = ticketMail({
      kind: "acknowledgement",
      ticket: { number: 7, subject: hostile },
      comment: { text: "Thanks", html: "<p>Thanks</p>" },
      link: ticketLink("https://help.example.com", "customer", 7),
    });
    expect(mail.subject).toBe(`Re: ${hostile} [#7]`);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(mail.text).toContain("opened ticket #7");
  });

  it("keeps the subject on one line", () => {
    const mail = ticketMail({
      kind: "reply",
      ticket: { number: 8, subject: "Hi\r\nBcc: victim@example.com" },
      comment: { text: "x", html: "<p>x</p>" },
      link: "https://help.example.com/portal/tickets/8",
    });
    expect(mail.subject).toBe("Re: Hi Bcc: victim@example.com [#8]");
  });

  it("links agents to the workspace", () => {
    expect(ticketLink("https://help.example.com", "agent", 3)).toBe("https://help.example.com/tickets/3");
  });
});

describe("unlock mail", () => {
  it("carries the single-use link and when it expires, with the name escaped", () => {
    const link = unlockLink("https://help.example.com", "abc_-123");
    expect(link).toBe("https://help.example.com/unlock?token=abc_-123");
    const mail = unlockMail({ name: hostile, link, expiresAt: new Date("2026-11-23T17:00:00Z") });
    expect(mail.text).toContain(link);
    expect(mail.text).toContain("2026-11-23T17:00:00.000Z");
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).not.toContain("<img");
  });
});

describe("escapeHtml", () => {
  it("escapes every character that could open markup or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
