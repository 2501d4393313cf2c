/** What Tend takes from an OpenID provider's claims about a person, and the rules that need no database. */

export interface ProviderIdentity {
  /** `iss` + `sub`: the provider's stable name for the person. */
  issuer: string;
  subject: string;
  /** Lower-case, and verified by the provider. */
  email: string;
  name: string;
}

export type ClaimsVerdict =
  | { accepted: true; identity: ProviderIdentity }
  | { accepted: false; reason: string };

const longestName = 200;

/**
 * An unverified email proves nothing: anyone may type any address into many providers' sign-up
 * forms, so matching or provisioning on it would hand them that address's account. Only the JSON
 * boolean `true` counts, as OpenID Connect Core §5.1 defines it.
 */
export function identityFromClaims(claims: Record<string, unknown>): ClaimsVerdict {
  const { iss, sub, email, email_verified: emailVerified } = claims;
  if (typeof iss !== "string" || typeof sub !== "string" || iss === "" || sub === "") {
    return { accepted: false, reason: "the provider named no issuer or subject" };
  }
  if (typeof email !== "string" || !/^[^\s@]+@[^\s@]+$/.test(email.trim()) || email.length > 254) {
    return { accepted: false, reason: "the provider sent no usable email" };
  }
  if (emailVerified !== true) return { accepted: false, reason: "the provider has not verified the email" };
  const address = email.trim().toLowerCase();
  return {
    accepted: true,
    identity: { issuer: iss, subject: sub, email: address, name: nameFrom(claims, address) },
  };
}

function nameFrom(claims: Record<string, unknown>, email: string): string {
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const name =
    text(claims.name) ||
    [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ") ||
    text(claims.preferred_username) ||
    email.slice(0, email.indexOf("@"));
  return name.slice(0, longestName);
}

/** Exact domains only: `example.com` does not admit `evil.example.com`'s self-service mailboxes. */
export function emailDomainAllowed(email: string, allowedDomains: readonly string[] | null): boolean {
  if (allowedDomains === null) return true;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return allowedDomains.includes(domain);
}
