import { describe, expect, it } from "vitest";
import { presentPublicIncident } from "./incident-presenter.js";
import type { IncidentRow, IncidentUpdateRow } from "./incident-repository.js";

const row: IncidentRow = {
  id: "i1",
  title: "Ticket API errors",
  kind: "incident",
  state: "identified",
  impact: "major",
  published: 1,
  fired_rule: null,
  fired_figures: null,
  opened_by: "p1",
  started_at: "2026-12-04T10:00:00.000Z",
  resolved_at: null,
  version: 3,
  created_at: "2026-12-04T10:00:00.000Z",
  updated_at: "2026-12-04T10:30:00.000Z",
};

function entry(id: string, visibility: "public" | "internal", body: string): IncidentUpdateRow {
  return {
    id,
    incident_id: "i1",
    visibility,
    kind: "update",
    state: "identified",
    body,
    author_id: "p1",
    at: row.started_at,
  };
}

describe("the public representation of an incident", () => {
  it("carries public updates only, without authors", () => {
    const view = presentPublicIncident(
      row,
      ["c1"],
      [
        entry("u1", "public", "We are looking into errors."),
        entry("u2", "internal", "Customer X's database is the cause."),
      ],
    );
    expect(view?.updates).toEqual([
      { id: "u1", state: "identified", body: "We are looking into errors.", at: row.started_at },
    ]);
    expect(JSON.stringify(view)).not.toContain("Customer X");
  });

  it("is nothing while the incident is unpublished", () => {
    expect(presentPublicIncident({ ...row, kind: "security", published: 0 }, [], [])).toBeNull();
  });
});
