import type { ComponentState, OverallIndicator } from "./component-state.js";
import { formatUptime, type UptimeBar } from "./status-page-bars.js";
import type {
  PublicComponent,
  PublicIncident,
  PublicMaintenance,
  StatusPageSettings,
  StatusPageSnapshot,
} from "./status-page-snapshot.js";

/**
 * The public page as HTML (pure): server-rendered, no script, styles only from /status/assets/status.css
 * (the CSP allows nothing inline). Every value from the database is escaped here, once.
 */

export const statusStylesheetPath = "/status/assets/status.css";

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const overallSentence: Record<OverallIndicator, string> = {
  none: "All systems operational.",
  minor: "Some systems are degraded.",
  major: "Some systems are partly down.",
  critical: "A major outage is under way.",
  maintenance: "Maintenance is in progress; everything else is operational.",
};

export const stateWords: Record<ComponentState, string> = {
  operational: "Operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  under_maintenance: "Under maintenance",
};

const incidentStateWords: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

const impactWords: Record<string, string> = {
  none: "No impact",
  minor: "Minor impact",
  major: "Major impact",
  critical: "Critical impact",
};

/** "4 Dec 2026, 14:05 UTC": the page names UTC, since a server-rendered page cannot know the reader's zone. */
export function formatWhen(iso: string): string {
  const at = new Date(iso);
  const date = at.toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  return `${date}, ${iso.slice(11, 16)} UTC`;
}

function time(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatWhen(iso))}</time>`;
}

function layout(input: { title: string; heading: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="${statusStylesheetPath}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/rss+xml" title="Incidents and maintenance (RSS)" href="/status/feed.rss">
<link rel="alternate" type="application/atom+xml" title="Incidents and maintenance (Atom)" href="/status/feed.atom">
</head>
<body class="sp">
<header class="sp-header"><p class="sp-site"><a href="/status">${escapeHtml(input.heading)}</a></p></header>
<main class="sp-main">
${input.body}
</main>
<footer class="sp-footer">
<nav aria-label="Status page"><ul>
<li><a href="/status">Current status</a></li>
<li><a href="/status/history">Incident history</a></li>
<li><a href="/status/feed.rss">RSS</a></li>
<li><a href="/status/feed.atom">Atom</a></li>
<li><a href="/api/v2/summary.json">JSON API</a></li>
</ul></nav>
</footer>
</body>
</html>
`;
}

function componentNames(ids: readonly string[], components: readonly PublicComponent[]): string {
  return ids
    .map((id) => components.find((component) => component.id === id)?.name)
    .filter((name): name is string => name !== undefined)
    .join(", ");
}

function incidentSummary(incident: PublicIncident, components: readonly PublicComponent[], level: number) {
  const latest = incident.updates.at(-1);
  const affected = componentNames(incident.componentIds, components);
  return `<article class="sp-incident sp-impact-${escapeHtml(incident.impact)}">
<h${level}><a href="/status/incidents/${encodeURIComponent(incident.id)}">${escapeHtml(incident.title)}</a></h${level}>
<p class="sp-meta">${escapeHtml(incidentStateWords[incident.state] ?? incident.state)} · ${escapeHtml(impactWords[incident.impact] ?? incident.impact)} · since ${time(incident.startedAt)}</p>
${affected ? `<p class="sp-affected">Affects ${escapeHtml(affected)}</p>` : ""}
${latest ? `<p class="sp-update"><strong>${escapeHtml(incidentStateWords[latest.state] ?? latest.state)}</strong> — ${escapeHtml(latest.body)} <span class="sp-meta">(${time(latest.at)})</span></p>` : ""}
</article>`;
}

function maintenanceSummary(
  maintenance: PublicMaintenance,
  components: readonly PublicComponent[],
  level: number,
) {
  const affected = componentNames(maintenance.componentIds, components);
  const phase =
    maintenance.phase === "in_progress"
      ? "In progress"
      : maintenance.phase === "upcoming"
        ? "Scheduled"
        : "Completed";
  return `<article class="sp-maintenance">
<h${level}><a href="/status/maintenances/${encodeURIComponent(maintenance.id)}">${escapeHtml(maintenance.title)}</a></h${level}>
<p class="sp-meta">${phase} · ${time(maintenance.startsAt)} to ${time(maintenance.endsAt)}</p>
${affected ? `<p class="sp-affected">Affects ${escapeHtml(affected)}</p>` : ""}
${maintenance.description ? `<p>${escapeHtml(maintenance.description)}</p>` : ""}
</article>`;
}

export function barLabel(bar: UptimeBar): string {
  const figure = bar.availability === null ? "no data" : `${formatUptime(bar.availability)} uptime`;
  const incidents =
    bar.incidents.length === 0
      ? "no incidents"
      : `incidents: ${bar.incidents.map((incident) => incident.title).join("; ")}`;
  return `${bar.day}: ${figure}, ${incidents}`;
}

