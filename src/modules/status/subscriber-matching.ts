import type { StatusAnnouncement } from "./status-announcements.js";

export interface SubscriberInterest {
  id: string;
  allComponents: boolean;
  componentIds: readonly string[];
}

/**
 * Who hears of a change to these components: everyone subscribed to all of them, and those whose list
 * shares at least one. A change naming no component (a desk-wide notice) reaches only all-component
 * subscribers: someone who chose "API" asked not to hear of everything.
 */
export function subscribersToAnnounce<T extends SubscriberInterest>(
  subscribers: readonly T[],
  affectedComponentIds: readonly string[],
): T[] {
  const affected = new Set(affectedComponentIds);
  return subscribers.filter(
    (subscriber) => subscriber.allComponents || subscriber.componentIds.some((id) => affected.has(id)),
  );
}

/**
 * The identity of one announcement, the first half of a delivery's unique key: a re-run job finds the same
 * key and sends nothing twice, while a later update of the same incident is an announcement of its own.
 */
export function announcementKey(announcement: StatusAnnouncement): string {
  switch (announcement.kind) {
    case "incident_opened":
      return `incident_opened:${announcement.incidentId}`;
    case "incident_updated":
      return `incident_updated:${announcement.incidentId}:${announcement.updateId}`;
    default:
      return `${announcement.kind}:${announcement.maintenanceId}`;
  }
}
