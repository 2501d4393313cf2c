import type { MaintenanceView } from "../../../src/modules/status/maintenance-presenter.js";
import type { ProblemDetails } from "../api.js";

export type { MaintenanceView };

export interface MaintenancePolicyView {
  allowedWeekdays: number[];
  minimumNoticeMinutes: number;
  maximumDurationMinutes: number;
  timeZone: string;
  updatedAt: string | null;
}

export const weekdayNames: Record<string, string> = {
  "1": "Monday",
  "2": "Tuesday",
  "3": "Wednesday",
  "4": "Thursday",
  "5": "Friday",
  "6": "Saturday",
  "7": "Sunday",
};

export const maintenanceStateNames: Record<MaintenanceView["state"], string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const ruleNames: Record<"weekday" | "notice" | "duration", string> = {
  weekday: "allowed weekdays",
  notice: "notice",
  duration: "maximum length",
};

function minutesText(minutes: number): string {
  // Up to two days people say hours ("24 h notice"); beyond, days.
  if (minutes % (24 * 60) === 0 && minutes > 48 * 60) return `${minutes / (24 * 60)} d`;
  if (minutes % 60 === 0 && minutes > 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** The policy as one sentence, e.g. "Tuesday, Wednesday and Thursday (UTC), 24 h notice, at most 2 h". */
export function policyText(policy: MaintenancePolicyView): string {
  const days = [...policy.allowedWeekdays].sort().map((day) => weekdayNames[String(day)]);
  const dayList = days.length > 1 ? `${days.slice(0, -1).join(", ")} and ${days.at(-1)}` : (days[0] ?? "");
  return `Maintenance runs on ${dayList} (${policy.timeZone}), announced at least ${minutesText(policy.minimumNoticeMinutes)} ahead, lasting at most ${minutesText(policy.maximumDurationMinutes)}.`;
}

/** The policy form: numbers as text, hours for the notice and length since that is how people think of them. */
export interface PolicyDraft {
  allowedWeekdays: string[];
  noticeHours: string;
  maximumHours: string;
  timeZone: string;
}

export const draftOfPolicy = (policy: MaintenancePolicyView): PolicyDraft => ({
  allowedWeekdays: policy.allowedWeekdays.map(String),
  noticeHours: String(policy.minimumNoticeMinutes / 60),
  maximumHours: String(policy.maximumDurationMinutes / 60),
  timeZone: policy.timeZone,
});

export const policyFields = [
  "allowedWeekdays",
  "minimumNoticeMinutes",
  "maximumDurationMinutes",
  "timeZone",
] as const;

/** Hours as typed → whole minutes; what is not a number goes as NaN→null so the API refuses it by field. */
const minutesOfHours = (typed: string) => {
  const hours = Number(typed.trim().replace(",", "."));
  return typed.trim() === "" || !Number.isFinite(hours) ? null : Math.round(hours * 60);
};

export function policyBodyOfDraft(draft: PolicyDraft) {
  return {
    allowedWeekdays: draft.allowedWeekdays.map(Number).sort(),
    minimumNoticeMinutes: minutesOfHours(draft.noticeHours),
    maximumDurationMinutes: minutesOfHours(draft.maximumHours),
    timeZone: draft.timeZone.trim(),
  };
}

/** `2026-12-08T10:00` (a datetime-local input, the browser's zone) → ISO in UTC; "" stays "" for the API to refuse. */
export function isoOfLocalInput(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return local;
  const instant = new Date(local);
  return Number.isNaN(instant.getTime()) ? local : instant.toISOString();
}

/** ISO → the datetime-local input's value, in the browser's zone, on the minute. */
export function localInputOfIso(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The browser's zone, said beside the inputs so nobody guesses which clock they are typing in. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export interface MaintenanceDraft {
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  componentIds: string[];
  overrideReason: string;
}

export const blankMaintenanceDraft = (): MaintenanceDraft => ({
  title: "",
  description: "",
  startsAt: "",
  endsAt: "",
  componentIds: [],
  overrideReason: "",
});

export const draftOfMaintenance = (window: MaintenanceView): MaintenanceDraft => ({
  title: window.title,
  description: window.description,
  startsAt: localInputOfIso(window.startsAt),
  endsAt: localInputOfIso(window.endsAt),
  componentIds: [...window.componentIds],
  overrideReason: "",
});

export const maintenanceFields = [
  "title",
  "description",
  "startsAt",
  "endsAt",
  "componentIds",
  "override",
] as const;

export function maintenanceBodyOfDraft(draft: MaintenanceDraft, override: boolean) {
  return {
    title: draft.title.trim(),
    description: draft.description,
    startsAt: isoOfLocalInput(draft.startsAt),
    endsAt: isoOfLocalInput(draft.endsAt),
    componentIds: draft.componentIds,
    ...(override ? { override: { reason: draft.overrideReason } } : {}),
  };
}

/** The rules a 422 policy refusal names, each with its sentence; null for any other refusal. */
export function policyRefusal(
  problem: ProblemDetails,
): Array<{ rule: string; ruleName: string; message: string }> | null {
  if (problem.status !== 422 || !problem.type.endsWith("maintenancepolicybreach")) return null;
  return (problem.errors ?? []).map((error) => {
    const rule = (error as { rule?: string }).rule ?? "";
    return { rule, ruleName: ruleNames[rule as keyof typeof ruleNames] ?? rule, message: error.message };
  });
}

/** An override in words for staff: which rules were set aside, and why. */
export function overrideText(override: NonNullable<MaintenanceView["override"]>): string {
  const rules = override.rules.map((rule) => ruleNames[rule]).join(", ");
  return `Overrides the policy (${rules}): ${override.reason}`;
}
