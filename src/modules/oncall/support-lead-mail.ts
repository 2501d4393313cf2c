import { readableDateTimeFormat } from "../calendar/zoned-time.js";
import { escapeHtml, type RenderedMail } from "../email/notification-templates.js";

export interface SupportLeadMailInput {
  scheduleName: string;
  timeZone: string;
  outgoingName: string;
  incomingName: string;
  handoffAt: Date;
  acknowledgementDueAt: Date;
  debriefLink: string;
}

/** "Monday 21 December, 09:00 (America/Los_Angeles)": the schedule's wall time, as the team plans in it. */
export function inScheduleZone(at: Date, timeZone: string): string {
  const local = readableDateTimeFormat(timeZone).format(at);
  return `${local} (${timeZone})`;
}

/** The support lead's mail: whose debrief sits unread, since when, and the link to chase it from. */
export function supportLeadMail(input: SupportLeadMailInput): RenderedMail {
  const schedule = input.scheduleName.replace(/\s+/g, " ").trim();
  const subject = `Handoff debrief not acknowledged: ${schedule}`;
  const summary =
    `${input.incomingName} has not acknowledged the handoff debrief from ${input.outgoingName} ` +
    `for ${schedule}. The handoff was ${inScheduleZone(input.handoffAt, input.timeZone)}; ` +
    `acknowledgement was due by ${inScheduleZone(input.acknowledgementDueAt, input.timeZone)}.`;
  const why = "Until it is acknowledged, the open tickets it lists stay with the outgoing engineer.";
  const text = [subject, "", summary, "", why, "", `Open the debrief: ${input.debriefLink}`, ""].join("\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    `<h1>${escapeHtml(subject)}</h1><p>${escapeHtml(summary)}</p><p>${escapeHtml(why)}</p>` +
    `<p><a href="${escapeHtml(input.debriefLink)}">Open the debrief</a></p></body></html>`;
  return { subject, text, html };
}
