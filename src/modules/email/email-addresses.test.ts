import { describe, expect, it } from "vitest";
import {
  isMailSystemAddress,
  plusAddress,
  supportRecipient,
  taggedSubject,
  ticketNumberInSubject,
} from "./email-addresses.js";

const support = ["support@tend.example", "help@other.example"];

describe("support recipients", () => {
  it("accepts the support addresses in any case", () => {
    expect(supportRecipient("Support@Tend.Example", support)).toEqual({
      address: "support@tend.example",
      ticketNumber: null,
    });
    expect(supportRecipient("help@other.example", support)?.address).toBe("help@other.example");
  });

  it("reads the ticket number of a plus-address", () => {
    expect(supportRecipient("support+1042@tend.example", support)).toEqual({
      address: "support@tend.example",
      ticketNumber: 1042,
    });
  });

  it("takes an unknown plus detail as the plain support address", () => {
    expect(supportRecipient("support+billing@tend.example", support)).toEqual({
      address: "support@tend.example",
      ticketNumber: null,
    });
    expect(supportRecipient("support+0042@tend.example", support)?.ticketNumber).toBeNull();
  });

  it("refuses every other address", () => {
    expect(supportRecipient("sales@tend.example", support)).toBeNull();
    expect(supportRecipient("support@tend.example.evil", support)).toBeNull();
    expect(supportRecipient("support+1@elsewhere.example", support)).toBeNull();
    expect(supportRecipient("not-an-address", support)).toBeNull();
  });

  it("builds the plus-address a reply should go to", () => {
    expect(plusAddress("support@tend.example", 1042)).toBe("support+1042@tend.example");
  });
});

describe("subject tags", () => {
  it("finds the first [#number] tag", () => {
    expect(ticketNumberInSubject("Re: Login broken [#1042]")).toBe(1042);
    expect(ticketNumberInSubject("[#7] and [#8]")).toBe(7);
    expect(ticketNumberInSubject("Order #1042 is late")).toBeNull();
    expect(ticketNumberInSubject("[#0]")).toBeNull();
  });

  it("tags a subject once and keeps it on one line", () => {
    expect(taggedSubject("Login broken", 1042)).toBe("Login broken [#1042]");
    expect(taggedSubject("Re: Login broken [#1042]", 1042)).toBe("Re: Login broken [#1042]");
    expect(taggedSubject("Hi\r\nBcc: victim@example.com", 5)).toBe("Hi Bcc: victim@example.com [#5]");
  });
});

describe("mail system addresses", () => {
  it("recognizes mailer-daemon and postmaster", () => {
    expect(isMailSystemAddress("MAILER-DAEMON@mx.example")).toBe(true);
    expect(isMailSystemAddress("postmaster@mx.example")).toBe(true);
    expect(isMailSystemAddress("anna@mx.example")).toBe(false);
  });
});
