import { describe, expect, it } from "vitest";
import { emailDomainAllowed, identityFromClaims } from "./single-sign-on-claims.js";

const base = { iss: "https://id.example", sub: "248289761001" };

describe("identity from an OpenID provider's claims", () => {
  it("takes the issuer, subject, lower-cased verified email and name", () => {
    expect(
      identityFromClaims({
        ...base,
        email: " Jane.Doe@Example.GOV ",
        email_verified: true,
        name: "Jane Doe",
      }),
    ).toEqual({
      accepted: true,
      identity: { issuer: base.iss, subject: base.sub, email: "jane.doe@example.gov", name: "Jane Doe" },
    });
  });

  it("refuses an email the provider has not verified, including look-alikes of true", () => {
    for (const emailVerified of [false, undefined, "true", 1]) {
      expect(identityFromClaims({ ...base, email: "a@example.gov", email_verified: emailVerified })).toEqual({
        accepted: false,
        reason: "the provider has not verified the email",
      });
    }
  });

  it("refuses claims without a subject or a usable email", () => {
    expect(identityFromClaims({ iss: base.iss, email: "a@example.gov", email_verified: true }).accepted).toBe(
      false,
    );
    expect(identityFromClaims({ ...base, email: "not an address", email_verified: true }).accepted).toBe(
      false,
    );
    expect(identityFromClaims({ ...base, email_verified: true }).accepted).toBe(false);
  });

  it("names a person from given and family names, else the email's local part", () => {
    const named = (claims: Record<string, unknown>) => {
      const verdict = identityFromClaims({
        ...base,
        email: "jdoe@example.gov",
        email_verified: true,
        ...claims,
      });
      return verdict.accepted ? verdict.identity.name : null;
    };
    expect(named({ given_name: "Jane", family_name: "Doe" })).toBe("Jane Doe");
    expect(named({ name: "   " })).toBe("jdoe");
    expect(named({ name: "x".repeat(500) })).toHaveLength(200);
  });
});

describe("domains allowed to be provisioned", () => {
  it("admits any domain when none are listed, else exact domains only", () => {
    expect(emailDomainAllowed("a@anywhere.example", null)).toBe(true);
    expect(emailDomainAllowed("a@Agency.GOV", ["agency.gov"])).toBe(true);
    expect(emailDomainAllowed("a@evil.agency.gov", ["agency.gov"])).toBe(false);
    expect(emailDomainAllowed("a@agency.gov.evil.example", ["agency.gov"])).toBe(false);
  });
});
