import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../test/support/test-desk.js";
import { inputProblems } from "./input-hygiene.js";

describe("input the database cannot take", () => {
  const desk = useTestDesk();

  it("names every field that holds one, however deep", () => {
    expect(inputProblems("body", { name: "ok", tags: ["a", "b\u0000"], nested: { deep: "\u0000" } })).toEqual(
      [
        { field: "/body/nested/deep", message: "must not contain the NUL character" },
        { field: "/body/tags/1", message: "must not contain the NUL character" },
      ],
    );
    expect(inputProblems("query", { text: "plain" })).toEqual([]);
  });

  // Found by the API fuzzer: on PostgreSQL these were 500s ("invalid byte sequence for encoding UTF8: 0x00").
  it("refuses a login email and a group description holding NUL with a 400, not a 500", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const login = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "a\u0000b", password: "" },
    });
    expect(login.statusCode).toBe(400);
    expect(login.json()).toMatchObject({ errors: [{ field: "/body/email" }] });

    const group = await desk.app.inject({
      method: "POST",
      url: "/api/v1/groups",
      headers: admin.auth,
      payload: { name: "Night shift", description: "subject:secret\u0000" },
    });
    expect(group.statusCode).toBe(400);
    expect(group.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(group.json()).toMatchObject({ errors: [{ field: "/body/description" }] });
  });

  it("refuses NUL in a query value", async () => {
    const agent = await desk.makeAgent();
    const response = await desk.app.inject({ url: "/api/v1/tickets?tag=vip%00", headers: agent.auth });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ field: "/query/tag" }] });
  });

  // Found by the API fuzzer: on PostgreSQL, "invalid input syntax for type integer: Infinity".
  it("refuses a ticket number that coerces to Infinity with a 400, not a 500", async () => {
    const agent = await desk.makeAgent();
    for (const number of ["Infinity", "1e309"]) {
      const response = await desk.app.inject({ url: `/api/v1/tickets/${number}`, headers: agent.auth });
      expect(response.statusCode, number).toBe(400);
      expect(response.json()).toMatchObject({
        errors: [{ field: "/params/number", message: "must be a finite number" }],
      });
    }
    expect(inputProblems("body", { durationMs: Number.POSITIVE_INFINITY, ok: 1 })).toEqual([
      { field: "/body/durationMs", message: "must be a finite number" },
    ]);
  });
});
