import { createHash } from "node:crypto";
import type { ComponentState, OverallIndicator } from "./component-state.js";
import type { PublicIncident, PublicMaintenance, StatusPageSnapshot } from "./status-page-snapshot.js";

/**
 * The snapshot in the shapes of Atlassian Statuspage's public v2 API (pure), so status aggregators and
 * widgets written for Statuspage read Tend unchanged: the same field names, ISO times, Statuspage's status
 * words, and groups as group components listing their members' ids.
 */

export const statuspagePageId = "tend";

const componentStatus: Record<ComponentState, string> = {
  operational: "operational",
  degraded: "degraded_performance",
  partial_outage: "partial_outage",
  major_outage: "major_outage",
  under_maintenance: "under_maintenance",
};

const indicatorDescription: Record<OverallIndicator, string> = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major Service Outage",
  maintenance: "Service Under Maintenance",
};

const statusSeverity = [
  "operational",
  "under_maintenance",
  "degraded",
  "partial_outage",
  "major_outage",
] as const;

/** A group has no row of its own: its id is derived from its name, so it stays put across snapshots. */
export function groupComponentId(groupName: string): string {
  return `group-${createHash("sha256").update(groupName).digest("hex").slice(0, 12)}`;
}

export function statuspagePage(snapshot: StatusPageSnapshot) {
  return {
    id: statuspagePageId,
    name: snapshot.settings.title,
    url: `${snapshot.publicUrl.replace(/\/$/, "")}/status`,
    time_zone: "Etc/UTC",
    updated_at: snapshot.updatedAt,
  };
}

export function statuspageStatus(snapshot: StatusPageSnapshot) {
  return { indicator: snapshot.indicator, description: indicatorDescription[snapshot.indicator] };
}

export function statuspageComponents(snapshot: StatusPageSnapshot) {
  const groups = new Map<string, StatusPageSnapshot["components"]>();
  for (const component of snapshot.components)
    groups.set(component.groupName, [...(groups.get(component.groupName) ?? []), component]);
  return [...groups].flatMap(([groupName, members], groupIndex) => {
    const groupId = groupComponentId(groupName);
    const worst = members.reduce<ComponentState>(
      (state, member) =>
        statusSeverity.indexOf(member.state) > statusSeverity.indexOf(state) ? member.state : state,
      "operational",
    );
    const created = members.map((member) => member.createdAt).sort();
    const updated = members.map((member) => member.updatedAt).sort();
    const group = {
      id: groupId,
      name: groupName,
      status: componentStatus[worst],
      created_at: created[0] ?? snapshot.updatedAt,
      updated_at: updated.at(-1) ?? snapshot.updatedAt,
      position: groupIndex + 1,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: statuspagePageId,
      group: true,
      only_show_if_degraded: false,
      components: members.map((member) => member.id),
    };
    const children = members.map((member, index) => ({
      id: member.id,
      name: member.name,
      status: componentStatus[member.state],
      created_at: member.createdAt,
      updated_at: member.updatedAt,
      position: index + 1,
      description: member.description === "" ? null : member.description,
      showcase: true,
      start_date: member.createdAt.slice(0, 10),
      group_id: groupId,
      page_id: statuspagePageId,
      group: false,
      only_show_if_degraded: false,
    }));
    return [group, ...children];
  });
}

function componentsNamed(snapshot: StatusPageSnapshot, ids: readonly string[]) {
  return statuspageComponents(snapshot).filter((component) => !component.group && ids.includes(component.id));
}

function shortlink(snapshot: StatusPageSnapshot, path: string): string {
  return `${snapshot.publicUrl.replace(/\/$/, "")}${path}`;
}

export function statuspageIncident(snapshot: StatusPageSnapshot, incident: PublicIncident) {
  const monitoring = incident.updates.find((update) => update.state === "monitoring");
  const affected = componentsNamed(snapshot, incident.componentIds);
  return {
    id: incident.id,
    name: incident.title,
    status: incident.state,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
    monitoring_at: monitoring?.at ?? null,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: shortlink(snapshot, `/status/incidents/${incident.id}`),
    started_at: incident.startedAt,
    page_id: statuspagePageId,
    // Statuspage lists updates newest first.
    incident_updates: [...incident.updates].reverse().map((update) => ({
      id: update.id,
      status: update.state,
      body: update.body,
      incident_id: incident.id,
      created_at: update.at,
      updated_at: update.at,
      display_at: update.at,
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: affected,
  };
}

const maintenanceStatus: Record<PublicMaintenance["phase"], string> = {
  upcoming: "scheduled",
  in_progress: "in_progress",
  completed: "completed",
};

export function statuspageMaintenance(snapshot: StatusPageSnapshot, maintenance: PublicMaintenance) {
  const status = maintenanceStatus[maintenance.phase];
  return {
    id: maintenance.id,
    name: maintenance.title,
    status,
    created_at: maintenance.createdAt,
    updated_at: maintenance.updatedAt,
    monitoring_at: null,
    resolved_at: maintenance.phase === "completed" ? maintenance.endsAt : null,
    impact: "maintenance",
    shortlink: shortlink(snapshot, `/status/maintenances/${maintenance.id}`),
    started_at: maintenance.startsAt,
    page_id: statuspagePageId,
    incident_updates: [
      {
        id: `${maintenance.id}-scheduled`,
        status: "scheduled",
        body: maintenance.description,
        incident_id: maintenance.id,
        created_at: maintenance.createdAt,
        updated_at: maintenance.updatedAt,
        display_at: maintenance.createdAt,
        affected_components: null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      },
    ],
    components: componentsNamed(snapshot, maintenance.componentIds),
    scheduled_for: maintenance.startsAt,
    scheduled_until: maintenance.endsAt,
  };
}

/** Every document of the API, by its path under /api/v2. */
export function statuspageDocuments(snapshot: StatusPageSnapshot): Record<string, unknown> {
  const page = statuspagePage(snapshot);
  const components = statuspageComponents(snapshot);
  const unresolved = snapshot.activeIncidents.map((incident) => statuspageIncident(snapshot, incident));
  const maintenances = (phases: readonly PublicMaintenance["phase"][]) =>
    snapshot.maintenances
      .filter((maintenance) => phases.includes(maintenance.phase))
      .map((maintenance) => statuspageMaintenance(snapshot, maintenance));
  return {
    "summary.json": {
      page,
      components,
      incidents: unresolved,
      scheduled_maintenances: maintenances(["in_progress", "upcoming"]),
      status: statuspageStatus(snapshot),
    },
    "status.json": { page, status: statuspageStatus(snapshot) },
    "components.json": { page, components },
    "incidents.json": {
      page,
      incidents: snapshot.recentIncidents.map((incident) => statuspageIncident(snapshot, incident)),
    },
    "incidents/unresolved.json": { page, incidents: unresolved },
    "scheduled-maintenances.json": {
      page,
      scheduled_maintenances: maintenances(["in_progress", "upcoming", "completed"]),
    },
    "scheduled-maintenances/upcoming.json": { page, scheduled_maintenances: maintenances(["upcoming"]) },
    "scheduled-maintenances/active.json": { page, scheduled_maintenances: maintenances(["in_progress"]) },
  };
}

export const statuspageDocumentPaths = [
  "summary.json",
  "status.json",
  "components.json",
  "incidents.json",
  "incidents/unresolved.json",
  "scheduled-maintenances.json",
  "scheduled-maintenances/upcoming.json",
  "scheduled-maintenances/active.json",
] as const;
