import { beforeAll, describe, expect, it } from "vitest";
import { evaluateIncidentRules } from "../../src/modules/status/evaluate-incident-rules.js";
import { saveIncidentRuleSettings } from "../../src/modules/status/incident-rule-settings.js";
import { createStatusComponent, createStatusMonitor } from "../../src/modules/status/manage-status.js";
import { recordCheckResult } from "../../src/modules/status/record-check-result.js";
import { HOUR, MINUTE } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import { requeueJobs } from "../support/requeue-jobs.js";
import type { Person } from "../support/test-desk.js";

/**
 * A status incident's opening pages the trigger's policy: one opened by a person and one opened by
 * the rule job each page once, with the title (and the rule), however often the job runs; a
 * disabled trigger pages nobody.
 */
const email = useEmailDesk({ relaySink: true });
let admin: Person;
let responder: Person;
let policyId: string;
let triggerId: string;

function call(method: "GET" | "POST" | "PATCH", url: string, who: Person, payload?: object) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload ? { payload } : {}),
  });
}

async function runJobs() {
  for (let pass = 0; pass < 3; pass += 1) await email.processInbound();
}

async function pagesOfIncident(incidentId: string) {
  return email.desk.database.db
    .selectFrom("status_incident_trigger_firings")
    .innerJoin("pages", "pages.id", "status_incident_trigger_firings.page_id")
    .selectAll("pages")
    .where("status_incident_trigger_firings.incident_id", "=", incidentId)
    .execute();
}

/** Every page whose title names the incident, whether or not a firing recorded it. */
async function pagesTitled(fragment: string) {
  return email.desk.database.db
    .selectFrom("pages")
    .selectAll()
    .where("title", "like", `%${fragment}%`)
    .execute();
}

/** Runs every queued job of `kind` once more, as a worker would after a crash before its commit. */
const requeue = (kind: string) => requeueJobs(email.desk, kind);

async function openByPerson(title: string, kind: "incident" | "security" = "incident") {
  const opened = await call("POST", "/status/incidents", admin, {
    title,
    kind,
    impact: "major",
    body: "We are looking into it.",
  });
  expect(opened.statusCode, opened.body).toBe(201);
  return opened.json().id as string;
}

beforeAll(async () => {
  admin = email.admin;
  responder = await email.desk.makeAgent();
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "status-incidents",
    levels: [{ targets: [{ kind: "person", personId: responder.id }], timeoutMinutes: 15 }],
  });
  expect(policy.statusCode, policy.body).toBe(201);
  policyId = policy.json().id;
  const trigger = await call("POST", "/paging-triggers", admin, { kind: "status_incident_opened", policyId });
  expect(trigger.statusCode, trigger.body).toBe(201);
  expect(trigger.json()).toMatchObject({ description: "A status-page incident opens", enabled: true });
  triggerId = trigger.json().id;
});

describe("a status incident's opening", () => {
  it("pages the trigger's policy once with the incident's title and link, however often the job runs", async () => {
    const incidentId = await openByPerson("Checkout is failing");
    await runJobs();
    const pages = await pagesOfIncident(incidentId);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      title: "Status incident (major): Checkout is failing",
      severity: "sev2",
      policy_id: policyId,
      ticket_id: null,
    });
    expect(pages[0]?.details).toContain(`${publicUrl}/statuspage/incidents/${incidentId}`);
    expect(pages[0]?.details).not.toContain("Opened by the rule");
    const log = (await call("GET", `/pages/${pages[0]?.id}`, admin)).json().log as { detail: string }[];
    expect(log[0]?.detail).toContain(`"A status-page incident opens" (${triggerId})`);

    expect(await requeue("paging.fire-trigger")).toBeGreaterThan(0);
    await runJobs();
    expect(await pagesTitled("Checkout is failing")).toHaveLength(1);
  });

  it("pages for a security incident too, as sev1, though it is not published", async () => {
    const incidentId = await openByPerson("Leaked access key", "security");
    await runJobs();
    const pages = await pagesOfIncident(incidentId);
    expect(pages.map((page) => [page.title, page.severity])).toEqual([
      ["Security incident (major): Leaked access key", "sev1"],
    ]);
  });

  it("names the rule and its figures when the rule job opened it", async () => {
    const component = await createStatusComponent({
      ctx: email.desk.system,
      input: { groupName: "Paging", name: "Search API" },
    });
    await saveIncidentRuleSettings({
      ctx: email.desk.system,
      componentId: component.id,
      input: { enabled: true, rules: [{ kind: "availability_below", windowMs: HOUR, threshold: 0.9 }] },
    });
    const monitor = await createStatusMonitor({
      ctx: email.desk.system,
      input: { componentId: component.id, name: "Search probe", kind: "push", intervalSeconds: 60 },
    });
    const start = Date.parse("2026-12-10T09:00:00.000Z");
    email.desk.clock.set(new Date(start));
    for (let minute = 0; minute < 60; minute += 1)
      await recordCheckResult(email.desk.system, {
        monitorId: monitor.id,
        at: start + minute * MINUTE,
        up: minute < 30,
      });
    email.desk.clock.set(new Date(start + HOUR));
    await evaluateIncidentRules(email.desk.system);
    await evaluateIncidentRules(email.desk.system);
    const [incident] = await email.desk.database.db
      .selectFrom("status_incident_components")
      .select("incident_id")
      .where("component_id", "=", component.id)
      .execute();
    expect(incident).toBeDefined();
    await runJobs();
    await requeue("paging.fire-trigger");
    await runJobs();
    const pages = await pagesOfIncident(incident?.incident_id as string);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.title).toBe(
      "Status incident (major): Search API: availability under 90% over the last hour",
    );
    expect(pages[0]?.details).toContain("Opened by the rule: availability under 90% over the last hour");
    expect(pages[0]?.details).toContain("Availability over the last hour is 50%, under the 90% objective.");
    expect(await pagesTitled("Search API")).toHaveLength(1);
  });

  it("pages nobody while the trigger is disabled", async () => {
    const disabled = await call("PATCH", `/paging-triggers/${triggerId}`, admin, { enabled: false });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const incidentId = await openByPerson("Quiet outage");
    await runJobs();
    expect(await pagesOfIncident(incidentId)).toEqual([]);
    expect(await pagesTitled("Quiet outage")).toEqual([]);
  });
});
