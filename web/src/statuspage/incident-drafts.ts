import type {
  IncidentImpact,
  IncidentKind,
  IncidentState,
} from "../../../src/modules/status/incident-lifecycle.js";
import type {
  IncidentDetailView,
  IncidentLogEntryView,
  IncidentView,
} from "../../../src/modules/status/incident-presenter.js";
import type {
  FollowUpView,
  RetrospectiveTimelineEntry,
  RetrospectiveView,
} from "../../../src/modules/status/retrospectives.js";

export type {
  FollowUpView,
  IncidentDetailView,
  IncidentImpact,
  IncidentKind,
  IncidentLogEntryView,
  IncidentState,
  IncidentView,
  RetrospectiveTimelineEntry,
  RetrospectiveView,
};

export const incidentStateNames: Record<IncidentState, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

export const impactNames: Record<IncidentImpact, string> = {
  none: "None",
  minor: "Minor",
  major: "Major",
  critical: "Critical",
};

export const incidentKindNames: Record<IncidentKind, string> = {
  incident: "Incident",
  security: "Security incident",
};

/** A fraction as a percentage, rounded down so 0.8999 never reads 90%. */
const percentText = (fraction: number) => `${Math.floor(fraction * 100_000) / 1000}%`;

function windowText(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours)
    ? hours === 1
      ? "hour"
      : `${hours} hours`
    : `${Math.round(ms / 60_000)} minutes`;
}

/**
 * An incident rule in the objectives' words. The rule job stores the rule as JSON
 * (`{"kind":"availability_below","windowMs":3600000,"threshold":0.9}`); anything else is shown as stored.
 */
