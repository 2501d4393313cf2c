import { describe, expect, it } from "vitest";
import { decideThread } from "./threading.js";

const allowed = (ticketNumber: number) => ({ ticketNumber, senderMayReply: true });
const outsider = (ticketNumber: number) => ({ ticketNumber, senderMayReply: false });

describe("threading decision", () => {
  it("prefers our Message-IDs over the plus-address over the subject tag", () => {
    expect(decideThread({ headers: allowed(1), plus_address: allowed(2), subject_tag: allowed(3) })).toEqual({
      kind: "reply",
      ticketNumber: 1,
      clue: "headers",
    });
    expect(decideThread({ headers: null, plus_address: allowed(2), subject_tag: allowed(3) })).toEqual({
      kind: "reply",
      ticketNumber: 2,
      clue: "plus_address",
    });
    expect(decideThread({ subject_tag: allowed(3) })).toEqual({
      kind: "reply",
      ticketNumber: 3,
      clue: "subject_tag",
    });
  });

  it("opens a new ticket when nothing matches", () => {
    expect(decideThread({})).toEqual({ kind: "new_ticket", reason: "no thread clue matched" });
  });

  it("never merges an outsider into someone else's ticket", () => {
    const decision = decideThread({ subject_tag: outsider(1042) });
    expect(decision.kind).toBe("new_ticket");
    expect(decision.kind === "new_ticket" && decision.reason).toMatch(/#1042 by subject tag/);
    expect(decideThread({ headers: outsider(5) }).kind).toBe("new_ticket");
  });

  it("falls through to a later clue the sender is allowed on", () => {
    expect(decideThread({ headers: outsider(5), subject_tag: allowed(6) })).toEqual({
      kind: "reply",
      ticketNumber: 6,
      clue: "subject_tag",
    });
  });
});
