import type { TicketView } from "../api.js";

/** What a customer reads for the API's values: plain words, never the desk's codes. */
export const severityChoices: { value: TicketView["severity"]; label: string; explanation: string }[] = [
  {
    value: "sev1",
    label: "Urgent: we are stopped",
    explanation:
      "Your production service is down or so impaired that people cannot work, and there is no workaround.",
  },
  {
    value: "sev2",
    label: "Normal",
    explanation:
      "Something is wrong, slow or unclear, or you have a question, but you can keep working meanwhile.",
  },
];

export const categoryChoices: { value: TicketView["category"]; label: string }[] = [
  { value: "availability", label: "Platform availability" },
  { value: "provisioning", label: "Provisioning" },
  { value: "other", label: "Something else" },
];

/** When a message was written or a request changed, in the reader's locale and zone. */
export const shortDateTime: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };

export const statusWords: Record<TicketView["status"], string> = {
  new: "Received",
  open: "Open",
  pending: "Waiting for your answer",
  solved: "Solved",
  closed: "Closed",
};

/**
 * "Tuesday 11:00" in the reader's own time zone, with the date once it is not within the coming
 * week (a weekday alone would be ambiguous), and "today" / "tomorrow" where those read better.
 */
export function formatAnswerBy(answerBy: Date, now: Date, timeZone?: string): string {
  const zone = timeZone ? { timeZone } : {};
  const time = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    ...zone,
  }).format(answerBy);
  const dayKey = new Intl.DateTimeFormat("en-CA", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...zone,
  });
  const days = Math.round(
    (Date.parse(dayKey.format(answerBy)) - Date.parse(dayKey.format(now))) / (24 * 60 * 60 * 1000),
  );
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "long", ...zone }).format(answerBy);
  if (days < 7) return `${weekday} ${time}`;
  const date = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", ...zone }).format(answerBy);
  return `${weekday} ${date}, ${time}`;
}
