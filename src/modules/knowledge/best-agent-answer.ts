/**
 * Pure: the agent reply a new article about a frequent question should start from. A reply the
 * customer rated Good answered them; failing that, the last public reply before a ticket was
 * solved is the one that solved it; failing that, the answer agents gave most often.
 */

export interface AnsweredTicket {
  ticketId: string;
  ratedGood: boolean;
  solvedAt: string | null;
  /** Public agent replies, oldest first. */
  replies: { commentId: string; body: string; createdAt: string }[];
}

export type AnswerReason = "rated_good" | "solved" | "most_common";

export interface BestAnswer {
  ticketId: string;
  commentId: string;
  body: string;
  reason: AnswerReason;
}

function solvingReply(ticket: AnsweredTicket) {
  if (ticket.solvedAt === null) return undefined;
  const solvedAt = ticket.solvedAt;
  return ticket.replies.filter((reply) => reply.createdAt <= solvedAt).at(-1);
}

const sameWords = (body: string) => body.trim().toLowerCase().replace(/\s+/g, " ");

/** Tickets in the group's order (most typical first), which breaks every tie. */
export function bestAgentAnswer(tickets: AnsweredTicket[]): BestAnswer | null {
  for (const reason of ["rated_good", "solved"] as const) {
    for (const ticket of tickets) {
      if (reason === "rated_good" && !ticket.ratedGood) continue;
      const reply = solvingReply(ticket) ?? (reason === "rated_good" ? ticket.replies.at(-1) : undefined);
      if (reply) return { ticketId: ticket.ticketId, commentId: reply.commentId, body: reply.body, reason };
    }
  }
  const counts = new Map<string, { count: number; ticketId: string; commentId: string; body: string }>();
  for (const ticket of tickets) {
    for (const reply of ticket.replies) {
      const key = sameWords(reply.body);
      if (key === "") continue;
      const seen = counts.get(key);
      if (seen) seen.count += 1;
      else
        counts.set(key, {
          count: 1,
          ticketId: ticket.ticketId,
          commentId: reply.commentId,
          body: reply.body,
        });
    }
  }
  let best: { count: number; ticketId: string; commentId: string; body: string } | undefined;
  for (const candidate of counts.values()) if (!best || candidate.count > best.count) best = candidate;
  return best
    ? { ticketId: best.ticketId, commentId: best.commentId, body: best.body, reason: "most_common" }
    : null;
}
