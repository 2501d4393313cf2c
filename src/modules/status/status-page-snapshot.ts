import type { DbExecutor } from "../../db/database.js";
import { findSettingsRow } from "../health/health-repository.js";
import { findCalendarById, listCalendarRows } from "../sla/calendar-repository.js";
import { listPolicyRows } from "../sla/policy-repository.js";
import { severities } from "../tickets/ticket.js";
import {
  type AvailabilityRollup,
  calendarMonth,
  type ErrorBudget,
  errorBudget,
  type TimeInterval,
} from "./availability.js";
import {
  type ComponentState,
  type IncidentImpact,
  type OverallIndicator,
  overallIndicator,
} from "./component-state.js";
import { maintenanceIntervalsOf } from "./maintenance-repository.js";
import { maintenanceInside, maintenanceMsInside, withoutMaintenance } from "./maintenance-windows.js";
import { readComponentStates } from "./read-component-states.js";
import { staleAfterOf } from "./record-check-result.js";
import { spanWithin } from "./rollup-buckets.js";
import { type UptimeBar, uptimeBars, uptimeWindowStart } from "./status-page-bars.js";
import {
  findStatusPageSettings,
  listEnabledMonitors,
  listIncidentComponentIds,
  listMaintenanceComponentIds,
  listMaintenancesEndingAfter,
  listPublicIncidentUpdates,
  listPublishedIncidentsPage,
  listPublishedIncidentsSince,
  type PublicIncidentRow,
  type PublicMaintenanceRow,
  sumDayRollupsByComponent,
} from "./status-page-repository.js";
import { type SupportPromises, supportPromises } from "./status-page-support.js";
import { listComponentRows, sumRollupsInRanges } from "./status-repository.js";

/**
 * Everything the public page and the Statuspage-shaped JSON show, read in a handful of queries and
 * held as plain values: the cache renders every representation from one snapshot.
 */

export interface PublicComponent {
  id: string;
  name: string;
  description: string;
  groupName: string;
  position: number;
  state: ComponentState;
  createdAt: string;
  updatedAt: string;
  bars: UptimeBar[];
  /** Over the 90 days of the bars; null when nothing was observed. */
  uptime: number | null;
  /** This calendar month's error budget; null unless the admin publishes it. */
  errorBudget: ErrorBudget | null;
}

export interface PublicIncidentUpdate {
  id: string;
  state: string;
  body: string;
  at: string;
}

export interface PublicIncident {
  id: string;
  title: string;
  state: string;
  impact: IncidentImpact;
  startedAt: string;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  componentIds: string[];
  /** Public updates only, oldest first. */
  updates: PublicIncidentUpdate[];
}

export type MaintenancePhase = "upcoming" | "in_progress" | "completed";

export interface PublicMaintenance {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
  updatedAt: string;
  phase: MaintenancePhase;
  componentIds: string[];
}

export interface StatusPageSettings {
  title: string;
  showErrorBudget: boolean;
}

export const defaultStatusPageSettings: StatusPageSettings = { title: "Status", showErrorBudget: false };

export interface StatusPageSnapshot {
  /** When it was read: the cache's age, and "now" for everything on the page. */
  at: string;
  /** The latest change to anything shown (Statuspage's `page.updated_at`). */
  updatedAt: string;
  publicUrl: string;
  settings: StatusPageSettings;
  indicator: OverallIndicator;
  components: PublicComponent[];
  /** Unresolved published incidents, newest first. */
  activeIncidents: PublicIncident[];
  /** The newest 50 published incidents, any state. */
  recentIncidents: PublicIncident[];
  /** In progress and upcoming, soonest first, then the recently completed. */
  maintenances: PublicMaintenance[];
  support: SupportPromises | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const recentIncidentCount = 50;
/** Completed maintenance the JSON still lists (Statuspage keeps the recent ones). */
const completedMaintenanceDays = 30;

export function maintenancePhase(row: Pick<PublicMaintenanceRow, "starts_at" | "ends_at">, now: number) {
  if (Date.parse(row.starts_at) > now) return "upcoming";
  return Date.parse(row.ends_at) > now ? "in_progress" : "completed";
}

function groupIds<K extends string>(rows: readonly ({ component_id: string } & Record<K, string>)[], key: K) {
  const byOwner = new Map<string, string[]>();
  for (const row of rows) byOwner.set(row[key], [...(byOwner.get(row[key]) ?? []), row.component_id]);
  return byOwner;
}

/** Published incidents with their components and public updates. */
export async function withPublicDetails(
  db: DbExecutor,
  rows: readonly PublicIncidentRow[],
): Promise<PublicIncident[]> {
  const ids = rows.map((row) => row.id);
  const [links, updates] = await Promise.all([
    listIncidentComponentIds(db, ids),
    listPublicIncidentUpdates(db, ids),
  ]);
  const componentsOf = groupIds(links, "incident_id");
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    state: row.state,
    impact: row.impact as IncidentImpact,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    componentIds: componentsOf.get(row.id) ?? [],
    updates: updates
      .filter((update) => update.incident_id === row.id)
      .map((update) => ({ id: update.id, state: update.state, body: update.body, at: update.at })),
  }));
}

