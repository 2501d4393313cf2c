import { describe, expect, it } from "vitest";
import { announcementKey, subscribersToAnnounce } from "./subscriber-matching.js";

const everything = { id: "all", allComponents: true, componentIds: [] };
const api = { id: "api", allComponents: false, componentIds: ["c-api"] };
const apiAndMail = { id: "api+mail", allComponents: false, componentIds: ["c-api", "c-mail"] };
const portal = { id: "portal", allComponents: false, componentIds: ["c-portal"] };
const subscribers = [everything, api, apiAndMail, portal];

describe("who hears of a change", () => {
  it("reaches all-component subscribers and those whose list shares a component", () => {
    expect(subscribersToAnnounce(subscribers, ["c-mail"]).map((s) => s.id)).toEqual(["all", "api+mail"]);
    expect(subscribersToAnnounce(subscribers, ["c-api", "c-portal"]).map((s) => s.id)).toEqual([
      "all",
      "api",
      "api+mail",
      "portal",
    ]);
  });

  it("reaches only all-component subscribers when the change names no component", () => {
    expect(subscribersToAnnounce(subscribers, []).map((s) => s.id)).toEqual(["all"]);
  });
});

describe("announcement keys", () => {
  it("keeps each update of one incident apart, and one key per maintenance change", () => {
    const keys = [
      announcementKey({ kind: "incident_opened", incidentId: "i1" }),
      announcementKey({ kind: "incident_updated", incidentId: "i1", updateId: "u1" }),
      announcementKey({ kind: "incident_updated", incidentId: "i1", updateId: "u2" }),
      announcementKey({ kind: "maintenance_scheduled", maintenanceId: "m1" }),
      announcementKey({ kind: "maintenance_started", maintenanceId: "m1" }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(announcementKey({ kind: "incident_updated", incidentId: "i1", updateId: "u1" })).toBe(keys[1]);
  });
});
