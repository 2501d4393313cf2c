import type { EscalationTarget } from "../../../src/modules/oncall/escalation.js";
import type { EscalationPolicyView } from "../../../src/modules/paging/paging-presenter.js";
import { moveEarlier } from "./schedule-draft.js";

export type { EscalationPolicyView, EscalationTarget };

/** A level as the admin types it: the timeout stays text so the API, not the form, judges it. */
export interface LevelDraft {
  targets: EscalationTarget[];
  timeoutMinutes: string;
}

export interface PolicyDraft {
  name: string;
  levels: LevelDraft[];
  repeats: string;
  fallback: EscalationTarget[];
  /** A new URL to set; "" leaves a configured one as it is (the API never shows it back: a secret). */
  chatWebhookUrl: string;
  /** Take the configured chat webhook off the policy. */
  removeChatWebhook: boolean;
}

/** Names of what a target can point at, by id: schedules, active staff, groups. */
export interface TargetDirectory {
  schedules: ReadonlyMap<string, string>;
  people: ReadonlyMap<string, string>;
  groups: ReadonlyMap<string, string>;
}

/** A new level waits a quarter of an hour: long enough to reach a laptop, short for a Sev 1. */
export const newLevel = (): LevelDraft => ({ targets: [], timeoutMinutes: "15" });

export const blankPolicyDraft = (): PolicyDraft => ({
  name: "",
  levels: [newLevel()],
  repeats: "0",
  fallback: [],
  chatWebhookUrl: "",
  removeChatWebhook: false,
});

export function draftOfPolicy(policy: EscalationPolicyView): PolicyDraft {
  return {
    name: policy.name,
    levels: policy.levels.map((level) => ({
      targets: level.targets.map((target) => ({ ...target })),
      timeoutMinutes: String(level.timeoutMinutes),
    })),
    repeats: String(policy.repeats),
    fallback: policy.fallback.map((target) => ({ ...target })),
    chatWebhookUrl: "",
    removeChatWebhook: false,
  };
}

/** A whole number as typed, or NaN when it is not one; the API names the field it refuses. */
const wholeNumber = (typed: string) => (/^\s*\d+\s*$/.test(typed) ? Number(typed) : Number.NaN);

/**
 * The draft as the API's body. A timeout or repeat count that is not a number goes as 0 (a
 * timeout) or -1 (repeats), values the API refuses by field, so the message lands beside the input.
 * Editing, the chat webhook goes only when it changes: typed anew, or removed.
 */
export function policyBodyOfDraft(draft: PolicyDraft, editing: boolean) {
  const timeout = (level: LevelDraft) => wholeNumber(level.timeoutMinutes);
  const repeats = wholeNumber(draft.repeats);
  const url = draft.chatWebhookUrl.trim();
  const chatWebhookUrl = draft.removeChatWebhook ? null : url || undefined;
  return {
    name: draft.name,
    levels: draft.levels.map((level) => ({
      targets: level.targets,
      timeoutMinutes: Number.isNaN(timeout(level)) ? 0 : timeout(level),
    })),
    repeats: Number.isNaN(repeats) ? -1 : repeats,
    fallback: draft.fallback,
    ...(chatWebhookUrl !== undefined && (editing || chatWebhookUrl !== null) ? { chatWebhookUrl } : {}),
  };
}

/** Every field of the form by its path in the API's refusals, so each message lands beside its input. */
export function policyFields(draft: PolicyDraft): string[] {
  return [
    "name",
    "levels",
    "repeats",
    "fallback",
    "chatWebhookUrl",
    ...draft.levels.flatMap((_, i) => [`levels/${i}/targets`, `levels/${i}/timeoutMinutes`]),
  ];
}

/** The levels with the one at `index` moved one place earlier (-1) or later (+1). */
export function moveLevel<T>(levels: readonly T[], index: number, direction: -1 | 1): T[] {
  return moveEarlier(levels, direction === -1 ? index : index + 1);
}

/** A target as one `<select>` value: what it is and which one. */
export function targetKey(target: EscalationTarget): string {
  switch (target.kind) {
    case "schedule":
      return `schedule:${target.scheduleId}`;
    case "person":
      return `person:${target.personId}`;
    case "group":
      return `group:${target.groupId}`;
  }
}

export function targetOfKey(key: string): EscalationTarget | null {
  const [kind, id] = key.split(":");
  if (!id) return null;
  if (kind === "schedule") return { kind, scheduleId: id };
  if (kind === "person") return { kind, personId: id };
  if (kind === "group") return { kind, groupId: id };
  return null;
}

/** Adds a target unless it is there already: paging the same person twice in one level helps nobody. */
export function withTarget(
  targets: readonly EscalationTarget[],
  added: EscalationTarget,
): EscalationTarget[] {
  const key = targetKey(added);
  return targets.some((target) => targetKey(target) === key) ? [...targets] : [...targets, added];
}

/** A target as the team says it: "whoever is on call for Support", "Ada", "the Leads group". */
export function targetName(target: EscalationTarget, directory: TargetDirectory): string {
  switch (target.kind) {
    case "schedule":
      return `whoever is on call for ${directory.schedules.get(target.scheduleId) ?? "a deleted schedule"}`;
    case "person":
      return directory.people.get(target.personId) ?? "a former staff member";
    case "group":
      return `the ${directory.groups.get(target.groupId) ?? "deleted"} group`;
  }
}

const minutes = (count: number) => (count === 1 ? "1 minute" : `${count} minutes`);

/**
 * A policy in a sentence per level, as the list shows it: "Level 1: whoever is on call for
 * Support, for 5 minutes", then the repeats and the fallback.
 */
export function policySummary(
  policy: Pick<EscalationPolicyView, "levels" | "repeats" | "fallback">,
  directory: TargetDirectory,
): string[] {
  const names = (targets: readonly EscalationTarget[]) =>
    targets.map((target) => targetName(target, directory)).join(", ");
  return [
    ...policy.levels.map(
      (level, index) => `Level ${index + 1}: ${names(level.targets)}, for ${minutes(level.timeoutMinutes)}`,
    ),
    ...(policy.repeats > 0
      ? [`Then ${policy.repeats === 1 ? "once more" : `${policy.repeats} more times`} from level 1`]
      : []),
    ...(policy.fallback.length > 0 ? [`Finally: ${names(policy.fallback)}`] : []),
  ];
}
