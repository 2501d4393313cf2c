import { describe, expect, it } from "vitest";
import { imapEnvelope } from "./imap-envelope.js";

describe("the envelope of a message read from a mailbox", () => {
  it("takes MAIL FROM from Return-Path and the recipients from Delivered-To and X-Original-To", () => {
    const headers = [
      "Return-Path: <Alice@Customer.example>",
      "Delivered-To: support+1042@tend.test",
      "X-Original-To:",
      " <support@tend.test>",
      "From: Alice <alice@customer.example>",
      "",
    ].join("\r\n");
    expect(imapEnvelope(headers, "alice@customer.example")).toEqual({
      mailFrom: "alice@customer.example",
      rcptTo: ["support+1042@tend.test", "support@tend.test"],
    });
  });

  it("keeps a bounce's null sender and falls back to From when Return-Path is absent", () => {
    expect(imapEnvelope("Return-Path: <>\r\n", "mailer-daemon@relay.example").mailFrom).toBeNull();
    expect(imapEnvelope("Subject: hi\r\n", "Bob@Example.com")).toEqual({
      mailFrom: "bob@example.com",
      rcptTo: [],
    });
    expect(imapEnvelope("Subject: hi\r\n", null).mailFrom).toBeNull();
  });
});
