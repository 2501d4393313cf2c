import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceHandoffs } from "../../src/modules/oncall/announce-handoffs.js";
import { DAY } from "../../src/shared/clock.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** Handoffs announced to a chat webhook: a real local HTTP server receives the posts. */
const desk = useTestDesk();
let admin: Person;
let alice: Person;
let bob: Person;
let server: Server;
let hookUrl: string;
const received: unknown[] = [];
/** How many of the next posts the chat server refuses, as a chat service having a bad minute. */
let refuseNext = 0;

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  alice = await desk.makeAgent();
  bob = await desk.makeAgent();
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      if (refuseNext > 0) {
        refuseNext -= 1;
        response.writeHead(503).end();
        return;
      }
      received.push({
        path: request.url,
        contentType: request.headers["content-type"],
        body: JSON.parse(body),
      });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/support-channel`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("handoff announcements", () => {
  it("post who is on duty once per handoff, in the schedule's zone, however many workers run the job", async () => {
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/oncall/schedules",
      headers: admin.auth,
      payload: {
        name: "Customer support",
        timeZone: "Europe/Paris",
        layers: [
          {
            participants: [alice.id, bob.id],
            startDate: "2026-11-23",
            handoffTime: "09:00",
            rotation: { every: 1, unit: "days" },
          },
        ],
        chatWebhookUrl: hookUrl,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().chatWebhookConfigured).toBe(true);
    // The webhook URL is a secret: it appears in no answer.
    expect(created.body).not.toContain(String((server.address() as AddressInfo).port));
    const read = await desk.app.inject({
      url: `/api/v1/oncall/schedules/${created.json().id}`,
      headers: alice.auth,
    });
    expect(read.body).not.toContain("support-channel");

    const runs = await Promise.all([announceHandoffs(desk.system), announceHandoffs(desk.system)]);
    expect(runs.reduce((sum, run) => sum + run.announced, 0)).toBe(1);
    expect(received).toEqual([
      {
        path: "/services/support-channel",
        contentType: "application/json",
        body: {
          text: `On duty for support: ${alice.name} until Tuesday 24 November at 09:00 (Europe/Paris)`,
        },
      },
    ]);
    expect(await announceHandoffs(desk.system)).toEqual({ announced: 0, failed: 0 });
    expect(received).toHaveLength(1);

    // The next day bob takes over; the chat server is down for the first try, which the next run makes good.
    desk.clock.advance(DAY);
    refuseNext = 1;
    expect(await announceHandoffs(desk.system)).toEqual({ announced: 0, failed: 1 });
    expect(received).toHaveLength(1);
    expect(await announceHandoffs(desk.system)).toEqual({ announced: 1, failed: 0 });
    expect(received.at(-1)).toMatchObject({
      body: { text: `On duty for support: ${bob.name} until Wednesday 25 November at 09:00 (Europe/Paris)` },
    });
  });
});
