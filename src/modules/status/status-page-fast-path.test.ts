import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { createStatusComponent } from "./manage-status.js";

const desk = useTestDesk();

beforeAll(async () => {
  const admin = await desk.makeAgent({ role: "admin" });
  await createStatusComponent({
    ctx: desk.as(admin.actor),
    input: { groupName: "Platform", name: "API", position: 1 },
  });
});

/** Every header but the date, which differs between two answers a second apart. */
function headersOf(response: { headers: Record<string, unknown> }) {
  const { date: _date, ...rest } = response.headers;
  return rest;
}

describe("the cached public status routes' early answer", () => {
  // A cookie of no meaning to Tend sends the request through the ordinary route and its hooks.
  const throughTheRoute = { cookie: "unrelated=1" };

  for (const url of ["/status", "/api/v2/summary.json", "/api/v2/status.json"]) {
    it(`answers ${url} exactly as the ordinary route does, security headers included`, async () => {
      const early = await desk.app.inject({ url });
      const ordinary = await desk.app.inject({ url, headers: throughTheRoute });
      expect(early.statusCode).toBe(200);
      expect(ordinary.statusCode).toBe(200);
      expect(early.body).toBe(ordinary.body);
      expect(headersOf(early)).toEqual(headersOf(ordinary));
      expect(early.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(early.headers["x-frame-options"]).toBe("DENY");
      expect(early.headers["referrer-policy"]).toBe("no-referrer");

      const etag = String(early.headers.etag);
      const earlyRevalidated = await desk.app.inject({ url, headers: { "if-none-match": etag } });
      const ordinaryRevalidated = await desk.app.inject({
        url,
        headers: { "if-none-match": etag, ...throughTheRoute },
      });
      expect(earlyRevalidated.statusCode).toBe(304);
      expect(earlyRevalidated.body).toBe("");
      expect(headersOf(earlyRevalidated)).toEqual(headersOf(ordinaryRevalidated));
    });
  }

  it("keeps the JSON documents readable from other origins", async () => {
    const response = await desk.app.inject({ url: "/api/v2/summary.json" });
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(response.headers["cross-origin-resource-policy"]).toBe("cross-origin");
  });

  it("still refuses a wrong bearer token, as every route does", async () => {
    const response = await desk.app.inject({
      url: "/status",
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(response.statusCode).toBe(401);
  });

  it("still refuses a NUL in the query string with the input checks' 400", async () => {
    const response = await desk.app.inject({ url: "/api/v2/summary.json?x=%00" });
    expect(response.statusCode).toBe(400);
  });
});
