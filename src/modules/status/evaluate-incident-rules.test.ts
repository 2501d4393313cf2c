import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { DAY, HOUR, MINUTE, SECOND } from "../../shared/clock.js";
import { evaluateIncidentRules, userImpactFreshnessMs } from "./evaluate-incident-rules.js";
import { saveIncidentRuleSettings } from "./incident-rule-settings.js";
import type { IncidentRule } from "./incident-rules.js";
import { postIncidentUpdate } from "./manage-incidents.js";
import { scheduleMaintenance } from "./manage-maintenance.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { pushUserImpact, recordCheckResult } from "./record-check-result.js";

/**
 * The rule job against stored measurements: every figure comes from results pushed through the real
 * recording path (rollups and open spans), read back by the job at the manual clock's instant.
 */
const desk = useTestDesk();
const at = (iso: string) => Date.parse(iso);

async function componentWithRules(name: string, rules: IncidentRule[], intervalSeconds = 60) {
  const component = await createStatusComponent({ ctx: desk.system, input: { groupName: "Rules", name } });
  await saveIncidentRuleSettings({
    ctx: desk.system,
    componentId: component.id,
    input: { enabled: true, rules },
  });
  const monitor = await createStatusMonitor({
    ctx: desk.system,
    input: { componentId: component.id, name: `${name} probe`, kind: "push", intervalSeconds },
  });
  return { component, monitor };
}

/** A result every `step` from `from` up to (not including) `to`, down inside [downFrom, downTo). */
async function feed(
  monitorId: string,
  range: { from: number; to: number; step: number },
  down: { from: number; to: number } = { from: 0, to: 0 },
) {
  for (let t = range.from; t < range.to; t += range.step)
    await recordCheckResult(desk.system, { monitorId, at: t, up: !(t >= down.from && t < down.to) });
}

async function incidentsOf(componentId: string) {
  return desk.database.db
    .selectFrom("status_incidents")
    .innerJoin("status_incident_components", "status_incident_components.incident_id", "status_incidents.id")
    .selectAll("status_incidents")
    .where("status_incident_components.component_id", "=", componentId)
    .execute();
}