function uptimeBarList(component: PublicComponent): string {
  const bars = component.bars
    .map((bar) => {
      // The stylesheet shows the label as the tooltip on hover and keyboard focus (`.sp-bar::after`):
      // written once, the 90 bars of 20 components weigh half what a copy in a tooltip element did.
      return `<li class="sp-bar sp-bar-${bar.bucket}" tabindex="0" aria-label="${escapeHtml(barLabel(bar))}"></li>`;
    })
    .join("");
  return `<ol class="sp-bars" aria-label="${escapeHtml(`${component.name}: daily uptime over the last 90 days`)}">${bars}</ol>
<p class="sp-bar-ends" aria-hidden="true"><span>90 days ago</span><span>Today</span></p>`;
}

function errorBudgetLine(component: PublicComponent): string {
  const budget = component.errorBudget;
  if (!budget) return "";
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  const left = budget.leftMs >= 0 ? `${minutes(budget.leftMs)} left` : `${minutes(-budget.leftMs)} over`;
  return `<p class="sp-budget">Error budget this month: ${minutes(budget.usedMs)} used of ${minutes(budget.allowedDowntimeMs)}, ${left} (target ${escapeHtml(formatUptime(budget.target))})</p>`;
}

function componentItem(component: PublicComponent): string {
  return `<li class="sp-component">
<div class="sp-component-head"><h4 class="sp-component-name">${escapeHtml(component.name)}</h4><span class="sp-state sp-state-${component.state}">${stateWords[component.state]}</span></div>
${component.description ? `<p class="sp-description">${escapeHtml(component.description)}</p>` : ""}
${uptimeBarList(component)}
<p class="sp-uptime">${component.uptime === null ? "No uptime measured in the last 90 days" : `${formatUptime(component.uptime)} uptime over the last 90 days`}</p>
${errorBudgetLine(component)}
</li>`;
}

function componentsByGroup(components: readonly PublicComponent[]): string {
  const groups = new Map<string, PublicComponent[]>();
  for (const component of components)
    groups.set(component.groupName, [...(groups.get(component.groupName) ?? []), component]);
  return [...groups]
    .map(
      ([group, members]) => `<section class="sp-group" aria-label="${escapeHtml(group)}">
<h3>${escapeHtml(group)}</h3>
<ul class="sp-components">${members.map(componentItem).join("\n")}</ul>
</section>`,
    )
    .join("\n");
}

function supportSection(snapshot: StatusPageSnapshot): string {
  const support = snapshot.support;
  if (!support) return "";
  const objectives = support.responseObjectives
    .map(
      (objective) =>
        `<li><strong>${escapeHtml(objective.label)}:</strong> ${objective.promises.map(escapeHtml).join("; ")}</li>`,
    )
    .join("");
  return `<section class="sp-section" aria-labelledby="sp-support">
<h2 id="sp-support">Support hours and response objectives</h2>
<p>${escapeHtml(support.calendarName)} (${escapeHtml(support.timeZone)}): ${support.hours.map(escapeHtml).join("; ") || "closed"}.</p>
${objectives ? `<ul class="sp-objectives">${objectives}</ul>` : ""}
</section>`;
}

function subscribeForm(components: readonly PublicComponent[]): string {
  const choices = components
    .map(
      (component) =>
        `<li><label><input type="checkbox" name="component" value="${escapeHtml(component.id)}"> ${escapeHtml(component.name)}</label></li>`,
    )
    .join("");
  return `<section class="sp-section" aria-labelledby="sp-subscribe">
<h2 id="sp-subscribe">Get updates by email</h2>
<form class="sp-subscribe" method="post" action="/status/subscriptions">
<label for="sp-email">Email address</label>
<input id="sp-email" name="email" type="email" autocomplete="email" required>
${choices ? `<fieldset><legend>Only about these components (optional)</legend><ul class="sp-choices">${choices}</ul></fieldset>` : ""}
<button type="submit">Subscribe</button>
</form>
<p>Or follow the <a href="/status/feed.rss">RSS</a> or <a href="/status/feed.atom">Atom</a> feed.</p>
</section>`;
}

