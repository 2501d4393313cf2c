import { onFirstUse } from "../../shared/on-first-use.js";
import type { IncidentImpact } from "./component-state.js";

/**
 * The status page's RSS 2.0 and Atom 1.0 feeds, pure: published incidents and scheduled maintenance in,
 * XML out. Only what the public page shows goes in — the caller hands over published incidents with their
 * latest *public* update — so a feed can never say more than the page.
 */

export interface FeedIncident {
  id: string;
  title: string;
  state: string;
  impact: IncidentImpact;
  startedAt: string;
  resolvedAt: string | null;
  componentNames: readonly string[];
  /** The latest public update, if any was posted. */
  latestUpdate: { body: string; at: string } | null;
}

export interface FeedMaintenance {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  cancelledAt: string | null;
  /** When it was scheduled: the day subscribers first heard of it. */
  createdAt: string;
  updatedAt: string;
  componentNames: readonly string[];
}

export interface StatusFeedInput {
  publicUrl: string;
  pageTitle: string;
  incidents: readonly FeedIncident[];
  maintenances: readonly FeedMaintenance[];
  /** The newest items kept, all kinds together. */
  limit: number;
}

export interface StatusFeeds {
  rss: string;
  atom: string;
}

interface FeedEntry {
  title: string;
  link: string;
  published: Date;
  updated: Date;
  content: string;
}

/**
 * Titles and content are HTML (Atom's `type="html"`, RSS's `content:encoded`), so text is escaped: a title
 * with `<` shows as written, and none can close the CDATA section it sits in.
 */
function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function words(value: string): string {
  const spaced = value.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((part) => part.trim() !== "")
    .map((part) => `<p>${escapeHtml(part).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function affects(componentNames: readonly string[]): string {
  return componentNames.length === 0 ? "" : `<p>Affects: ${escapeHtml(componentNames.join(", "))}</p>`;
}

function incidentEntry(incident: FeedIncident, base: string): FeedEntry {
  const updated = incident.latestUpdate?.at ?? incident.startedAt;
  return {
    title: escapeHtml(incident.title),
    link: `${base}/status/incidents/${encodeURIComponent(incident.id)}`,
    published: new Date(incident.startedAt),
    updated: new Date(incident.resolvedAt && incident.resolvedAt > updated ? incident.resolvedAt : updated),
    content:
      `<p>State: ${words(incident.state)} · Impact: ${words(incident.impact)}</p>` +
      affects(incident.componentNames) +
      (incident.latestUpdate ? paragraphs(incident.latestUpdate.body) : ""),
  };
}

function maintenanceEntry(maintenance: FeedMaintenance, base: string): FeedEntry {
  const cancelled = maintenance.cancelledAt !== null;
  return {
    title: escapeHtml(`${cancelled ? "Cancelled: " : "Scheduled maintenance: "}${maintenance.title}`),
    link: `${base}/status/maintenances/${encodeURIComponent(maintenance.id)}`,
    published: new Date(maintenance.createdAt),
    updated: new Date(maintenance.updatedAt),
    content:
      `<p>${cancelled ? "Was scheduled" : "Scheduled"} from ${maintenance.startsAt} to ${maintenance.endsAt} (UTC)</p>` +
      affects(maintenance.componentNames) +
      paragraphs(maintenance.description),
  };
}

/** Imported with the first feed asked for: feed and its XML writer are not held by a process no reader asked. */
const loadFeed = onFirstUse(() => import("feed"));

/** Newest first by last change; the feed's own `updated` is its newest entry's, so unchanged input gives unchanged bytes. */
export async function buildStatusFeeds(input: StatusFeedInput): Promise<StatusFeeds> {
  const { Feed } = await loadFeed();
  const base = input.publicUrl.replace(/\/$/, "");
  const entries = [
    ...input.incidents.map((incident) => incidentEntry(incident, base)),
    ...input.maintenances.map((maintenance) => maintenanceEntry(maintenance, base)),
  ]
    .sort((a, b) => b.updated.getTime() - a.updated.getTime() || a.link.localeCompare(b.link))
    .slice(0, input.limit);
  const feed = new Feed({
    id: `${base}/status`,
    title: input.pageTitle,
    description: `Incidents and scheduled maintenance of ${input.pageTitle}`,
    link: `${base}/status`,
    language: "en",
    updated: entries[0]?.updated ?? new Date(0),
    generator: "Tend",
    feedLinks: { rss: `${base}/status/feed.rss`, atom: `${base}/status/feed.atom` },
  });
  for (const entry of entries) {
    feed.addItem({
      title: entry.title,
      link: entry.link,
      date: entry.updated,
      published: entry.published,
      content: entry.content,
      description: entry.content,
    });
  }
  return { rss: feed.rss2(), atom: feed.atom1() };
}
