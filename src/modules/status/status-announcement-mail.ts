import { escapeHtml, type RenderedMail } from "../email/notification-templates.js";

/** An incident as subscribers see it: public fields only. */
export interface AnnouncedIncident {
  id: string;
  title: string;
  state: string;
  impact: string;
  startedAt: string;
  resolvedAt: string | null;
  components: Array<{ id: string; name: string }>;
  url: string;
}

export interface AnnouncedUpdate {
  id: string;
  state: string;
  body: string;
  at: string;
}

export interface AnnouncedMaintenance {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  cancelledAt: string | null;
  components: Array<{ id: string; name: string }>;
  url: string;
}

export type AnnouncementContent =
  | {
      kind: "incident_opened" | "incident_updated";
      incident: AnnouncedIncident;
      update: AnnouncedUpdate | null;
    }
  | {
      kind: "maintenance_scheduled" | "maintenance_started" | "maintenance_ended" | "maintenance_cancelled";
      maintenance: AnnouncedMaintenance;
    };

const stateWords: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

const maintenanceWords = {
  maintenance_scheduled: "Maintenance scheduled",
  maintenance_started: "Maintenance started",
  maintenance_ended: "Maintenance completed",
  maintenance_cancelled: "Maintenance cancelled",
} as const;

function flat(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function affected(components: ReadonlyArray<{ name: string }>): string {
  return components.length === 0 ? "No component named" : components.map((c) => flat(c.name)).join(", ");
}

/** `2026-12-08 09:00 UTC`: subscribers live in every zone, so the mail names UTC rather than guess one. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function document(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

/**
 * One announcement mail (pure): the subject says what changed, the text quotes the public update, and both
 * bodies link the public page and the unsubscribe page.
 */
export function statusAnnouncementMail(content: AnnouncementContent, unsubscribeUrl: string): RenderedMail {
  const lines: Array<[label: string, value: string]> = [];
  let subject: string;
  let heading: string;
  let body: string;
  let link: string;
  if ("incident" in content) {
    const { incident, update } = content;
    const state = stateWords[update?.state ?? incident.state] ?? flat(update?.state ?? incident.state);
    heading = flat(incident.title);
    subject = `[${state}] ${heading}`;
    body = update?.body.trim() ?? "";
    link = incident.url;
    lines.push(["Status", state], ["Impact", incident.impact], ["Affected", affected(incident.components)]);
    lines.push(["Started", utcMinute(incident.startedAt)]);
    if (incident.resolvedAt) lines.push(["Resolved", utcMinute(incident.resolvedAt)]);
  } else {
    const { maintenance } = content;
    heading = flat(maintenance.title);
    subject = `[${maintenanceWords[content.kind]}] ${heading}`;
    body = maintenance.description.trim();
    link = maintenance.url;
    lines.push(
      ["Window", `${utcMinute(maintenance.startsAt)} – ${utcMinute(maintenance.endsAt)}`],
      ["Affected", affected(maintenance.components)],
    );
  }
  const facts = lines.map(([label, value]) => `${label}: ${value}`).join("\n");
  const footer = "You get this mail because this address subscribed to the status page.";
  const text =
    `${heading}\n\n${facts}\n\n${body === "" ? "" : `${body}\n\n`}` +
    `Details: ${link}\n\n--\n${footer}\nUnsubscribe: ${unsubscribeUrl}\n`;
  const html = document(
    subject,
    `<h1>${escapeHtml(heading)}</h1><p>${lines.map(([l, v]) => `${escapeHtml(l)}: ${escapeHtml(v)}`).join("<br>")}</p>` +
      (body === "" ? "" : `<p>${escapeHtml(body).replace(/\n/g, "<br>")}</p>`) +
      `<p><a href="${escapeHtml(link)}">Details</a></p>` +
      `<hr><p>${escapeHtml(footer)} <a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p>`,
  );
  return { subject, text, html };
}

/** The double opt-in mail: one link that confirms, and what happens if it is ignored. */
export function subscriptionConfirmationMail(input: {
  confirmUrl: string;
  expiresAt: Date;
  components: ReadonlyArray<{ name: string }>;
}): RenderedMail {
  const subject = "Confirm your status page subscription";
  const what =
    input.components.length === 0
      ? "all components"
      : `these components: ${input.components.map((c) => flat(c.name)).join(", ")}`;
  const explanation = `Someone (we hope you) asked for mail about incidents and maintenance on the status page, for ${what}. Open the link below to confirm; it works once, until ${utcMinute(input.expiresAt.toISOString())}.`;
  const warning = "If you did not ask for it, ignore this mail: without confirmation nothing more is sent.";
  const text = `${explanation}\n\n${input.confirmUrl}\n\n${warning}\n`;
  const html = document(
    subject,
    `<p>${escapeHtml(explanation)}</p><p><a href="${escapeHtml(input.confirmUrl)}">Confirm the subscription</a></p><p>${escapeHtml(warning)}</p>`,
  );
  return { subject, text, html };
}
