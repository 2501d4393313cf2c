/**
 * The rules of customer satisfaction surveys and case reviews, pure: who is asked, what the mailed
 * link may still do, the score and response rate, and the random sample a lead reviews.
 */

export const ratings = ["good", "bad"] as const;
export type Rating = (typeof ratings)[number];

export interface SurveySettings {
  enabled: boolean;
  delayMinutes: number;
  excludedOrganizationIds: string[];
  excludedTags: string[];
}

/** Absent a settings row: every solved ticket is asked at once. */
export const defaultSurveySettings: SurveySettings = {
  enabled: true,
  delayMinutes: 0,
  excludedOrganizationIds: [],
  excludedTags: [],
};

/** A mailed link outlives the 4 days a solved ticket stays open; past that the ticket closed anyway. */
export const surveyLinkLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** Why a solved ticket is not surveyed, or null when it is. */
export function surveyExclusion(
  settings: SurveySettings,
  ticket: { organizationId: string | null; tags: readonly string[] },
): "disabled" | "organization" | "tag" | null {
  if (!settings.enabled) return "disabled";
  if (ticket.organizationId && settings.excludedOrganizationIds.includes(ticket.organizationId))
    return "organization";
  if (ticket.tags.some((tag) => settings.excludedTags.includes(tag))) return "tag";
  return null;
}

export type SurveyRefusal = "unknown" | "closed" | "expired";

/**
 * Whether a survey may still take or change its answer. A survey belongs to one solve cycle: once the
 * ticket closes, or is reopened (a later solve starts a new survey), the old one answers nothing more.
 */
export function surveyOpenness(
  survey: { solvedAt: string; tokenExpiresAt: string | null },
  ticket: { status: string; solvedAt: string | null },
  now: Date,
  by: "link" | "portal",
): SurveyRefusal | null {
  if (ticket.status === "closed") return "closed";
  if (ticket.status !== "solved" || ticket.solvedAt !== survey.solvedAt) return "closed";
  if (by === "link" && (survey.tokenExpiresAt === null || survey.tokenExpiresAt <= now.toISOString()))
    return "expired";
  return null;
}

export interface CsatCounts {
  sent: number;
  answered: number;
  good: number;
  bad: number;
}

export interface CsatFigures extends CsatCounts {
  /** good / (good + bad); null with no answer, which is not a 0% score. */
  score: number | null;
  /** answered / sent; null when nothing was sent. */
  responseRate: number | null;
}

export function csatFigures(counts: CsatCounts): CsatFigures {
  const rated = counts.good + counts.bad;
  return {
    ...counts,
    score: rated === 0 ? null : counts.good / rated,
    responseRate: counts.sent === 0 ? null : counts.answered / counts.sent,
  };
}

export const rubricCriteria = ["accuracy", "tone", "completeness", "followedProcess"] as const;
export type RubricCriterion = (typeof rubricCriteria)[number];
/** 1 fails, 2 needs work, 3 meets, 4 exceeds. */
export const rubricScale = { min: 1, max: 4 } as const;

export const reviewOutcomes = ["exceeds", "meets", "coaching", "fails"] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

/**
 * Up to `perAgent` tickets of each agent, drawn uniformly (a partial Fisher–Yates shuffle). `random`
 * returns an integer in [0, bound): injected so a test can replay a draw.
 */
export function drawSample<T extends { agentId: string }>(
  candidates: readonly T[],
  perAgent: number,
  random: (bound: number) => number,
): T[] {
  const byAgent = new Map<string, T[]>();
  for (const candidate of candidates) {
    const list = byAgent.get(candidate.agentId) ?? [];
    list.push(candidate);
    byAgent.set(candidate.agentId, list);
  }
  const drawn: T[] = [];
  for (const list of byAgent.values()) {
    const pool = [...list];
    const count = Math.min(perAgent, pool.length);
    for (let i = 0; i < count; i += 1) {
      const j = i + random(pool.length - i);
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
      drawn.push(pool[i] as T);
    }
  }
  return drawn;
}
