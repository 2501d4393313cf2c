import { describe, expect, it } from "vitest";
import { placeProblems } from "../admin/field-errors.js";
import {
  blankComponentDraft,
  blankMonitorDraft,
  componentBodyOfDraft,
  componentFields,
  draftOfComponent,
  draftOfMonitor,
  monitorBodyOfDraft,
  monitorFields,
  monitorSettingsText,
  pushInstructions,
} from "./status-drafts.js";
import type { StatusMonitorView } from "./status-figures.js";

const componentId = "0f8c3b0e-55a4-4b59-9a4f-1f1f1f1f1f1f";

describe("the component form", () => {
  it("sends the target as a fraction and 'decided by monitors' as no manual state", () => {
    const body = componentBodyOfDraft({
      ...blankComponentDraft(),
      groupName: " Core ",
      name: "API",
      uptimePercent: "99.9",
      position: "3",
    });
    expect(body).toEqual({
      groupName: "Core",
      name: "API",
      description: "",
      position: 3,
      manualState: null,
      uptimeTarget: 0.999,
    });
    expect(componentBodyOfDraft({ ...blankComponentDraft(), state: "major_outage" }).manualState).toBe(
      "major_outage",
    );
  });

  it("sends what is not a number as a value the API refuses on that field", () => {
    const body = componentBodyOfDraft({ ...blankComponentDraft(), position: "first", uptimePercent: "lots" });
    expect(body.position).toBe(-1);
    expect(body.uptimeTarget).toBe(0);
  });

  it("reads a component back into the form it came from", () => {
    const draft = draftOfComponent({
      id: componentId,
      groupName: "Core",
      name: "API",
      description: "The REST API",
      position: 2,
      manualState: "degraded",
      uptimeTarget: 0.9995,
      createdAt: "2026-12-01T00:00:00.000Z",
      updatedAt: "2026-12-01T00:00:00.000Z",
    });
    expect(draft).toEqual({
      groupName: "Core",
      name: "API",
      description: "The REST API",
      position: "2",
      state: "degraded",
      uptimePercent: "99.95",
    });
    expect(componentBodyOfDraft(draft).uptimeTarget).toBe(0.9995);
  });

  it("places the API's refusals on the component's fields", () => {
    const placed = placeProblems(
      {
        type: "about:blank",
        title: "Bad Request",
        status: 400,
        detail: "",
        errors: [{ field: "/body/uptimeTarget", message: "must be >= 0.5" }],
      },
      componentFields,
    );
    expect(placed.byField).toEqual({ uptimeTarget: ["must be >= 0.5"] });
  });
});

describe("the monitor form", () => {
  it("sends an HTTP monitor's settings only, with ranges split and seconds in milliseconds", () => {
    const body = monitorBodyOfDraft(
      {
        ...blankMonitorDraft(),
        name: " Homepage ",
        url: "https://example.com/health ",
        expectedStatus: "2xx, 301 400-404",
        keyword: "ok",
        jsonPath: "$.status",
        jsonEquals: "up",
        timeoutSeconds: "2.5",
        certificateWarningDays: "30",
        host: "leftover",
        port: "22",
      },
      { componentId },
    );
    expect(body).toEqual({
      componentId,
      kind: "http",
      name: "Homepage",
      intervalSeconds: 60,
      enabled: true,
      http: {
        url: "https://example.com/health",
        method: "GET",
        expectedStatus: ["2xx", "301", "400-404"],
        keyword: "ok",
        jsonPath: { path: "$.status", equals: "up" },
        timeoutMs: 2500,
        certificateWarningDays: 30,
      },
    });
  });

  it("sends a TCP monitor's host and port, and a push monitor no settings", () => {
    const tcp = monitorBodyOfDraft(
      { ...blankMonitorDraft(), kind: "tcp", name: "SMTP", host: "mail.example", port: "25", url: "x" },
      { componentId },
    );
    expect(tcp).toMatchObject({ kind: "tcp", tcp: { host: "mail.example", port: 25 } });
    expect(tcp).not.toHaveProperty("http");
    const push = monitorBodyOfDraft({ ...blankMonitorDraft(), kind: "push", name: "Cron" }, { componentId });
    expect(push).not.toHaveProperty("http");
    expect(push).not.toHaveProperty("tcp");
  });

  it("leaves the kind and component out of an edit, and bad numbers for the API to refuse", () => {
    const body = monitorBodyOfDraft(
      { ...blankMonitorDraft(), intervalSeconds: "often", timeoutSeconds: "soon", url: "https://a.example" },
      null,
    );
    expect(body).not.toHaveProperty("kind");
    expect(body).not.toHaveProperty("componentId");
    expect(body.intervalSeconds).toBe(0);
    expect(body.http?.timeoutMs).toBe(-1);
  });

  it("reads a monitor back, keeping the headers the form does not show", () => {
    const monitor: StatusMonitorView = {
      id: "m1",
      componentId,
      name: "Homepage",
      kind: "http",
      intervalSeconds: 30,
      enabled: false,
      http: {
        url: "https://example.com/",
        method: "HEAD",
        timeoutMs: 5000,
        expectedStatus: ["200-299", "301"],
        certificateWarningDays: 14,
        headers: { "X-Probe": "tend" },
      },
      lastResult: null,
      createdAt: "2026-12-01T00:00:00.000Z",
      updatedAt: "2026-12-01T00:00:00.000Z",
    };
    const draft = draftOfMonitor(monitor);
    expect(draft).toMatchObject({
      intervalSeconds: "30",
      enabled: false,
      method: "HEAD",
      expectedStatus: "200-299, 301",
      timeoutSeconds: "5",
    });
    expect(monitorBodyOfDraft(draft, null).http).toEqual(monitor.http);
    expect(monitorSettingsText(monitor)).toBe(
      "HEAD https://example.com/; expects 200-299, 301; timeout 5 s; warns 14 d before the certificate expires",
    );
  });

  it("places a refused URL on the URL field", () => {
    const placed = placeProblems(
      {
        type: "about:blank",
        title: "Bad Request",
        status: 400,
        detail: "",
        errors: [{ field: "/http/url", message: "only http and https URLs can be checked" }],
      },
      monitorFields,
    );
    expect(placed.byField).toEqual({ "http/url": ["only http and https URLs can be checked"] });
  });

  it("gives a push monitor's URL and a curl line that reports to it", () => {
    const push = pushInstructions("https://desk.example", "tsp_abc");
    expect(push.url).toBe("https://desk.example/api/v1/status/push/tsp_abc");
    expect(push.curl).toContain(`curl -X POST ${push.url}`);
    expect(push.curl).toContain('"up": true');
  });
});
