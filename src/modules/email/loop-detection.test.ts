import { describe, expect, it } from "vitest";
import { type NoiseSignals, noiseReason } from "./loop-detection.js";

const support = ["support@tend.example"];
const person: NoiseSignals = {
  from: "anna@customer.example",
  autoSubmitted: null,
  precedence: null,
  xAutoreply: null,
  xAutorespond: null,
  contentType: "text/plain",
  reportType: null,
  nullSender: false,
};

describe("mail loops and noise", () => {
  it("lets a person's message through", () => {
    expect(noiseReason(person, support)).toBeNull();
    expect(noiseReason({ ...person, autoSubmitted: "no" }, support)).toBeNull();
    expect(noiseReason({ ...person, precedence: "first-class" }, support)).toBeNull();
    expect(
      noiseReason(
        { ...person, contentType: "multipart/report", reportType: "disposition-notification" },
        support,
      ),
    ).toBeNull();
  });

  it("ignores automatic replies however they announce themselves", () => {
    expect(noiseReason({ ...person, autoSubmitted: "auto-replied" }, support)).toMatch(/Auto-Submitted/);
    expect(noiseReason({ ...person, autoSubmitted: "auto-generated; owner-email=x@y" }, support)).toMatch(
      /Auto-Submitted/,
    );
    expect(noiseReason({ ...person, xAutoreply: "yes" }, support)).toMatch(/X-Autoreply/);
    expect(noiseReason({ ...person, xAutorespond: "1" }, support)).toMatch(/X-Autorespond/);
    for (const precedence of ["bulk", "junk", "list", "auto_reply", "Bulk"]) {
      expect(noiseReason({ ...person, precedence }, support)).toMatch(/Precedence/);
    }
  });

  it("ignores bounces", () => {
    expect(
      noiseReason({ ...person, contentType: "multipart/report", reportType: "delivery-status" }, support),
    ).toMatch(/bounce/);
    expect(noiseReason({ ...person, from: "MAILER-DAEMON@mx.example" }, support)).toMatch(/mail system/);
    expect(noiseReason({ ...person, from: "postmaster@mx.example" }, support)).toMatch(/mail system/);
    expect(noiseReason({ ...person, nullSender: true }, support)).toMatch(/null sender/);
  });

  it("ignores mail from our own support addresses, plus-addresses included", () => {
    expect(noiseReason({ ...person, from: "support@tend.example" }, support)).toMatch(/own support/);
    expect(noiseReason({ ...person, from: "support+1042@tend.example" }, support)).toMatch(/own support/);
  });
});
