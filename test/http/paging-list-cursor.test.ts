import { beforeAll, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/shared/clock.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** The pages list a list page at a time: open pages first, every page once, across equal instants. */
const desk = useTestDesk();
let admin: Person;
let agent: Person;

function call(method: "GET" | "POST", url: string, who: Person, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload ? { payload } : {}),
  });
}

interface Listed {
  pages: { id: string; title: string; status: string }[];
  nextCursor: string | null;
}

async function listPage(query: string): Promise<Listed> {
  const response = await call("GET", `/pages?${query}`, agent);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "list-walk",
    levels: [{ targets: [{ kind: "person", personId: agent.id }], timeoutMinutes: 5 }],
  });
  expect(policy.statusCode, policy.body).toBe(201);
});

describe("the pages list", () => {
  it("walks every page once, open first, newest first within a status, by its cursor", async () => {
    const opened: Record<string, string> = {};
    // "Twin A" and "Twin B" open at the same instant: only their ids order them.
    for (const title of ["Oldest", "Twin A", "Twin B", "Acknowledged", "Resolved", "Newest"]) {
      if (title !== "Twin B") desk.clock.advance(MINUTE);
      const page = await call("POST", "/pages", agent, { title, severity: "sev2", policy: "list-walk" });
      expect(page.statusCode, page.body).toBe(201);
      opened[title] = page.json().id;
    }
    expect((await call("POST", `/pages/${opened.Acknowledged}/acknowledgement`, agent)).statusCode).toBe(200);
    expect((await call("POST", `/pages/${opened.Resolved}/resolution`, agent)).statusCode).toBe(200);

    const walked: Listed["pages"] = [];
    const cursors: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const listed: Listed = await listPage(
        `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(listed.pages.length).toBeLessThanOrEqual(2);
      walked.push(...listed.pages);
      cursor = listed.nextCursor;
      cursors.push(cursor);
    } while (cursor);

    const twins = [opened["Twin A"], opened["Twin B"]].sort().reverse();
    const twinTitles = twins.map((id) => (id === opened["Twin A"] ? "Twin A" : "Twin B"));
    expect(walked.map((page) => page.title)).toEqual([
      "Newest",
      ...twinTitles,
      "Oldest",
      "Acknowledged",
      "Resolved",
    ]);
    expect(walked.map((page) => page.status)).toEqual([
      "open",
      "open",
      "open",
      "open",
      "acknowledged",
      "resolved",
    ]);
    // Six pages, two a time: three list pages, the last without a cursor.
    expect(cursors).toHaveLength(3);
    expect((await listPage("")).nextCursor).toBeNull();
  });

  it("refuses a cursor it did not hand out, naming the field", async () => {
    for (const forged of ["not-a-cursor", Buffer.from(JSON.stringify(["7|x", "id"])).toString("base64url")]) {
      const response = await call("GET", `/pages?cursor=${forged}`, agent);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors).toEqual([expect.objectContaining({ field: "cursor" })]);
    }
    expect((await call("GET", "/pages?limit=0", agent)).statusCode).toBe(400);
  });
});
