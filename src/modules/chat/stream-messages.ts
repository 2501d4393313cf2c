import { slackEscape } from "../paging/page-webhook-delivery.js";
import type { StreamEventKind } from "./stream-routing.js";

/**
 * The message a stream event becomes, and its shape for each platform: Slack Block Kit, a
 * Microsoft Teams MessageCard (what Teams' incoming webhooks take), or plain JSON. Pure.
 */
export interface StreamMessage {
  kind: StreamEventKind;
  eventId: string;
  occurredAt: string;
  ticketNumber: number;
  subject: string;
  severity: string;
  status: string;
  groupName: string | null;
  ticketUrl: string;
  /** What happened, one line: "Opened by Ada", "SLA breached: first response (Standard)". */
  headline: string;
}

const severityLabel = (severity: string) => severity.replace(/^sev/i, "Sev ");

/** A line-safe subject: Slack's mrkdwn and a card's title show one line. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

export function slackStreamPayload(message: StreamMessage): {
  text: string;
  blocks: Record<string, unknown>[];
} {
  const title = `#${message.ticketNumber} ${slackEscape(oneLine(message.subject))}`;
  return {
    // The fallback text shows in notifications and where blocks cannot render.
    text: `${title} — ${slackEscape(message.headline)}`,
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `*<${message.ticketUrl}|${title}>*\n${slackEscape(message.headline)}` },
      },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Severity*\n${severityLabel(message.severity)}` },
          { type: "mrkdwn", text: `*Group*\n${slackEscape(message.groupName ?? "None")}` },
          { type: "mrkdwn", text: `*Status*\n${message.status}` },
        ],
      },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: `Open ticket #${message.ticketNumber}` },
            url: message.ticketUrl,
          },
        ],
      },
    ],
  };
}

export function teamsStreamPayload(message: StreamMessage): Record<string, unknown> {
  return {
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: `#${message.ticketNumber} ${oneLine(message.subject)}`,
    themeColor: message.severity === "sev1" ? "D13438" : "0078D7",
    title: `#${message.ticketNumber} ${oneLine(message.subject)}`,
    text: message.headline,
    sections: [
      {
        facts: [
          { name: "Severity", value: severityLabel(message.severity) },
          { name: "Group", value: message.groupName ?? "None" },
          { name: "Status", value: message.status },
        ],
      },
    ],
    potentialAction: [
      {
        "@type": "OpenUri",
        name: `Open ticket #${message.ticketNumber}`,
        targets: [{ os: "default", uri: message.ticketUrl }],
      },
    ],
  };
}

export function genericStreamPayload(message: StreamMessage): Record<string, unknown> {
  return {
    type: message.kind,
    eventId: message.eventId,
    occurredAt: message.occurredAt,
    text: `#${message.ticketNumber} ${oneLine(message.subject)} — ${message.headline}`,
    ticket: {
      number: message.ticketNumber,
      subject: message.subject,
      severity: message.severity,
      status: message.status,
      group: message.groupName,
      url: message.ticketUrl,
    },
  };
}
