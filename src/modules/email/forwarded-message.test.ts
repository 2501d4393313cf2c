import { describe, expect, it } from "vitest";
import { findInlineForward, parseForwardedFrom, withoutForwardPrefix } from "./forwarded-message.js";

// Written for these tests after the text each client produces when forwarding inline.
const gmail = `FYI, this came to my inbox. Can someone take it?

---------- Forwarded message ---------
From: Dana Rivera <dana@customer.example>
Date: Mon, Nov 23, 2026 at 9:14 AM
Subject: Invoices export is broken
To: Alex Agent <alex@desk.example>


Hi Alex,

The export button does nothing since yesterday.

Dana
`;

const outlook = `Forwarding for the support queue.

-----Original Message-----
From: Lee, Morgan [mailto:Morgan.Lee@Customer.example]
Sent: Monday, November 23, 2026 9:14 AM
To: Alex Agent <alex@desk.example>
Cc: ops@customer.example
Subject: RE: VPN drops every hour

The VPN still drops every hour.
`;

const appleMail = `Sent from my iPhone

Begin forwarded message:

> From: "Sam Okafor" <sam@okafor.example>
> Date: 23 November 2026 at 09:14:00 GMT
> To: alex@desk.example
> Subject: Cannot sign in
>
> The sign-in page loops forever.
`;

const thunderbird = `-------- Forwarded Message --------
Subject: Printer offline
Date: Mon, 23 Nov 2026 09:14:00 +0100
From: kim@printers.example
To: alex@desk.example

The printer on floor 3 is offline.
`;

describe("findInlineForward", () => {
  it("reads a Gmail forward", () => {
    expect(findInlineForward(gmail)).toEqual({
      from: { address: "dana@customer.example", name: "Dana Rivera" },
      subject: "Invoices export is broken",
      text: "Hi Alex,\n\nThe export button does nothing since yesterday.\n\nDana",
    });
  });

  it("reads an Outlook forward with a [mailto:] address", () => {
    expect(findInlineForward(outlook)).toEqual({
      from: { address: "morgan.lee@customer.example", name: "Lee, Morgan" },
      subject: "RE: VPN drops every hour",
      text: "The VPN still drops every hour.",
    });
  });

  it("reads an Apple Mail forward with quoted headers", () => {
    expect(findInlineForward(appleMail)).toEqual({
      from: { address: "sam@okafor.example", name: "Sam Okafor" },
      subject: "Cannot sign in",
      text: "The sign-in page loops forever.",
    });
  });

  it("reads a Thunderbird forward whose From is a bare address", () => {
    expect(findInlineForward(thunderbird)).toMatchObject({
      from: { address: "kim@printers.example", name: null },
      subject: "Printer offline",
    });
  });

  it("finds nothing in an ordinary message or a marker without a sender", () => {
    expect(findInlineForward("Hello,\n\nThe printer is offline.\n")).toBeNull();
    expect(
      findInlineForward("---------- Forwarded message ---------\nSubject: no sender\n\nText"),
    ).toBeNull();
  });
});

describe("parseForwardedFrom", () => {
  it.each([
    ["Dana <dana@x.example>", { address: "dana@x.example", name: "Dana" }],
    ['"Doe, Jo" <JO@X.example>', { address: "jo@x.example", name: "Doe, Jo" }],
    ["jo@x.example", { address: "jo@x.example", name: null }],
    ["Jo Doe [mailto:jo@x.example]", { address: "jo@x.example", name: "Jo Doe" }],
  ])("%s", (value, expected) => {
    expect(parseForwardedFrom(value)).toEqual(expected);
  });
});

describe("withoutForwardPrefix", () => {
  it.each([
    ["Fwd: Printer offline", "Printer offline"],
    ["FW: Fwd: VPN", "VPN"],
    ["WG: Rechnung", "Rechnung"],
    ["Printer offline", "Printer offline"],
  ])("%s → %s", (subject, expected) => {
    expect(withoutForwardPrefix(subject)).toBe(expected);
  });
});
