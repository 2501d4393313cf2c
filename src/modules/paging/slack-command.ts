import type { PageSeverity } from "./manage-pages.js";

/**
 * The text of `/page …` as typed in a chat channel, read against the escalation policies' names.
 * Pure: the caller passes the names. A policy is named by its name ("Customer support") or its
 * slug ("customer-support"), since a slash command's first word cannot hold a space.
 */
export type SlackPageCommand =
  | { kind: "help" }
  | { kind: "unknown-policy"; given: string }
  | { kind: "no-message"; policy: string }
  | { kind: "page"; policy: string; severity: PageSeverity; title: string; details: string };

export const slackCommandUsage =
  "Usage: `/page <policy> [sev1|sev2|sev3|sev4] <what is wrong>`, for example " +
  "`/page customer-support Database down`. The severity defaults to sev1.";

/** Page titles are one line; the chat text may be longer than a title should be. */
const titleMaxLength = 200;

export function policySlug(name: string): string {
  return (
    name
      .normalize("NFKD")
      // Accents fall away ("Sécurité" → "securite"): people type slugs without them.
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
  );
}

export function parseSlackPageCommand(text: string, policyNames: readonly string[]): SlackPageCommand {
  const trimmed = text.replace(/\s+/g, " ").trim();
  if (trimmed === "" || /^help$/i.test(trimmed)) return { kind: "help" };
  const lowered = trimmed.toLowerCase();
  const firstWord = trimmed.split(" ", 1)[0] as string;
  let match: { policy: string; rest: string } | null = null;
  for (const name of policyNames) {
    const spelled = name.replace(/\s+/g, " ").trim().toLowerCase();
    // The full name typed out wins over a slug, and a longer name over a shorter one it begins with.
    if (
      spelled &&
      lowered.startsWith(spelled) &&
      (lowered.length === spelled.length || lowered[spelled.length] === " ") &&
      (!match || spelled.length > match.policy.length)
    )
      match = { policy: name, rest: trimmed.slice(spelled.length) };
  }
  if (!match) {
    const slug = policySlug(firstWord);
    const bySlug = slug ? policyNames.find((name) => policySlug(name) === slug) : undefined;
    if (bySlug) match = { policy: bySlug, rest: trimmed.slice(firstWord.length) };
  }
  if (!match) return { kind: "unknown-policy", given: firstWord };
  let rest = match.rest.trim();
  let severity: PageSeverity = "sev1";
  const severityWord = /^(sev[1-4])(?: |$)/i.exec(rest);
  if (severityWord) {
    severity = (severityWord[1] as string).toLowerCase() as PageSeverity;
    rest = rest.slice(severityWord[0].length).trim();
  }
  if (!rest) return { kind: "no-message", policy: match.policy };
  // A long message keeps its whole text in the details; the title is its beginning.
  if (rest.length <= titleMaxLength)
    return { kind: "page", policy: match.policy, severity, title: rest, details: "" };
  return {
    kind: "page",
    policy: match.policy,
    severity,
    title: `${rest.slice(0, titleMaxLength - 1)}…`,
    details: rest,
  };
}
