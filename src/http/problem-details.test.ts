import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../test/support/test-desk.js";

describe("router refusals", () => {
  const desk = useTestDesk();

  // Found by the API fuzzer: the router answered these in Fastify's own JSON, not problem+json.
  it("answers a malformed %-escape and an overlong path parameter in problem+json", async () => {
    const agent = await desk.makeAgent();
    for (const [url, status] of [
      ["/api/v1/tickets/%ff", 400],
      [`/api/v1/people/${"x".repeat(300)}`, 414],
    ] as const) {
      const response = await desk.app.inject({ url, headers: agent.auth });
      expect(response.statusCode).toBe(status);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status });
    }
  });
});
