/**
 * Slack's Events API envelope and what Tend takes from it. Pure. Tend reads top-level messages
 * and thread replies a person wrote in a channel; everything else is ignored on purpose: bot
 * messages (its own replies and other apps' would loop or flood), edits and deletions (a ticket's
 * history is append-only: a changed Slack message does not rewrite a comment), joins and other
 * subtypes, and every event type but `message`.
 */
export interface SlackEnvelope {
  type?: string;
  challenge?: string;
  event_id?: string;
  team_id?: string;
  event?: {
    type?: string;
    subtype?: string;
    bot_id?: string;
    channel?: string;
    channel_type?: string;
    user?: string;
    text?: string;
    ts?: string;
    thread_ts?: string;
  };
}

export interface SlackMessage {
  eventId: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  /** Set for a reply in a thread: the ts of the thread's first message. */
  threadTs: string | null;
}

export function slackMessageOf(envelope: SlackEnvelope): SlackMessage | null {
  const event = envelope.event;
  if (envelope.type !== "event_callback" || !envelope.event_id || !event) return null;
  if (event.type !== "message" || event.subtype !== undefined || event.bot_id !== undefined) return null;
  if (!event.channel || !event.user || !event.ts || !event.text?.trim()) return null;
  const threadTs = event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : null;
  return {
    eventId: envelope.event_id,
    channel: event.channel,
    user: event.user,
    text: event.text,
    ts: event.ts,
    threadTs,
  };
}

/** A ticket's subject from a chat message: its first line, Slack's user and channel mentions as typed. */
export function subjectOf(text: string): string {
  const firstLine = text.trim().split("\n")[0]?.trim() ?? "";
  return firstLine.length > 120 ? `${firstLine.slice(0, 119)}…` : firstLine;
}
