import nodemailer from "nodemailer";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { enqueueJob, JobRunner } from "../../src/jobs/job-runner.js";
import { type SmtpListener, startSmtpListener } from "../../src/modules/email/inbound-smtp-listener.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { createGroup } from "../../src/modules/identity/manage-groups.js";
import { TendMetrics } from "../../src/modules/metrics/tend-metrics.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { scanSlaClocks } from "../../src/modules/sla/sla-scan.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * `/metrics` on a seeded desk: the scrape parsed as Prometheus reads it, figures checked against what
 * the desk holds (read through the API where one exists), counters moved by a real SMTP exchange.
 */
const desk = useTestDesk();
const metricsToken = "metrics-token-for-the-test-scraper-0123456789";
const supportAddress = "support@tend.test";
const silent = pino({ level: "silent" });

/** One sample line of the text format: `name{label="value",…} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] as string] = (label[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === "n" ? "\n" : c,
      );
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sample's value, 0 when the series is absent (Prometheus's own reading of a missing count). */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value ?? 0;
}

let app: TendApp;
let metrics: TendMetrics;
let listener: SmtpListener;
let agent: Person;
let customer: Person;
let groupName: string;
const ticketNumbers: number[] = [];

async function scrape(target: TendApp = app): Promise<Sample[]> {
  const response = await target.inject({
    url: "/metrics",
    headers: { authorization: `Bearer ${metricsToken}` },
    remoteAddress: "203.0.113.20",
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(response.body);
}

beforeAll(async () => {
  metrics = new TendMetrics(desk.database.db);
  app = await buildApp({
    database: desk.database,
    logger: silent,
    clock: desk.clock,
    publicUrl: "http://localhost:8080",
    bodyLimitBytes: 64 * 1024,
    metrics,
    metricsToken,
  });
  listener = await startSmtpListener(desk.as(systemActor("inbound email"), "email"), {
    host: "127.0.0.1",
    port: 0,
    supportAddresses: [supportAddress],
    maxMessageBytes: 64 * 1024,
    observer: metrics.inboundMail,
  });
  desk.clock.set("2026-11-23T09:00:00Z");
  await installDefaultPolicies(desk.system);
  const admin = await desk.makeAgent({ role: "admin" });
  groupName = `Platform ${desk.unique()}`;
  const group = await createGroup({ ctx: desk.as(admin.actor), input: { name: groupName } });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
  const seeded = [
    ...Array.from({ length: 3 }, () => ({ status: "open" as const, severity: "sev1" as const })),
    { status: "new" as const, severity: "sev1" as const },
    { status: "pending" as const, severity: "sev2" as const },
  ];
  for (const [index, { status, severity }] of seeded.entries()) {
    const ticket = await createTicket({
      ctx: desk.as(agent.actor),
      input: {
        subject: `Checkout fails ${index}`,
        body: "Payments time out.",
        requesterId: customer.id,
        groupId: group.id,
        status,
        severity,
      },
    });
    ticketNumbers.push(ticket.number);
  }
});

afterAll(async () => {
  await listener?.close();
  await app?.close();
});

/** Every clock of the seeded tickets as the SLA API shows them, counted by state and metric. */
async function clocksByStateAndMetric(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const number of ticketNumbers) {
    const response = await app.inject({ url: `/api/v1/tickets/${number}/sla`, headers: agent.auth });
    expect(response.statusCode).toBe(200);
    for (const clock of response.json().clocks as { state: string; metric: string }[]) {
      const key = `${clock.state} ${clock.metric}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe("GET /metrics", () => {
  it("counts the seeded tickets by status, group and severity", async () => {
    const samples = await scrape();
    const tickets = (status: string, severity: string) =>
      sampleValue(samples, "tend_tickets", { status, group: groupName, severity });
    expect(tickets("open", "sev1")).toBe(3);
    expect(tickets("new", "sev1")).toBe(1);
    expect(tickets("pending", "sev2")).toBe(1);
    expect(tickets("open", "sev2")).toBe(0);
    expect(samples.filter((s) => s.name === "tend_tickets" && s.labels.group === groupName)).toHaveLength(3);
  });

  it("shows the SLA clocks the tickets' SLA panels show, and their breaches once due times pass", async () => {
    const before = await clocksByStateAndMetric();
    expect(before.get("running first_response")).toBeGreaterThanOrEqual(4);
    let samples = await scrape();
    for (const metric of ["first_response", "next_response", "periodic_update", "resolution"]) {
      for (const state of ["running", "paused", "breached"]) {
        expect(sampleValue(samples, "tend_sla_clocks", { state, metric }), `${state} ${metric}`).toBe(
          before.get(`${state} ${metric}`) ?? 0,
        );
      }
    }

    desk.clock.set("2026-11-30T09:00:00Z");
    await scanSlaClocks(desk.system);
    const after = await clocksByStateAndMetric();
    expect(after.get("breached first_response")).toBeGreaterThanOrEqual(4);
    samples = await scrape();
    expect(sampleValue(samples, "tend_sla_clocks", { state: "breached", metric: "first_response" })).toBe(
      after.get("breached first_response"),
    );
    expect(sampleValue(samples, "tend_sla_clocks", { state: "running", metric: "first_response" })).toBe(
      after.get("running first_response") ?? 0,
    );
  });

  it("counts queued and failed jobs by kind", async () => {
    const kind = "metrics.test-always-fails";
    await enqueueJob(desk.system, kind, {}, { maxAttempts: 1 });
    await enqueueJob(desk.system, kind, {}, { maxAttempts: 1, runAt: new Date("2027-01-01T00:00:00Z") });
    let samples = await scrape();
    expect(sampleValue(samples, "tend_jobs", { status: "queued", kind })).toBe(2);
    expect(sampleValue(samples, "tend_jobs", { status: "failed", kind })).toBe(0);

    const runner = new JobRunner({ ...desk.system, logger: silent }).register(kind, async () => {
      throw new Error("the dependency is down");
    });
    await runner.runDueJobs();
    samples = await scrape();
    expect(sampleValue(samples, "tend_jobs", { status: "queued", kind })).toBe(1);
    expect(sampleValue(samples, "tend_jobs", { status: "failed", kind })).toBe(1);
  });

  it("moves the inbound mail counters when the SMTP listener accepts and refuses", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
    const before = await scrape();
    expect(sampleValue(before, "tend_inbound_mail_accepted_total", { duplicate: "false" })).toBe(0);

    const info = await transport.sendMail({
      from: "dana@customer.example",
      to: supportAddress,
      subject: "Cannot sign in",
      text: "The sign-in page spins.",
      messageId: "<metrics-accepted@customer.example>",
    });
    expect(info.response).toMatch(/^250 /);
    await expect(
      transport.sendMail({ from: "x@outside.example", to: "sales@tend.test", subject: "Hi", text: "Hello" }),
    ).rejects.toMatchObject({ responseCode: 550 });

    const after = await scrape();
    expect(sampleValue(after, "tend_inbound_mail_accepted_total", { duplicate: "false" })).toBe(1);
    expect(sampleValue(after, "tend_inbound_mail_rejected_total", { reason: "unknown_recipient" })).toBe(1);
    expect(sampleValue(after, "tend_inbound_emails_stored", { status: "received" })).toBe(1);

    // Counters belong to the registry that was handed to the listener; the desk's other app has its own.
    const other = await desk.app.inject({ url: "/metrics", remoteAddress: "127.0.0.1" });
    expect(other.statusCode).toBe(200);
    expect(
      sampleValue(parsePrometheusText(other.body), "tend_inbound_mail_accepted_total", {
        duplicate: "false",
      }),
    ).toBe(0);
  });

  it("times requests by route pattern and status class, never by the URL with its ids", async () => {
    const number = ticketNumbers[0] as number;
    const seen = await app.inject({ url: `/api/v1/tickets/${number}`, headers: agent.auth });
    expect(seen.statusCode).toBe(200);
    const missing = await app.inject({ url: "/api/v1/tickets/999999", headers: agent.auth });
    expect(missing.statusCode).toBe(404);
    await app.inject({ url: "/no/such/page/42" });

    const samples = await scrape();
    const count = (route: string, statusClass: string) =>
      sampleValue(samples, "tend_http_request_duration_seconds_count", {
        method: "GET",
        route,
        status_class: statusClass,
      });
    expect(count("/api/v1/tickets/:number", "2xx")).toBeGreaterThanOrEqual(1);
    expect(count("/api/v1/tickets/:number", "4xx")).toBe(1);
    expect(count("unmatched", "4xx")).toBe(1);
    const routes = new Set(
      samples
        .filter((s) => s.name.startsWith("tend_http_request_duration_seconds"))
        .map((s) => s.labels.route),
    );
    expect([...routes].filter((route) => route && /\d{3,}/.test(route))).toEqual([]);
  });

  it("includes the process's default metrics", async () => {
    const samples = await scrape();
    expect(sampleValue(samples, "process_cpu_user_seconds_total", {})).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === "nodejs_eventloop_lag_seconds")).toBe(true);
  });
});

describe("who may scrape", () => {
  const problemOf = (response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    return response.json() as { status: number; detail: string };
  };

  it("asks for the metrics token when one is configured, even from this machine", async () => {
    const none = await app.inject({ url: "/metrics", remoteAddress: "127.0.0.1" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(problemOf(none)).toMatchObject({
      status: 401,
      detail: expect.stringMatching(/TEND_METRICS_TOKEN/),
    });
    expect(none.body).not.toContain("tend_tickets");

    const wrong = await app.inject({
      url: "/metrics",
      headers: { authorization: `Bearer ${metricsToken}-not` },
      remoteAddress: "127.0.0.1",
    });
    expect(wrong.statusCode).toBe(401);
    // An API token is not the metrics token, however much its person may do.
    const apiToken = await app.inject({ url: "/metrics", headers: agent.auth, remoteAddress: "127.0.0.1" });
    expect(apiToken.statusCode).toBe(401);
    expect(problemOf(apiToken).detail).toMatch(/not the metrics token/);
  });

  it("without a token serves this machine only, and refuses others with 403", async () => {
    const remote = await desk.app.inject({ url: "/metrics", remoteAddress: "203.0.113.9" });
    expect(remote.statusCode).toBe(403);
    expect(problemOf(remote)).toMatchObject({ status: 403 });
    expect(remote.body).not.toContain("tend_tickets");
    const local = await desk.app.inject({ url: "/metrics", remoteAddress: "::1" });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain("tend_tickets{");
  });

  it("stays out of the API's OpenAPI document", async () => {
    const document = await app.inject({ url: "/api/v1/openapi.json", headers: agent.auth });
    expect(Object.keys(document.json().paths)).not.toContain("/metrics");
  });
});
