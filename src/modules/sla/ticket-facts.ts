import type { DbExecutor } from "../../db/database.js";
import type { TicketFact } from "./sla-types.js";

/**
 * Reads what happened on a ticket in the terms the clocks need: its creation, every status change,
 * and each public reply after the description, told apart by who wrote it. The only SQL the
 * engine's input needs; the engine itself stays pure.
 */
export async function loadTicketFacts(db: DbExecutor, ticketId: string): Promise<TicketFact[]> {
  const [events, replies] = await Promise.all([
    db
      .selectFrom("ticket_events")
      .select(["kind", "field", "from_value", "to_value", "created_at"])
      .where("ticket_id", "=", ticketId)
      .where((eb) =>
        eb.or([
          eb("kind", "=", "created"),
          eb.and([eb("kind", "=", "field_changed"), eb("field", "=", "status")]),
        ]),
      )
      .orderBy("id")
      .execute(),
    db
      .selectFrom("comments")
      .innerJoin("people", "people.id", "comments.author_id")
      .select([
        "comments.id",
        "comments.created_at",
        "comments.qualifying",
        "comments.workaround",
        "people.role",
      ])
      .where("comments.ticket_id", "=", ticketId)
      .where("comments.visibility", "=", "public")
      // Tend's own messages (the closed-hours acknowledgement) are nobody's response or update.
      .where("comments.channel", "!=", "system")
      .orderBy("comments.id")
      .execute(),
  ]);
  const facts: TicketFact[] = [];
  for (const event of events) {
    const at = new Date(event.created_at);
    if (event.kind === "created") facts.push({ kind: "created", at, status: event.to_value ?? "new" });
    else facts.push({ kind: "status_changed", at, from: event.from_value ?? "", to: event.to_value ?? "" });
  }
  // The first public comment is the ticket's description, part of its creation, not a reply.
  for (const reply of replies.slice(1)) {
    const at = new Date(reply.created_at);
    if (reply.role === "customer") facts.push({ kind: "customer_reply", at });
    else
      facts.push({
        kind: "agent_public_reply",
        at,
        qualifying: reply.qualifying === 1,
        workaround: reply.workaround === 1,
      });
  }
  return facts.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || sameInstantOrder[a.kind] - sameInstantOrder[b.kind],
  );
}

/**
 * A reply and the status it was submitted with share an instant. An agent's reply comes before
 * its status (an answer submitted as Pending or Solved still answers); a customer's reply comes
 * after the reopening it caused (the next-response cycle starts on an Open ticket).
 */
const sameInstantOrder: Record<TicketFact["kind"], number> = {
  created: 0,
  agent_public_reply: 1,
  status_changed: 2,
  customer_reply: 3,
};