export function ruleText(stored: unknown): string {
  const rule = typeof stored === "string" ? parseJson(stored) : stored;
  if (rule && typeof rule === "object" && "kind" in rule) {
    const { kind, windowMs, threshold, share } = rule as Record<string, unknown>;
    if (kind === "availability_below" && typeof windowMs === "number" && typeof threshold === "number")
      return `availability under ${percentText(threshold)} over the last ${windowText(windowMs)}`;
    if (kind === "users_affected_above" && typeof share === "number")
      return `more than ${percentText(share)} of users affected`;
  }
  return typeof stored === "string" ? stored : JSON.stringify(stored);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What was measured when the rule fired: `{fired: [{rule, measured}]}` from the rule job, else each figure. */
function figuresText(figures: Record<string, unknown> | null): string {
  if (!figures) return "";
  if (Array.isArray(figures.fired))
    return figures.fired
      .map((entry: { rule?: unknown; measured?: unknown }) =>
        typeof entry.measured === "number"
          ? `measured ${percentText(entry.measured)} against ${ruleText(entry.rule)}`
          : ruleText(entry.rule),
      )
      .join("; ");
  return Object.entries(figures)
    .map(([name, value]) => `${name}: ${typeof value === "number" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/** Who opened an incident, in words: a person by name, or Tend's rule with the figures that fired it. */
export function openedByText(
  incident: Pick<IncidentView, "openedBy" | "firedRule" | "firedFigures">,
): string {
  if (incident.firedRule) {
    const figures = figuresText(incident.firedFigures);
    return `Tend, by the rule “${ruleText(incident.firedRule)}”${figures ? ` (${figures})` : ""}`;
  }
  return incident.openedBy?.name || "Someone no longer on the desk";
}

/** The "Declare incident" form as typed. */
export interface IncidentDraft {
  title: string;
  kind: IncidentKind;
  impact: IncidentImpact;
  componentIds: string[];
  body: string;
}

export const blankIncidentDraft = (): IncidentDraft => ({
  title: "",
  kind: "incident",
  impact: "minor",
  componentIds: [],
  body: "",
});

export const incidentFields = ["title", "kind", "impact", "componentIds", "body"] as const;

export function incidentBodyOfDraft(draft: IncidentDraft) {
  return {
    title: draft.title.trim(),
    kind: draft.kind,
    impact: draft.impact,
    componentIds: draft.componentIds,
    body: draft.body.trim(),
  };
}

/** The composer: a public update (moving state and/or impact) or an internal note. */
export interface ComposerDraft {
  visibility: "public" | "internal";
  /** "same": leave as it is. */
  state: IncidentState | "same";
  impact: IncidentImpact | "same";
  body: string;
}

export const blankComposerDraft = (): ComposerDraft => ({
  visibility: "public",
  state: "same",
  impact: "same",
  body: "",
});

export const composerFields = ["body", "state", "impact"] as const;

/** Where the composer posts and what: a note carries its words only, never a state or impact. */
export function composerRequest(
  draft: ComposerDraft,
  incident: Pick<IncidentView, "id" | "version" | "state" | "impact">,
): { path: string; body: Record<string, unknown> } {
  const body = draft.body.trim();
  if (draft.visibility === "internal")
    return { path: `/status/incidents/${incident.id}/notes`, body: { body } };
  return {
    path: `/status/incidents/${incident.id}/updates`,
    body: {
      version: incident.version,
      body,
      ...(draft.state !== "same" && draft.state !== incident.state ? { state: draft.state } : {}),
      ...(draft.impact !== "same" && draft.impact !== incident.impact ? { impact: draft.impact } : {}),
    },
  };
}

/** Edit details: only what changed is sent, with the version read. */
export interface DetailsDraft {
  title: string;
  impact: IncidentImpact;
  componentIds: string[];
}

export const draftOfIncidentDetails = (incident: IncidentView): DetailsDraft => ({
  title: incident.title,
  impact: incident.impact,
  componentIds: [...incident.componentIds],
});

export const detailsFields = ["title", "impact", "componentIds"] as const;

export function detailsBodyOfDraft(draft: DetailsDraft, incident: IncidentView) {
  const sameComponents =
    draft.componentIds.length === incident.componentIds.length &&
    draft.componentIds.every((id) => incident.componentIds.includes(id));
  return {
    version: incident.version,
    ...(draft.title.trim() !== incident.title ? { title: draft.title.trim() } : {}),
    ...(draft.impact !== incident.impact ? { impact: draft.impact } : {}),
    ...(sameComponents ? {} : { componentIds: draft.componentIds }),
  };
}

/** One day of the log, oldest entry first, each said in words a screen reader hears too. */
export interface TimelineDay {
  day: string;
  entries: Array<IncidentLogEntryView & { label: string; resolvable: boolean }>;
}

/**
 * The log as a timeline grouped by the reader's local day. A recovery suggestion can be acted on
 * ("Resolve") only while the incident is still open and it is the latest suggestion.
 */
export function timelineDays(
  log: readonly IncidentLogEntryView[],
  incidentState: IncidentState,
  dayOf: (iso: string) => string,
): TimelineDay[] {
  const lastSuggestion = [...log].reverse().find((entry) => entry.kind === "recovery_suggestion");
  const days: TimelineDay[] = [];
  for (const entry of [...log].sort((a, b) => a.at.localeCompare(b.at))) {
    const day = dayOf(entry.at);
    if (days.at(-1)?.day !== day) days.push({ day, entries: [] });
    days.at(-1)?.entries.push({
      ...entry,
      label: logEntryLabel(entry),
      resolvable: incidentState !== "resolved" && entry === lastSuggestion,
    });
  }
  return days;
}

export function logEntryLabel(entry: Pick<IncidentLogEntryView, "visibility" | "kind" | "state">): string {
  if (entry.kind === "recovery_suggestion") return "Recovery suggested (internal)";
  const where = entry.visibility === "public" ? "Public update" : "Internal note";
  const opened = entry.kind === "opened" ? ", opening" : "";
  return `${where}${opened} — ${incidentStateNames[entry.state]}`;
}

/** The retrospective as typed; its timeline an editable list. */
export interface RetrospectiveDraft {
  summary: string;
  timeline: Array<{ at: string; body: string; visibility: "public" | "internal" }>;
  contributingFactors: string;
  lessonsLearned: string;
}

export const draftOfRetrospective = (retrospective: RetrospectiveView): RetrospectiveDraft => ({
  summary: retrospective.summary,
  timeline: retrospective.timeline.map((entry) => ({ ...entry })),
  contributingFactors: retrospective.contributingFactors,
  lessonsLearned: retrospective.lessonsLearned,
});

export const retrospectiveFields = ["summary", "timeline", "contributingFactors", "lessonsLearned"] as const;

/** Blank timeline entries are dropped; the rest go in time order, as a reader expects a timeline. */
export function retrospectiveBodyOfDraft(draft: RetrospectiveDraft, version: number) {
  return {
    version,
    summary: draft.summary,
    timeline: draft.timeline
      .filter((entry) => entry.body.trim() !== "")
      .map((entry) => ({ ...entry, body: entry.body.trim() }))
      .sort((a, b) => a.at.localeCompare(b.at)),
    contributingFactors: draft.contributingFactors,
    lessonsLearned: draft.lessonsLearned,
  };
}

export interface FollowUpDraft {
  title: string;
  ownerId: string;
  dueOn: string;
  /** A ticket number or an http(s) URL, as typed in one box. */
  reference: string;
}

export const blankFollowUpDraft = (ownerId = ""): FollowUpDraft => ({
  title: "",
  ownerId,
  dueOn: "",
  reference: "",
});

export const followUpFields = ["title", "ownerId", "dueOn", "ticketNumber", "url"] as const;

/** "#123" or "123" is a ticket number; anything else is sent as a URL for the API to judge. */
export function followUpBodyOfDraft(draft: FollowUpDraft) {
  const reference = draft.reference.trim();
  const ticket = /^#?(\d+)$/.exec(reference);
  return {
    title: draft.title.trim(),
    ownerId: draft.ownerId,
    dueOn: draft.dueOn || null,
    ticketNumber: ticket ? Number(ticket[1]) : null,
    url: reference && !ticket ? reference : null,
  };
}

export function followUpStatusText(followUp: FollowUpView): string {
  if (followUp.done)
    return `Done${followUp.doneBy ? ` by ${followUp.doneBy.name}` : ""}${followUp.doneAt ? ` on ${followUp.doneAt.slice(0, 10)}` : ""}`;
  if (followUp.overdue) return `Overdue (was due ${followUp.dueOn})`;
  return followUp.dueOn ? `Due ${followUp.dueOn}` : "Open, no due day";
}

/** The security checklist's configuration as typed: hours as text, blank meaning no deadline. */
export interface ChecklistStepDraft {
  title: string;
  deadlineHours: string;
}

/**
 * A blank deadline means none. What is not a number goes as the text typed: NaN would travel as JSON's
 * null, which the API reads as "no deadline", so a typo would silently drop a legal duty.
 */
const deadlineOfTyped = (typed: string): number | string | null =>
  typed === "" ? null : /^\d+(\.\d+)?$/.test(typed) ? Number(typed) : typed;

export function checklistBodyOfDraft(steps: readonly ChecklistStepDraft[]) {
  return {
    steps: steps.map((step) => ({
      title: step.title.trim(),
      deadlineHours: deadlineOfTyped(step.deadlineHours.trim()),
    })),
  };
}

/**
 * A 409 on a versioned save: someone changed the thing since it was read, and the page reloads it. The
 * form says so in words; a 409 for another reason (a window already over) keeps the API's words.
 */
export function conflictProblem<Problem extends { status: number; detail: string; errors?: unknown }>(
  problem: Problem,
  what: string,
): Problem {
  if (problem.status !== 409) return problem;
  const stale = /changed/i.test(problem.detail);
  return {
    ...problem,
    errors: undefined,
    detail: stale
      ? `Someone changed this ${what} while you were editing; it has been reloaded. Check it, then send your change again.`
      : `${problem.detail} The ${what} has been reloaded.`,
  };
}
