import { describe, expect, it } from "vitest";
import { checkImportPlan } from "./import-plan.js";
import { readZendeskExport } from "./zendesk-export.js";

const organizations = [{ id: 501, name: "Acme", domain_names: ["Acme.example"], notes: "Key account" }];
const users = [
  { id: 11, name: "Rita Requester", email: "Rita@Acme.example", role: "end-user", organization_id: 501 },
  { id: 12, name: "Ann Agent", email: "ann@desk.example", role: "agent", organization_id: null },
  { id: 13, name: "Phone Only", email: null, role: "end-user", organization_id: null },
];
const ticket = (overrides: Record<string, unknown>) => ({
  id: 1042,
  subject: "Export fails",
  description: "The export fails since Monday.",
  status: "open",
  priority: "urgent",
  requester_id: 11,
  assignee_id: 12,
  group_id: 7,
  tags: ["billing", "Not a tag!"],
  created_at: "2025-03-03T09:00:00Z",
  updated_at: "2025-03-04T10:30:00Z",
  via: { channel: "email" },
  comments: [
    {
      author_id: 11,
      body: "The export fails since Monday.",
      public: true,
      created_at: "2025-03-03T09:00:00Z",
    },
    { author_id: 12, body: "Looking at the logs.", public: false, created_at: "2025-03-03T11:00:00Z" },
    {
      author_id: 12,
      html_body: "<p>Fixed in <b>4.2</b></p>",
      public: true,
      created_at: "2025-03-04T10:30:00Z",
    },
  ],
  ...overrides,
});

describe("reading a Zendesk export", () => {
  it("reads JSON Lines of tickets with separate users and organizations, keeping numbers, times and comments", () => {
    const plan = readZendeskExport({
      tickets: {
        name: "tickets.json",
        text: `${JSON.stringify(ticket({}))}\n${JSON.stringify(ticket({ id: 1043, status: "hold", priority: "normal", via: { channel: "web" }, comments: null, assignee_id: null }))}\n`,
      },
      users: { name: "users.json", text: JSON.stringify({ users }) },
      organizations: { name: "organizations.json", text: JSON.stringify(organizations) },
      groups: {
        name: "groups.json",
        text: JSON.stringify({ groups: [{ id: 7, name: "Platform experts" }] }),
      },
    });
    expect(plan.problems).toEqual([]);
    expect(plan.organizations).toEqual([
      { key: "501", name: "Acme", domains: ["acme.example"], plan: "cloud", notes: "Key account" },
    ]);
    expect(plan.people.map((p) => [p.key, p.email, p.role, p.organizationKey])).toEqual([
      ["11", "rita@acme.example", "customer", "501"],
      ["12", "ann@desk.example", "agent", null],
      ["13", "zendesk-user-13@import.invalid", "customer", null],
    ]);
    expect(plan.warnings).toEqual([
      { where: "user 13", message: "has no email address: imported as zendesk-user-13@import.invalid" },
    ]);
    const [first, onHold] = plan.tickets;
    expect(first).toMatchObject({
      number: 1042,
      status: "open",
      severity: "sev1",
      channel: "email",
      groupName: "Platform experts",
      tags: ["billing"],
      createdAt: "2025-03-03T09:00:00.000Z",
      updatedAt: "2025-03-04T10:30:00.000Z",
    });
    expect(first?.comments.map((c) => [c.authorKey, c.visibility, c.text, c.html])).toEqual([
      ["11", "public", "The export fails since Monday.", null],
      ["12", "internal", "Looking at the logs.", null],
      ["12", "public", "Fixed in 4.2", "<p>Fixed in <b>4.2</b></p>"],
    ]);
    // On-hold waits on a third party: Pending, tagged; without comments the description is the first.
    expect(onHold).toMatchObject({ number: 1043, status: "pending", severity: "sev2", channel: "portal" });
    expect(onHold?.tags).toEqual(["billing", "zendesk_on_hold"]);
    expect(onHold?.comments).toEqual([
      {
        authorKey: "11",
        text: "The export fails since Monday.",
        html: null,
        visibility: "public",
        createdAt: "2025-03-03T09:00:00.000Z",
      },
    ]);
    expect(checkImportPlan(plan)).toEqual([]);
  });

  it("reads one document holding every kind, as the API's side-loaded responses do", () => {
    const plan = readZendeskExport({
      tickets: { name: "export.json", text: JSON.stringify({ tickets: [ticket({})], users, organizations }) },
    });
    expect(plan.problems).toEqual([]);
    expect(plan.tickets).toHaveLength(1);
    expect(plan.people).toHaveLength(3);
    expect(plan.organizations).toHaveLength(1);
  });

  it("names the file, line and field of what it cannot read, and what the plan cannot hold", () => {
    const plan = readZendeskExport({
      tickets: {
        name: "tickets.json",
        text: [
          JSON.stringify(ticket({ id: 1, status: "archived" })),
          "{not json",
          JSON.stringify(ticket({ id: 2, created_at: "yesterday" })),
          JSON.stringify(ticket({ id: 3, requester_id: 999 })),
          JSON.stringify({
            id: 4,
            subject: "no requester",
            status: "open",
            created_at: "2025-01-01T00:00:00Z",
          }),
        ].join("\n"),
      },
      users: { name: "users.json", text: JSON.stringify(users) },
      organizations: { name: "organizations.json", text: JSON.stringify(organizations) },
    });
    expect(plan.problems).toEqual([
      { where: "tickets.json line 2", message: "is not JSON" },
      { where: "tickets.json, tickets 4", message: "requester_id: Invalid input" },
      { where: "Zendesk ticket 1", message: 'has status "archived", which Tend does not know' },
      { where: "Zendesk ticket 2", message: "has a date that is not ISO 8601" },
    ]);
    expect(checkImportPlan(plan)).toContainEqual({
      where: "Zendesk ticket 3",
      message: "requester 999 is not in the export",
    });
  });
});
