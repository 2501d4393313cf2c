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

// Outlook 2016 and later (desktop, on the web, the new Outlook): the text/plain part of a forward.
// The signature line and the 32 underscores are as Outlook writes them; the French version puts a
// no-break space before each colon.
const outlookNew = `Hi team, can someone pick this up? It came to my inbox.

Thanks,
Alex

Get Outlook for iOS<https://aka.ms/o0ukef>
________________________________
From: Priya Natarajan <Priya.Natarajan@contoso.example>
Sent: Monday, November 23, 2026 9:14 AM
To: Alex Agent <alex@desk.example>
Cc: it-ops@contoso.example <it-ops@contoso.example>
Subject: Invoices export is broken

Hi Alex,

The export button does nothing since yesterday's update.

Best regards,
Priya
`;

const outlookGerman = `Bitte übernehmen.

________________________________
Von: Müller, Jürgen <juergen.mueller@kunde.example>
Gesendet: Montag, 23. November 2026 09:14
An: Alex Agent <alex@desk.example>
Betreff: Drucker im 3. Stock druckt nicht

Hallo Alex,

der Drucker im 3. Stock zeigt „Offline“.

Grüße
Jürgen
`;

const outlookFrench = `Pour le support.

________________________________
De\u00a0: Camille Durand <camille.durand@client.example>
Envoyé\u00a0: lundi 23 novembre 2026 09:14
À\u00a0: Alex Agent <alex@desk.example>
Objet\u00a0: Accès VPN impossible

Bonjour,

Le VPN refuse ma connexion depuis ce matin.
`;

const outlookSpanish = `________________________________
De: Lucía Fernández <lucia@cliente.example>
Enviado: lunes, 23 de noviembre de 2026 9:14
Para: Alex Agent <alex@desk.example>
Asunto: No puedo iniciar sesión

La página de inicio de sesión no carga.
`;

const outlookClassicGerman = `-----Ursprüngliche Nachricht-----
Von: Jürgen Müller [mailto:juergen.mueller@kunde.example]
Gesendet: Montag, 23. November 2026 09:14
An: alex@desk.example
Betreff: Rechnung fehlt

Die Rechnung für Oktober fehlt.
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

  it("reads the new Outlook forward: a rule of underscores, then From/Sent/To/Cc/Subject", () => {
    expect(findInlineForward(outlookNew)).toEqual({
      from: { address: "priya.natarajan@contoso.example", name: "Priya Natarajan" },
      subject: "Invoices export is broken",
      text: "Hi Alex,\n\nThe export button does nothing since yesterday's update.\n\nBest regards,\nPriya",
    });
  });

  it.each([
    [
      "German (Von/Gesendet/An/Betreff)",
      outlookGerman,
      { address: "juergen.mueller@kunde.example", name: "Müller, Jürgen" },
      "Drucker im 3. Stock druckt nicht",
    ],
    [
      "French (De/Envoyé/À/Objet, a space before the colon)",
      outlookFrench,
      { address: "camille.durand@client.example", name: "Camille Durand" },
      "Accès VPN impossible",
    ],
    [
      "Spanish (De/Enviado/Para/Asunto)",
      outlookSpanish,
      { address: "lucia@cliente.example", name: "Lucía Fernández" },
      "No puedo iniciar sesión",
    ],
    [
      "classic German (Ursprüngliche Nachricht)",
      outlookClassicGerman,
      { address: "juergen.mueller@kunde.example", name: "Jürgen Müller" },
      "Rechnung fehlt",
    ],
  ])("reads a localized Outlook forward: %s", (_language, text, from, subject) => {
    expect(findInlineForward(text)).toMatchObject({ from, subject });
  });

  it("passes over a rule of underscores with no sender under it to the forward below", () => {
    const signed = `Please handle.

Alex Agent | Support lead
________________________________
This message may contain confidential information.

${outlookNew.slice(outlookNew.indexOf("________"))}`;
    expect(findInlineForward(signed)?.from.address).toBe("priya.natarajan@contoso.example");
    expect(findInlineForward("Thanks!\n________________________\nACME Corp, 1 Main St\n")).toBeNull();
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
    ["Doorst: Factuur ontbreekt", "Factuur ontbreekt"],
    ["Printer offline", "Printer offline"],
  ])("%s → %s", (subject, expected) => {
    expect(withoutForwardPrefix(subject)).toBe(expected);
  });
});