async function updatesOf(incidentId: string) {
  return desk.database.db
    .selectFrom("status_incident_updates")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

describe("status.evaluate-incident-rules", () => {
  it("opens one incident the second availability over the hour goes under 90%, and suggests recovery once per relapse", async () => {
    const hourRule: IncidentRule = { kind: "availability_below", windowMs: HOUR, threshold: 0.9 };
    const { component, monitor } = await componentWithRules("Ticket API", [hourRule]);
    desk.clock.set("2026-12-01T09:00:00.000Z");
    // Up each minute from 09:00, down from 11:24: at 11:30:00 exactly 6 of the last 60 minutes were down.
    await feed(
      monitor.id,
      { from: at("2026-12-01T09:00:00Z"), to: at("2026-12-01T11:30:00Z"), step: MINUTE },
      { from: at("2026-12-01T11:24:00Z"), to: at("2026-12-01T12:00:00Z") },
    );
    desk.clock.set("2026-12-01T11:30:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toEqual([]);

    // One second later the last result's open span adds a down second: 89.99…% — an incident.
    desk.clock.set("2026-12-01T11:30:01.000Z");
    await evaluateIncidentRules(desk.system);
    await evaluateIncidentRules(desk.system);
    const [incident, ...more] = await incidentsOf(component.id);
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      title: "Ticket API: availability under 90% over the last hour",
      state: "investigating",
      impact: "major",
      published: 1,
      opened_by: null,
    });
    expect(JSON.parse(incident?.fired_rule ?? "null")).toEqual(hourRule);
    const figures = JSON.parse(incident?.fired_figures ?? "null");
    // The rollups count whole minutes: at 11:30:01 the hour reads from 10:31, 53 good minutes of 59 and a second.
    expect(figures.fired[0].measured).toBeLessThan(0.9);
    const [opened] = await updatesOf(incident?.id ?? "");
    expect(opened).toMatchObject({ kind: "opened", visibility: "public" });
    expect(opened?.body).toMatch(/^Availability over the last hour is 89\.\d\d%, under the 90% objective\.$/);

    // Still down ten minutes later: the open incident is enough, nothing is added.
    await feed(
      monitor.id,
      { from: at("2026-12-01T11:30:00Z"), to: at("2026-12-01T11:40:00Z"), step: MINUTE },
      {
        from: 0,
        to: at("2026-12-01T12:00:00Z"),
      },
    );
    desk.clock.set("2026-12-01T11:40:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await updatesOf(incident?.id ?? "")).toHaveLength(1);

    // Up again; from 13:00 the last hour is whole: one internal suggestion, however often the job runs.
    await feed(monitor.id, {
      from: at("2026-12-01T11:40:00Z"),
      to: at("2026-12-01T13:00:00Z"),
      step: MINUTE,
    });
    desk.clock.set("2026-12-01T13:00:00.000Z");
    await evaluateIncidentRules(desk.system);
    await evaluateIncidentRules(desk.system);
    const suggestions = async () =>
      (await updatesOf(incident?.id ?? "")).filter((update) => update.kind === "recovery_suggestion");
    expect(await suggestions()).toHaveLength(1);
    expect((await suggestions())[0]).toMatchObject({ visibility: "internal" });
    expect((await suggestions())[0]?.body).toBe(
      "All rules hold again since 2026-12-01T13:00:00.000Z: availability 100.00% over 60 min — consider resolving.",
    );

    // A relapse re-arms the suggestion without opening a second incident; the next recovery suggests again.
    await feed(
      monitor.id,
      { from: at("2026-12-01T13:00:00Z"), to: at("2026-12-01T13:10:00Z"), step: MINUTE },
      { from: 0, to: at("2026-12-01T14:00:00Z") },
    );
    desk.clock.set("2026-12-01T13:10:00.000Z");
    await evaluateIncidentRules(desk.system);
    await feed(monitor.id, {
      from: at("2026-12-01T13:10:00Z"),
      to: at("2026-12-01T14:30:00Z"),
      step: MINUTE,
    });
    desk.clock.set("2026-12-01T14:30:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toHaveLength(1);
    expect(await suggestions()).toHaveLength(2);

    // Once a person resolves it, the next outage opens a new incident.
    await postIncidentUpdate({
      ctx: desk.system,
      id: incident?.id ?? "",
      input: { version: incident?.version ?? 0, body: "Fixed.", state: "resolved" },
    });
    await feed(
      monitor.id,
      { from: at("2026-12-01T14:30:00Z"), to: at("2026-12-01T14:45:00Z"), step: MINUTE },
      { from: 0, to: at("2026-12-01T15:00:00Z") },
    );
    desk.clock.set("2026-12-01T14:45:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toHaveLength(2);
  });

  it("opens on the 24-hour rule only past 3% of the day down", async () => {
    const { component, monitor } = await componentWithRules(
      "Mail",
      [{ kind: "availability_below", windowMs: DAY, threshold: 0.97 }],
      300,
    );
    desk.clock.set("2026-12-04T10:00:00.000Z");
    // A result every 5 minutes (each holds up to 10), and down from 10:47 on the 5th.
    await feed(monitor.id, {
      from: at("2026-12-04T10:00:00Z"),
      to: at("2026-12-05T10:46:00Z"),
      step: 5 * MINUTE,
    });
    await recordCheckResult(desk.system, {
      monitorId: monitor.id,
      at: at("2026-12-05T10:47:00Z"),
      up: false,
    });
    await feed(
      monitor.id,
      { from: at("2026-12-05T10:50:00Z"), to: at("2026-12-05T11:26:00Z"), step: 5 * MINUTE },
      { from: 0, to: at("2026-12-06T00:00:00Z") },
    );
    // 43 minutes down of 1440: 97.01%, the objective holds.
    desk.clock.set("2026-12-05T11:30:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toEqual([]);
    // A minute later 44 of 1440: 96.94%.
    desk.clock.set("2026-12-05T11:31:00.000Z");
    await evaluateIncidentRules(desk.system);
    const incidents = await incidentsOf(component.id);
    expect(incidents.map((incident) => incident.title)).toEqual([
      "Mail: availability under 97% over the last 24 hours",
    ]);
  });

  it("opens a critical incident when more than 10% of users fail, on a recent sample only", async () => {
    const { component, monitor } = await componentWithRules("Sign-in", [
      { kind: "users_affected_above", share: 0.1 },
    ]);
    const token = monitor.pushToken ?? "";
    desk.clock.set("2026-12-07T09:00:00.000Z");
    await pushUserImpact(desk.system, token, { affected: 11, total: 100 });
    desk.clock.advance(userImpactFreshnessMs + 1);
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toEqual([]);

    await pushUserImpact(desk.system, token, { affected: 10, total: 100 });
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toEqual([]);

    desk.clock.advance(30 * SECOND);
    await pushUserImpact(desk.system, token, { affected: 11, total: 100 });
    await evaluateIncidentRules(desk.system);
    const [incident, ...more] = await incidentsOf(component.id);
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      title: "Sign-in: more than 10% of users affected",
      impact: "critical",
    });
    const [opened] = await updatesOf(incident?.id ?? "");
    expect(opened?.body).toBe(
      "11 of 100 users (11%) saw errors, more than the 10% that makes the service unavailable.",
    );
  });

  it("does not count maintenance time against the rules", async () => {
    const hourRule: IncidentRule = { kind: "availability_below", windowMs: HOUR, threshold: 0.9 };
    const maintained = await componentWithRules("Search", [hourRule]);
    const control = await componentWithRules("Search replica", [hourRule]);
    // Scheduled on Monday for Wednesday 10:00–10:30, within the maintenance policy.
    desk.clock.set("2026-12-14T09:00:00.000Z");
    await scheduleMaintenance({
      ctx: desk.system,
      input: {
        title: "Index rebuild",
        startsAt: "2026-12-16T10:00:00.000Z",
        endsAt: "2026-12-16T10:30:00.000Z",
        componentIds: [maintained.component.id],
      },
    });
    for (const { monitor } of [maintained, control])
      await feed(
        monitor.id,
        { from: at("2026-12-16T09:00:00Z"), to: at("2026-12-16T10:45:00Z"), step: MINUTE },
        { from: at("2026-12-16T10:00:00Z"), to: at("2026-12-16T10:30:00Z") },
      );
    desk.clock.set("2026-12-16T10:45:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(maintained.component.id)).toEqual([]);
    expect(await incidentsOf(control.component.id)).toHaveLength(1);
  });

  it("does nothing for a component whose rules are off", async () => {
    const { component, monitor } = await componentWithRules("Reports", []);
    await saveIncidentRuleSettings({
      ctx: desk.system,
      componentId: component.id,
      input: { enabled: false, rules: [{ kind: "availability_below", windowMs: HOUR, threshold: 0.9 }] },
    });
    desk.clock.set("2026-12-20T09:00:00.000Z");
    await feed(
      monitor.id,
      { from: at("2026-12-20T09:00:00Z"), to: at("2026-12-20T10:00:00Z"), step: MINUTE },
      {
        from: 0,
        to: at("2026-12-21T00:00:00Z"),
      },
    );
    desk.clock.set("2026-12-20T10:00:00.000Z");
    await evaluateIncidentRules(desk.system);
    expect(await incidentsOf(component.id)).toEqual([]);
  });
});
