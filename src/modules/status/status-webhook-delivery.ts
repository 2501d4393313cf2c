import type { AnnouncementContent } from "./status-announcement-mail.js";

/**
 * The JSON posted to a webhook subscriber (pure): `{type, incident | maintenance, update?}` built from the
 * same public fields the mail shows — an internal note never reaches `AnnouncementContent`.
 */
export function statusWebhookPayload(content: AnnouncementContent) {
  if ("incident" in content) {
    const { incident, update } = content;
    return {
      type: content.kind,
      incident: {
        id: incident.id,
        title: incident.title,
        state: incident.state,
        impact: incident.impact,
        startedAt: incident.startedAt,
        resolvedAt: incident.resolvedAt,
        components: incident.components,
        url: incident.url,
      },
      ...(update ? { update: { id: update.id, state: update.state, body: update.body, at: update.at } } : {}),
    };
  }
  const { maintenance } = content;
  return {
    type: content.kind,
    maintenance: {
      id: maintenance.id,
      title: maintenance.title,
      description: maintenance.description,
      startsAt: maintenance.startsAt,
      endsAt: maintenance.endsAt,
      cancelledAt: maintenance.cancelledAt,
      components: maintenance.components,
      url: maintenance.url,
    },
  };
}
