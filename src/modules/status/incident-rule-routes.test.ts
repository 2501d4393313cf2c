import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { DAY, HOUR, MINUTE } from "../../shared/clock.js";
import { newId } from "../../shared/ids.js";
import { incidentRuleProblems } from "./incident-rule-settings.js";
import { createStatusComponent } from "./manage-status.js";

const desk = useTestDesk();

describe("/api/v1/status/components/{id}/incident-rules", () => {
  it("reads the defaults, lets admins replace them, refuses agents and out-of-range rules", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent({ role: "agent" });
    const component = await createStatusComponent({
      ctx: desk.system,
      input: { groupName: "API", name: "Core" },
    });
    const url = `/api/v1/status/components/${component.id}/incident-rules`;

    const defaults = await desk.app.inject({ url, headers: agent.auth });
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json()).toEqual({
      componentId: component.id,
      enabled: true,
      rules: [
        { kind: "availability_below", windowMs: HOUR, threshold: 0.9 },
        { kind: "availability_below", windowMs: DAY, threshold: 0.97 },
        { kind: "users_affected_above", share: 0.1 },
      ],
      availabilityImpact: "major",
      usersImpact: "critical",
    });

    const body = {
      enabled: true,
      rules: [{ kind: "availability_below", windowMs: 5 * MINUTE, threshold: 0.5 }],
      availabilityImpact: "minor",
    };
    expect(
      (await desk.app.inject({ method: "PUT", url, headers: agent.auth, payload: body })).statusCode,
    ).toBe(403);
    const saved = await desk.app.inject({ method: "PUT", url, headers: admin.auth, payload: body });
    expect(saved.statusCode).toBe(200);
    expect((await desk.app.inject({ url, headers: agent.auth })).json()).toMatchObject({
      rules: body.rules,
      availabilityImpact: "minor",
      usersImpact: "critical",
    });

    for (const rule of [
      { kind: "availability_below", windowMs: HOUR, threshold: 1 },
      { kind: "availability_below", windowMs: HOUR, threshold: 0 },
      { kind: "availability_below", windowMs: 59_999, threshold: 0.9 },
      { kind: "availability_below", windowMs: 30 * DAY + 1, threshold: 0.9 },
      { kind: "users_affected_above", share: 1.5 },
    ]) {
      const refused = await desk.app.inject({
        method: "PUT",
        url,
        headers: admin.auth,
        payload: { enabled: true, rules: [rule] },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.headers["content-type"]).toMatch(/problem\+json/);
    }
    const missing = await desk.app.inject({
      method: "PUT",
      url: `/api/v1/status/components/${newId()}/incident-rules`,
      headers: admin.auth,
      payload: body,
    });
    expect(missing.statusCode).toBe(404);
  });

  it("names each out-of-range figure for callers that bypass the HTTP schema", () => {
    expect(
      incidentRuleProblems([
        { kind: "availability_below", windowMs: 30 * DAY, threshold: 0.999 },
        { kind: "availability_below", windowMs: 1000, threshold: 1 },
        { kind: "users_affected_above", share: 0 },
      ]),
    ).toEqual([
      { field: "/rules/1/threshold", message: "must be between 0 and 1, both excluded" },
      { field: "/rules/1/windowMs", message: "must be whole milliseconds from 1 minute to 30 days" },
      { field: "/rules/2/share", message: "must be between 0 and 1, both excluded" },
    ]);
  });
});
