/**
 * Which ticket an inbound message continues, pure. The caller looks up a candidate ticket for each
 * clue and says whether the sender may write on it; this decides in the order that is hardest to
 * fool: our own Message-IDs in In-Reply-To/References (only a recipient of the thread has them),
 * then the plus-address the customer replied to, then a `[#1042]` subject tag (which anyone can
 * type, so it counts only for someone already allowed on the ticket).
 */

export const threadClues = ["headers", "plus_address", "subject_tag"] as const;
export type ThreadClue = (typeof threadClues)[number];

export interface ThreadCandidate {
  ticketNumber: number;
  /** Whoever may see the ticket (requester, their organization, staff), or one of its followers. */
  senderMayReply: boolean;
}

export type ThreadingDecision =
  | { kind: "reply"; ticketNumber: number; clue: ThreadClue }
  | { kind: "new_ticket"; reason: string };

export function decideThread(
  candidates: Partial<Record<ThreadClue, ThreadCandidate | null>>,
): ThreadingDecision {
  const refused: string[] = [];
  for (const clue of threadClues) {
    const candidate = candidates[clue];
    if (!candidate) continue;
    if (candidate.senderMayReply) return { kind: "reply", ticketNumber: candidate.ticketNumber, clue };
    refused.push(`#${candidate.ticketNumber} by ${clue.replace("_", " ")}`);
  }
  // A sender outside the ticket quoting its tag or headers gets a ticket of their own: merging them
  // in would show them someone else's conversation and put their words in it.
  return refused.length > 0
    ? { kind: "new_ticket", reason: `the sender may not write on ${refused.join(", ")}` }
    : { kind: "new_ticket", reason: "no thread clue matched" };
}