export async function maintenancesWithComponents(
  db: DbExecutor,
  rows: readonly PublicMaintenanceRow[],
  now: number,
): Promise<PublicMaintenance[]> {
  const componentsOf = groupIds(
    await listMaintenanceComponentIds(
      db,
      rows.map((row) => row.id),
    ),
    "maintenance_id",
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    phase: maintenancePhase(row, now),
    componentIds: componentsOf.get(row.id) ?? [],
  }));
}

export async function readStatusPageSettings(db: DbExecutor): Promise<StatusPageSettings> {
  const row = await findStatusPageSettings(db);
  return row ? { title: row.title, showErrorBudget: row.show_error_budget === 1 } : defaultStatusPageSettings;
}

async function readSupportPromises(db: DbExecutor): Promise<SupportPromises | null> {
  const healthSettings = await findSettingsRow(db);
  const calendar = healthSettings.calendar_id
    ? await findCalendarById(db, healthSettings.calendar_id)
    : undefined;
  if (!calendar) return null;
  const [policies, calendars] = await Promise.all([
    listPolicyRows(db, { onlyActive: true }),
    listCalendarRows(db),
  ]);
  return supportPromises({
    calendar: { name: calendar.name, definition: calendar.definition },
    policies,
    calendarNames: new Map(calendars.map((row) => [row.id, row.name])),
    severities,
  });
}

/**
 * Each component's day rollups over the bars' window plus its monitors' open spans up to now (stored
 * rollups hold closed spans only, and the page should be as current as the admin API), with maintenance
 * taken out as the admin API takes it out: a day's minute rollups inside a window are subtracted from
 * its day rollup (windows are whole minutes, so this is exact), and the open span is cut around it.
 */
async function readDailyAvailability(
  db: DbExecutor,
  now: number,
  since: number,
  maintenanceByComponent: ReadonlyMap<string, readonly TimeInterval[]>,
) {
  const [stored, monitors] = await Promise.all([
    sumDayRollupsByComponent(db, since, now + 1),
    listEnabledMonitors(db),
  ]);
  const byComponent = new Map<string, AvailabilityRollup[]>();
  const add = (componentId: string, rollup: AvailabilityRollup) =>
    byComponent.set(componentId, [...(byComponent.get(componentId) ?? []), rollup]);
  for (const row of stored) add(row.componentId, row);
  const barsWindow = { start: since, end: now };
  for (const [componentId, windows] of maintenanceByComponent) {
    const monitorIds = monitors.filter((monitor) => monitor.component_id === componentId).map((m) => m.id);
    for (const maintenance of maintenanceInside(barsWindow, windows)) {
      for (let day = Math.floor(maintenance.start / DAY_MS) * DAY_MS; day < maintenance.end; day += DAY_MS) {
        const inDay = {
          start: Math.max(day, maintenance.start),
          end: Math.min(day + DAY_MS, maintenance.end),
        };
        const during = await sumRollupsInRanges(db, "status_minute_rollups", monitorIds, [inDay]);
        add(componentId, { at: day, observedMs: -during.observedMs, goodMs: -during.goodMs });
      }
    }
  }
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (const monitor of monitors) {
    if (monitor.last_result_at === null) continue;
    const start = Number(monitor.last_result_at);
    const end = Math.min(now, start + staleAfterOf(monitor));
    if (end <= start) continue;
    const span = { start, end, up: monitor.last_result_up === 1 };
    const maintenance = maintenanceByComponent.get(monitor.component_id) ?? [];
    // A span open since yesterday is cut at midnight like the stored ones.
    for (let day = Math.floor(start / DAY_MS) * DAY_MS; day <= today; day += DAY_MS) {
      for (const counted of withoutMaintenance({ start: day, end: day + DAY_MS }, maintenance)) {
        const inside = spanWithin(span, counted);
        if (inside.observedMs > 0) add(monitor.component_id, { at: day, ...inside });
      }
    }
  }
  return byComponent;
}

