import { describe, expect, it } from "vitest";
import { bounceSummary, readDeliveryReport } from "./delivery-report.js";

const part = (contentType: string, text: string) => ({ contentType, content: Buffer.from(text) });

const status = part(
  "message/delivery-status",
  [
    "Reporting-MTA: dns; mx.example",
    "Arrival-Date: Mon, 23 Nov 2026 12:00:00 +0000",
    "",
    "Final-Recipient: rfc822; happy@x.example",
    "Action: delivered",
    "Status: 2.0.0",
    "",
    "Final-Recipient: rfc822; gone@x.example",
    "Action: failed",
    "Status: 5.1.1 (mailbox unknown)",
    "Diagnostic-Code: smtp; 550 5.1.1 <gone@x.example>:",
    "    Recipient address rejected",
  ].join("\r\n"),
);

describe("readDeliveryReport", () => {
  it("reads the failed recipient, its status and the folded diagnostic", () => {
    const report = readDeliveryReport(
      [
        status,
        part("text/rfc822-headers", "From: support@tend.test\r\nMessage-ID:\r\n <ours-1@tend.test>\r\n"),
      ],
      [],
    );
    expect(report).toEqual({
      originalMessageIds: ["<ours-1@tend.test>"],
      recipient: "gone@x.example",
      status: "5.1.1",
      diagnostic: "550 5.1.1 <gone@x.example>: Recipient address rejected",
    });
    expect(bounceSummary(report)).toBe(
      "Bounced: to gone@x.example, status 5.1.1, 550 5.1.1 <gone@x.example>: Recipient address rejected",
    );
  });

  it("reads the original's Message-ID from its headers, not from its body, then the references", () => {
    const original = part(
      "message/rfc822",
      "Message-ID: <ours-2@tend.test>\r\n\r\nMessage-ID: <in-body@x>\r\n",
    );
    expect(readDeliveryReport([original], ["<ref@tend.test>"]).originalMessageIds).toEqual([
      "<ours-2@tend.test>",
      "<ref@tend.test>",
    ]);
  });

  it("says what it can when the report has no status part", () => {
    const report = readDeliveryReport([], ["<ref@tend.test>"]);
    expect(report).toEqual({
      originalMessageIds: ["<ref@tend.test>"],
      recipient: null,
      status: null,
      diagnostic: null,
    });
    expect(bounceSummary(report)).toBe("Bounced");
  });
});
