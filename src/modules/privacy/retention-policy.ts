import { ValidationError } from "../../errors.js";

export const retentionActions = ["delete", "anonymize"] as const;
export type RetentionAction = (typeof retentionActions)[number];

/** How long closed tickets are kept. `closedTicketMonths` null keeps them for ever. */
export interface RetentionPolicy {
  closedTicketMonths: number | null;
  action: RetentionAction;
}

/** Ten years: longer is "for ever", which null already says. */
export const maxRetentionMonths = 120;

export function checkRetentionPolicy(policy: RetentionPolicy): RetentionPolicy {
  const months = policy.closedTicketMonths;
  if (months !== null && (!Number.isInteger(months) || months < 1 || months > maxRetentionMonths)) {
    throw ValidationError.field(
      "closedTicketMonths",
      `must be a whole number of months from 1 to ${maxRetentionMonths}, or null to keep closed tickets`,
    );
  }
  return policy;
}

/** Ten years of raw mail: longer is "for ever", which null already says. */
export const maxRawEmailDays = 3650;

/** Days raw inbound mail is kept once handled (the desk's setting); null keeps it for ever. */
export function checkRawEmailDays(days: number | null): number | null {
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > maxRawEmailDays)) {
    throw ValidationError.field(
      "rawEmailDays",
      `must be a whole number of days from 1 to ${maxRawEmailDays}, or null to keep raw mail`,
    );
  }
  return days;
}

/**
 * The instant `months` calendar months before `now` (UTC): tickets closed before it are due. A day
 * that does not exist in the target month (31 March minus one month) falls to that month's last day,
 * so nothing closed more recently than the policy's months is ever due.
 */
export function closedBefore(now: Date, months: number): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}
