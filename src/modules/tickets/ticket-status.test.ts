import { describe, expect, it } from "vitest";
import { DAY } from "../../shared/clock.js";
import {
  checkTransition,
  isDueForAutoClose,
  isDueForAutoSolve,
  statusAfterCustomerReply,
  statusAfterStaffReply,
  ticketStatuses,
} from "./ticket-status.js";

describe("ticket lifecycle rules", () => {
  it("lets staff move between the working statuses", () => {
    for (const [from, to] of [
      ["new", "open"],
      ["new", "pending"],
      ["open", "pending"],
      ["pending", "solved"],
      ["solved", "open"],
    ] as const) {
      expect(checkTransition(from, to, "staff")).toEqual({ allowed: true });
    }
  });

  it("never lets a ticket return to New", () => {
    const check = checkTransition("open", "new", "staff");
    expect(check).toEqual({ allowed: false, reason: expect.stringContaining("cannot return to New") });
  });

  it("keeps Closed read-only for everyone", () => {
    for (const to of ticketStatuses.filter((s) => s !== "closed")) {
      for (const by of ["staff", "customer", "system"] as const) {
        expect(checkTransition("closed", to, by).allowed).toBe(false);
      }
    }
  });

  it("closes only by the system, and only from Solved", () => {
    expect(checkTransition("solved", "closed", "staff").allowed).toBe(false);
    expect(checkTransition("pending", "closed", "system").allowed).toBe(false);
    expect(checkTransition("solved", "closed", "system").allowed).toBe(true);
  });

  it("lets customers only mark their ticket solved", () => {
    expect(checkTransition("pending", "solved", "customer").allowed).toBe(true);
    expect(checkTransition("solved", "open", "customer").allowed).toBe(false);
    expect(checkTransition("new", "pending", "customer").allowed).toBe(false);
  });

  it("reopens Pending and Solved on a customer reply and asks for a follow-up on Closed", () => {
    expect(statusAfterCustomerReply("pending")).toBe("open");
    expect(statusAfterCustomerReply("solved")).toBe("open");
    expect(statusAfterCustomerReply("new")).toBe("new");
    expect(statusAfterCustomerReply("open")).toBe("open");
    expect(statusAfterCustomerReply("closed")).toBe("follow_up");
  });

  it("opens a New ticket on an agent reply unless the agent chose a status", () => {
    expect(statusAfterStaffReply("new", undefined)).toBe("open");
    expect(statusAfterStaffReply("new", "pending")).toBe("pending");
    expect(statusAfterStaffReply("pending", undefined)).toBe("pending");
  });

  it("solves Pending after exactly 5 days of silence, not a millisecond before", () => {
    const last = new Date("2026-11-02T10:00:00.000Z");
    expect(isDueForAutoSolve("pending", last, new Date(last.getTime() + 5 * DAY - 1))).toBe(false);
    expect(isDueForAutoSolve("pending", last, new Date(last.getTime() + 5 * DAY))).toBe(true);
    expect(isDueForAutoSolve("open", last, new Date(last.getTime() + 50 * DAY))).toBe(false);
  });

  it("closes Solved after exactly 4 days", () => {
    const solved = new Date("2026-11-02T10:00:00.000Z");
    expect(isDueForAutoClose("solved", solved, new Date(solved.getTime() + 4 * DAY - 1))).toBe(false);
    expect(isDueForAutoClose("solved", solved, new Date(solved.getTime() + 4 * DAY))).toBe(true);
    expect(isDueForAutoClose("solved", null, new Date(solved.getTime() + 40 * DAY))).toBe(false);
  });
});
