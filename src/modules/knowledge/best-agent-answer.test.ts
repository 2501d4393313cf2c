import { describe, expect, it } from "vitest";
import { type AnsweredTicket, bestAgentAnswer } from "./best-agent-answer.js";

const reply = (commentId: string, body: string, createdAt: string) => ({ commentId, body, createdAt });

describe("bestAgentAnswer", () => {
  const unsolved: AnsweredTicket = {
    ticketId: "t1",
    ratedGood: false,
    solvedAt: null,
    replies: [reply("c1", "Try clearing the cache.", "2026-12-01T10:00:00Z")],
  };
  const solved: AnsweredTicket = {
    ticketId: "t2",
    ratedGood: false,
    solvedAt: "2026-12-02T12:00:00Z",
    replies: [
      reply("c2", "Looking into it.", "2026-12-02T09:00:00Z"),
      reply("c3", "Request a new link from the sign-in page.", "2026-12-02T11:00:00Z"),
      reply("c4", "Glad it worked!", "2026-12-02T13:00:00Z"),
    ],
  };
  const ratedGood: AnsweredTicket = {
    ticketId: "t3",
    ratedGood: true,
    solvedAt: "2026-12-03T12:00:00Z",
    replies: [reply("c5", "Links last 30 minutes: request one and use it at once.", "2026-12-03T11:00:00Z")],
  };

  it("prefers the solving reply on a ticket rated Good", () => {
    expect(bestAgentAnswer([unsolved, solved, ratedGood])).toEqual({
      ticketId: "t3",
      commentId: "c5",
      body: "Links last 30 minutes: request one and use it at once.",
      reason: "rated_good",
    });
  });

  it("else takes the last public reply before a ticket was solved, not one after", () => {
    expect(bestAgentAnswer([unsolved, solved])).toMatchObject({ commentId: "c3", reason: "solved" });
  });

  it("else the answer given most often, whatever its spacing and case", () => {
    const open = (ticketId: string, body: string): AnsweredTicket => ({
      ticketId,
      ratedGood: false,
      solvedAt: null,
      replies: [reply(`${ticketId}-r`, body, "2026-12-01T10:00:00Z")],
    });
    const answer = bestAgentAnswer([
      open("a", "Restart the app."),
      open("b", "Clear  the cache."),
      open("c", "clear the cache."),
    ]);
    expect(answer).toMatchObject({ ticketId: "b", reason: "most_common", body: "Clear  the cache." });
  });

  it("has nothing to offer when no agent answered", () => {
    expect(bestAgentAnswer([{ ticketId: "t", ratedGood: true, solvedAt: null, replies: [] }])).toBeNull();
  });
});
