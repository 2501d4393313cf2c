import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, UnauthorizedError } from "../../errors.js";
import type { Actor } from "../identity/actor.js";
import {
  contentTombstone,
  erasedEmail,
  isErased,
  keepsCommentsOnOthersTickets,
  requireErasable,
} from "./privacy-policy.js";

const admin: Actor = { kind: "person", personId: "admin-1", role: "admin", organizationId: null };
const customer = { id: "person-2", name: "Quinn", email: "quinn@mail.example", role: "customer" };

describe("who may erase whom", () => {
  it("lets an admin or the operator's CLI erase a customer or an agent", () => {
    for (const actor of [admin, { kind: "system", reason: "cli" } as Actor]) {
      expect(() => requireErasable(actor, customer)).not.toThrow();
      expect(() => requireErasable(actor, { ...customer, role: "agent" })).not.toThrow();
    }
  });

  it("refuses agents, customers and anonymous callers", () => {
    expect(() => requireErasable({ ...admin, role: "agent" }, customer)).toThrow(ForbiddenError);
    expect(() => requireErasable({ ...admin, role: "customer" }, customer)).toThrow(ForbiddenError);
    expect(() => requireErasable({ kind: "anonymous" }, customer)).toThrow(UnauthorizedError);
  });

  it("never erases one's own account, an admin, or someone already erased", () => {
    expect(() => requireErasable(admin, { ...customer, id: "admin-1", role: "admin" })).toThrow(
      ForbiddenError,
    );
    expect(() => requireErasable(admin, { ...customer, role: "admin" })).toThrow(/change their role/);
    expect(() => requireErasable(admin, { ...customer, email: erasedEmail(customer.id) })).toThrow(
      ConflictError,
    );
  });
});

describe("what an erasure leaves", () => {
  it("gives the profile an address no mail can reach, unique to the person", () => {
    expect(erasedEmail("0191")).toBe("erased-0191@erased.invalid");
    expect(isErased({ email: erasedEmail("0191") })).toBe(true);
    expect(isErased({ email: "someone@erased.invalid.example" })).toBe(false);
  });

  it("says when and why the content went", () => {
    const at = new Date("2026-11-23T22:10:00Z");
    expect(contentTombstone("person_erased", at)).toBe("[erased on 2026-11-23 at the requester's request]");
    expect(contentTombstone("retention", at)).toBe("[erased on 2026-11-23 by the retention policy]");
  });

  it("keeps what staff wrote on other customers' tickets, never a customer's words", () => {
    expect(keepsCommentsOnOthersTickets("agent")).toBe(true);
    expect(keepsCommentsOnOthersTickets("customer")).toBe(false);
  });
});
