import { ValidationError } from "../../errors.js";

export const plans = ["self_hosted", "managed", "cloud", "custom"] as const;
export type Plan = (typeof plans)[number];
export const stages = ["pre_sales", "customer"] as const;
export type Stage = (typeof stages)[number];
/** Which tickets an organization's customers see: all of the organization's, or only their own. */
export const customerTicketVisibilities = ["organization", "requester"] as const;
export type CustomerTicketVisibility = (typeof customerTicketVisibilities)[number];

const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Lower-cases, de-duplicates and checks email domains; a bad one is named in the error. */
export function normalizeDomains(domains: string[], field = "domains"): string[] {
  const normalized = domains.map((d) => d.trim().toLowerCase());
  normalized.forEach((domain, index) => {
    if (!domainPattern.test(domain))
      throw ValidationError.field(`${field}/${index}`, `"${domain}" is not a domain`);
  });
  return [...new Set(normalized)].sort();
}

export function domainOfEmail(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}
