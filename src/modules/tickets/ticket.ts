import { ValidationError } from "../../errors.js";
import type { TicketStatus } from "./ticket-status.js";

export const ticketChannels = ["email", "chat", "portal", "api", "phone"] as const;
export type TicketChannel = (typeof ticketChannels)[number];
export const severities = ["sev1", "sev2"] as const;
export type Severity = (typeof severities)[number];
export const categories = ["availability", "provisioning", "other"] as const;
export type Category = (typeof categories)[number];
export const visibilities = ["public", "internal"] as const;
export type Visibility = (typeof visibilities)[number];

export type { TicketStatus };

const tagPattern = /^[a-z0-9][a-z0-9_\-:.]{0,63}$/;

/** Tags are lower-case words (like Zendesk's): no spaces, so they read the same in filters and URLs. */
export function normalizeTags(tags: string[], field = "tags"): string[] {
  const normalized = tags.map((t) => t.trim().toLowerCase());
  normalized.forEach((tag, index) => {
    if (!tagPattern.test(tag)) {
      throw ValidationError.field(
        `${field}/${index}`,
        `"${tag}" is not a tag (letters, digits, _ - : . ; at most 64)`,
      );
    }
  });
  return [...new Set(normalized)].sort();
}