export function renderStatusPage(snapshot: StatusPageSnapshot): string {
  const active = snapshot.activeIncidents;
  const maintenance = snapshot.maintenances.filter((item) => item.phase !== "completed");
  const notices =
    active.length + maintenance.length === 0
      ? ""
      : `<section class="sp-section" aria-labelledby="sp-now">
<h2 id="sp-now">Happening now and coming up</h2>
${active.map((incident) => incidentSummary(incident, snapshot.components, 3)).join("\n")}
${maintenance.map((item) => maintenanceSummary(item, snapshot.components, 3)).join("\n")}
</section>`;
  const body = `<h1>${escapeHtml(snapshot.settings.title)}</h1>
<p class="sp-overall sp-overall-${snapshot.indicator}">${overallSentence[snapshot.indicator]}</p>
${notices}
<section class="sp-section" aria-labelledby="sp-components">
<h2 id="sp-components">Components</h2>
${snapshot.components.length === 0 ? "<p>No components are listed yet.</p>" : componentsByGroup(snapshot.components)}
<ul class="sp-legend" aria-label="Bar colours">
<li><span class="sp-swatch sp-bar-full"></span> 99.9% or more</li>
<li><span class="sp-swatch sp-bar-high"></span> 99%</li>
<li><span class="sp-swatch sp-bar-mid"></span> 97%</li>
<li><span class="sp-swatch sp-bar-low"></span> 90%</li>
<li><span class="sp-swatch sp-bar-down"></span> under 90%</li>
<li><span class="sp-swatch sp-bar-none"></span> no data</li>
</ul>
</section>
${supportSection(snapshot)}
${subscribeForm(snapshot.components)}
<p class="sp-more"><a href="/status/history">Past incidents</a></p>`;
  return layout({ title: snapshot.settings.title, heading: snapshot.settings.title, body });
}

export const historyPageSize = 20;

export function renderHistoryPage(input: {
  settings: StatusPageSettings;
  incidents: readonly PublicIncident[];
  components: readonly PublicComponent[];
  page: number;
  hasMore: boolean;
}): string {
  const months = new Map<string, PublicIncident[]>();
  for (const incident of input.incidents) {
    const month = new Date(incident.startedAt).toLocaleDateString("en-GB", {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
    months.set(month, [...(months.get(month) ?? []), incident]);
  }
  const sections = [...months]
    .map(
      ([month, incidents]) => `<section class="sp-section" aria-label="${escapeHtml(month)}">
<h2>${escapeHtml(month)}</h2>
${incidents.map((incident) => incidentSummary(incident, input.components, 3)).join("\n")}
</section>`,
    )
    .join("\n");
  const pager = [
    input.page > 1
      ? `<a href="/status/history${input.page === 2 ? "" : `?page=${input.page - 1}`}">Newer incidents</a>`
      : "",
    input.hasMore ? `<a href="/status/history?page=${input.page + 1}">Older incidents</a>` : "",
  ].filter(Boolean);
  const body = `<h1>Incident history</h1>
${sections || "<p>No incidents to show.</p>"}
${pager.length > 0 ? `<nav class="sp-pager" aria-label="History pages">${pager.join(" ")}</nav>` : ""}`;
  return layout({ title: `Incident history — ${input.settings.title}`, heading: input.settings.title, body });
}

export function renderIncidentPage(input: {
  settings: StatusPageSettings;
  incident: PublicIncident;
  components: readonly PublicComponent[];
}): string {
  const { incident } = input;
  const affected = componentNames(incident.componentIds, input.components);
  const updates = [...incident.updates]
    .reverse()
    .map(
      (
        update,
      ) => `<li class="sp-log-entry"><p><strong>${escapeHtml(incidentStateWords[update.state] ?? update.state)}</strong> — ${escapeHtml(update.body)}</p>
<p class="sp-meta">${time(update.at)}</p></li>`,
    )
    .join("\n");
  const body = `<h1>${escapeHtml(incident.title)}</h1>
<p class="sp-meta">${escapeHtml(incidentStateWords[incident.state] ?? incident.state)} · ${escapeHtml(impactWords[incident.impact] ?? incident.impact)} · started ${time(incident.startedAt)}${incident.resolvedAt ? ` · resolved ${time(incident.resolvedAt)}` : ""}</p>
${affected ? `<p class="sp-affected">Affected components: ${escapeHtml(affected)}</p>` : ""}
<section class="sp-section" aria-labelledby="sp-updates"><h2 id="sp-updates">Updates</h2>
${updates ? `<ol class="sp-log">${updates}</ol>` : "<p>No public updates yet.</p>"}
</section>`;
  return layout({
    title: `${incident.title} — ${input.settings.title}`,
    heading: input.settings.title,
    body,
  });
}

export function renderMaintenancePage(input: {
  settings: StatusPageSettings;
  maintenance: PublicMaintenance;
  components: readonly PublicComponent[];
}): string {
  const body = `<h1>${escapeHtml(input.maintenance.title)}</h1>
${maintenanceSummary(input.maintenance, input.components, 2)}`;
  return layout({
    title: `${input.maintenance.title} — ${input.settings.title}`,
    heading: input.settings.title,
    body,
  });
}

export function renderNotFoundPage(settings: StatusPageSettings, what: string): string {
  const body = `<h1>Not found</h1>
<p>${escapeHtml(what)}</p>
<p><a href="/status">Back to the current status</a></p>`;
  return layout({ title: `Not found — ${settings.title}`, heading: settings.title, body });
}