export async function readStatusPageSnapshot(
  db: DbExecutor,
  input: { now: number; publicUrl: string },
): Promise<StatusPageSnapshot> {
  const { now } = input;
  const since = uptimeWindowStart(now);
  const sinceIso = new Date(since).toISOString();
  const [settings, componentRows, inWindowRows, recentRows, maintenanceRows, support] = await Promise.all([
    readStatusPageSettings(db),
    listComponentRows(db),
    listPublishedIncidentsSince(db, sinceIso),
    listPublishedIncidentsPage(db, 0, recentIncidentCount),
    listMaintenancesEndingAfter(db, new Date(now - completedMaintenanceDays * DAY_MS).toISOString(), 200),
    readSupportPromises(db),
  ]);
  const month = calendarMonth(now, "UTC");
  const maintenanceByComponent = await maintenanceIntervalsOf(
    db,
    componentRows.map((row) => row.id),
    { start: Math.min(since, month.start), end: month.end },
  );
  const [states, daily, inWindow, recentIncidents, maintenances] = await Promise.all([
    readComponentStates(db, new Date(now)),
    readDailyAvailability(db, now, since, maintenanceByComponent),
    withPublicDetails(db, inWindowRows),
    withPublicDetails(db, recentRows),
    maintenancesWithComponents(db, maintenanceRows, now),
  ]);
  const components = componentRows.map((row): PublicComponent => {
    const days = daily.get(row.id) ?? [];
    const { bars, uptime } = uptimeBars({
      now,
      days,
      incidents: inWindow.filter((incident) => incident.componentIds.includes(row.id)),
    });
    const inMonth = days.filter((day) => day.at >= month.start);
    const observedMs = inMonth.reduce((sum, day) => sum + day.observedMs, 0);
    const goodMs = inMonth.reduce((sum, day) => sum + day.goodMs, 0);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      groupName: row.group_name,
      position: row.position,
      state: states.get(row.id) ?? "operational",
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      bars,
      uptime,
      errorBudget: settings.showErrorBudget
        ? errorBudget({
            target: Number(row.uptime_target),
            period: month,
            maintenanceInPeriodMs: maintenanceMsInside(month, maintenanceByComponent.get(row.id) ?? []),
            observedMs,
            goodMs,
          })
        : null,
    };
  });
  const activeIncidents = inWindow.filter((incident) => incident.state !== "resolved");
  const phaseOrder: Record<MaintenancePhase, number> = { in_progress: 0, upcoming: 1, completed: 2 };
  const sortedMaintenances = [...maintenances].sort(
    (a, b) =>
      phaseOrder[a.phase] - phaseOrder[b.phase] ||
      (a.phase === "completed" ? b.startsAt.localeCompare(a.startsAt) : a.startsAt.localeCompare(b.startsAt)),
  );
  const changes = [
    ...componentRows.map((row) => row.updated_at),
    ...recentIncidents.map((incident) => incident.updatedAt),
    ...maintenances.map((maintenance) => maintenance.updatedAt),
  ];
  return {
    at: new Date(now).toISOString(),
    updatedAt: [...changes].sort().at(-1) ?? new Date(0).toISOString(),
    publicUrl: input.publicUrl,
    settings,
    indicator: overallIndicator(components.map((component) => component.state)),
    components,
    activeIncidents,
    recentIncidents,
    maintenances: sortedMaintenances,
    support,
  };
}
