import type { ComponentState, OverallIndicator } from "./component-state.js";

/**
 * A shields-style SVG badge ("API | operational"), pure. Widths come from a per-character table of
 * Verdana 11 px advances, the font badges are drawn in, so a badge fits its words without measuring
 * text in a browser; an unknown character counts as a wide one, which errs on a little extra room.
 */

export interface Badge {
  label: string;
  message: string;
  /** A CSS colour for the message's half. */
  colour: string;
}

export const badgeColours = {
  green: "#2e8540",
  yellow: "#b58900",
  orange: "#c4561d",
  red: "#c9302c",
  blue: "#1f6fb2",
  grey: "#6c757d",
} as const;

/** The label's half, dark grey as on every shields badge. */
const labelColour = "#555";

const stateWords: Record<ComponentState, { message: string; colour: string }> = {
  operational: { message: "operational", colour: badgeColours.green },
  degraded: { message: "degraded", colour: badgeColours.yellow },
  partial_outage: { message: "partial outage", colour: badgeColours.orange },
  major_outage: { message: "major outage", colour: badgeColours.red },
  under_maintenance: { message: "under maintenance", colour: badgeColours.blue },
};

const indicatorState: Record<OverallIndicator, ComponentState> = {
  none: "operational",
  minor: "degraded",
  major: "partial_outage",
  critical: "major_outage",
  maintenance: "under_maintenance",
};

export function stateBadge(label: string, state: ComponentState): Badge {
  return { label, ...stateWords[state] };
}

export function overallBadge(label: string, indicator: OverallIndicator): Badge {
  return stateBadge(label, indicatorState[indicator]);
}

/**
 * Uptime in the objectives' terms: green when the target is met, orange while above 97% (the 24-hour
 * incident rule's line), red below it; grey when nothing was observed.
 */
export function uptimeBadge(label: string, availability: number | null, target: number): Badge {
  if (availability === null) return { label, message: "no data", colour: badgeColours.grey };
  const colour =
    availability >= target
      ? badgeColours.green
      : availability >= 0.97
        ? badgeColours.orange
        : badgeColours.red;
  return { label, message: formatUptime(availability), colour };
}

/** Two decimals, never rounded up to a 100% that was not reached. */
export function formatUptime(availability: number): string {
  const hundredths = Math.floor(availability * 10_000 + 1e-9);
  return `${(hundredths / 100).toFixed(2)}%`;
}

// Verdana 11 px advance widths, rounded to tenths of a pixel.
const narrow: Record<string, number> = {
  " ": 3.9,
  "!": 4.3,
  '"': 5.0,
  "'": 3.0,
  "(": 4.5,
  ")": 4.5,
  ",": 3.6,
  "-": 4.5,
  ".": 3.6,
  "/": 4.5,
  ":": 4.5,
  ";": 4.5,
  "[": 4.5,
  "]": 4.5,
  "|": 4.5,
  f: 3.9,
  i: 3.0,
  j: 3.3,
  l: 3.0,
  r: 4.6,
  t: 4.3,
  I: 4.6,
  J: 5.0,
};
const wide: Record<string, number> = {
  "%": 11.9,
  "@": 10.9,
  m: 10.7,
  w: 9.0,
  M: 9.5,
  W: 11.0,
  D: 8.3,
  G: 8.4,
  H: 8.3,
  N: 8.2,
  O: 8.6,
  Q: 8.6,
};
const defaultWidth: Record<"lower" | "upper" | "digit" | "other", number> = {
  lower: 6.6,
  upper: 7.5,
  digit: 7.0,
  other: 9.0,
};

function characterWidth(character: string): number {
  const known = narrow[character] ?? wide[character];
  if (known !== undefined) return known;
  if (/[a-z]/.test(character)) return defaultWidth.lower;
  if (/[A-Z]/.test(character)) return defaultWidth.upper;
  if (/[0-9]/.test(character)) return defaultWidth.digit;
  return defaultWidth.other;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const character of text) width += characterWidth(character);
  return Math.ceil(width);
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const horizontalPadding = 10;

export function renderBadge(badge: Badge): string {
  const labelWidth = textWidth(badge.label) + horizontalPadding;
  const messageWidth = textWidth(badge.message) + horizontalPadding;
  const width = labelWidth + messageWidth;
  const label = escapeXml(badge.label);
  const message = escapeXml(badge.message);
  const colour = escapeXml(badge.colour);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}: ${message}">`,
    `<title>${label}: ${message}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)">`,
    `<rect width="${labelWidth}" height="20" fill="${labelColour}"/>`,
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${colour}"/>`,
    `<rect width="${width}" height="20" fill="url(#s)"/>`,
    `</g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${labelWidth / 2}" y="14">${label}</text>`,
    `<text x="${labelWidth + messageWidth / 2}" y="14">${message}</text>`,
    `</g>`,
    `</svg>`,
  ].join("");
}
