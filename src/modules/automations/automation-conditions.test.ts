import { describe, expect, it } from "vitest";
import { UnprocessableContentError } from "../../errors.js";
import { checkActions, renderTemplate, type TemplateValues } from "./automation-actions.js";
import { automationChainOf, automationReason, maxChainDepth, mayTrigger } from "./automation-chain.js";
import {
  type AutomationCondition,
  checkConditions,
  conditionsHold,
  type TicketFacts,
} from "./automation-conditions.js";

const facts: TicketFacts = {
  channel: "email",
  plan: "cloud",
  severity: "sev1",
  category: "availability",
  groupId: "group-tier-1",
  status: "new",
  tags: ["billing", "vip"],
  text: "Checkout is DOWN\nSince 9:00 nobody can pay.",
  withinBusinessHours: false,
};

const condition = (
  field: AutomationCondition["field"],
  operator: AutomationCondition["operator"],
  value: string,
): AutomationCondition => ({ field, operator, value });

describe("automation conditions", () => {
  it("compare each field with is and is not", () => {
    expect(conditionsHold("all", [condition("channel", "is", "email")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("channel", "is", "portal")], facts)).toBe(false);
    expect(conditionsHold("all", [condition("plan", "is_not", "self_hosted")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("severity", "is", "sev2")], facts)).toBe(false);
    expect(conditionsHold("all", [condition("category", "is", "availability")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("group", "is", "group-tier-1")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("status", "is_not", "new")], facts)).toBe(false);
  });

  it("treat a ticket without an organization as having no plan", () => {
    expect(conditionsHold("all", [condition("plan", "is", "cloud")], { ...facts, plan: null })).toBe(false);
    expect(conditionsHold("all", [condition("plan", "is_not", "cloud")], { ...facts, plan: null })).toBe(
      true,
    );
  });

  it("look for tags and for text without regard to case", () => {
    expect(conditionsHold("all", [condition("tags", "includes", "vip")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("tags", "excludes", "vip")], facts)).toBe(false);
    expect(conditionsHold("all", [condition("text", "contains", "checkout is down")], facts)).toBe(true);
    expect(conditionsHold("all", [condition("text", "does_not_contain", "NOBODY")], facts)).toBe(false);
  });

  it("tell business hours from closed hours", () => {
    expect(conditionsHold("all", [condition("business_hours", "is", "outside")], facts)).toBe(true);
    expect(
      conditionsHold("all", [condition("business_hours", "is", "within")], {
        ...facts,
        withinBusinessHours: true,
      }),
    ).toBe(true);
  });

  it("need every condition with all, one with any, and none when there are none", () => {
    const mixed = [condition("channel", "is", "email"), condition("severity", "is", "sev2")];
    expect(conditionsHold("all", mixed, facts)).toBe(false);
    expect(conditionsHold("any", mixed, facts)).toBe(true);
    expect(conditionsHold("any", [], facts)).toBe(true);
  });

  it("are refused naming the field when an operator or value does not fit", () => {
    const refused = (conditions: AutomationCondition[]) => {
      try {
        checkConditions(conditions);
      } catch (error) {
        expect(error).toBeInstanceOf(UnprocessableContentError);
        return (error as UnprocessableContentError).problems.map((problem) => problem.field);
      }
      return [];
    };
    expect(refused([condition("channel", "contains", "email")])).toEqual(["conditions/0/operator"]);
    expect(refused([condition("channel", "is", "email"), condition("severity", "is", "sev9")])).toEqual([
      "conditions/1/value",
    ]);
    expect(refused([condition("tags", "includes", "not a tag")])).toEqual(["conditions/0/value"]);
    expect(refused([condition("text", "contains", "  ")])).toEqual(["conditions/0/value"]);
    expect(checkConditions([condition("tags", "includes", "VIP")])).toEqual([
      condition("tags", "includes", "vip"),
    ]);
  });
});

describe("automation actions", () => {
  const values: TemplateValues = {
    "ticket.number": "42",
    "ticket.subject": "Checkout is down",
    "ticket.status": "open",
    "ticket.severity": "sev1",
    "requester.name": "Ada {{ticket.number}}",
    "requester.email": "ada@example.com",
    "organization.name": "Acme",
    "assignee.name": "",
    "group.name": "Tier 1",
  };

  it("fill placeholders by lookup, once, leaving unknown ones as written", () => {
    expect(
      renderTemplate("Hi {{requester.name}}, about #{{ ticket.number }}: {{ticket.secret}}", values),
    ).toBe("Hi Ada {{ticket.number}}, about #42: {{ticket.secret}}");
  });

  it("are refused naming the action's field for an unknown placeholder, a bad tag or nothing to do", () => {
    const fields = (actions: Parameters<typeof checkActions>[0]) => {
      try {
        checkActions(actions);
        return [];
      } catch (error) {
        return (error as UnprocessableContentError).problems.map((problem) => problem.field);
      }
    };
    expect(fields([])).toEqual(["actions"]);
    expect(fields([{ type: "send_public_reply", body: "Hi {{customer.name}}" }])).toEqual(["actions/0/body"]);
    expect(
      fields([
        { type: "set_severity", severity: "sev2" },
        { type: "add_tags", tags: ["no spaces"] },
      ]),
    ).toEqual(["actions/1/tags/0"]);
    expect(checkActions([{ type: "add_tags", tags: ["VIP", "vip"] }])).toEqual([
      { type: "add_tags", tags: ["vip"] },
    ]);
  });
});

describe("automation chains", () => {
  const [a, b, c] = [
    "0190b4c5-0000-7000-8000-00000000000a",
    "0190b4c5-0000-7000-8000-00000000000b",
    "0190b4c5-0000-7000-8000-00000000000c",
  ] as const;
  const system = (reason: string) => ({ kind: "system" as const, reason });

  it("read the automations behind an event, newest first, and nothing from people or timers", () => {
    expect(automationChainOf(system(automationReason(c, [b, a])))).toEqual([c, b, a]);
    expect(automationChainOf(system("sla scan"))).toEqual([]);
    expect(automationChainOf({ kind: "person", personId: a, role: "agent" })).toEqual([]);
    expect(automationReason(a, [])).toBe(`automation:${a}`);
  });

  it("never let an automation retrigger on a chain it is in, nor any past the depth limit", () => {
    expect(mayTrigger(a, [])).toBe(true);
    expect(mayTrigger(a, [a])).toBe(false);
    expect(mayTrigger(a, [b, a])).toBe(false);
    expect(mayTrigger(c, [b, a])).toBe(maxChainDepth > 2);
    expect(mayTrigger("0190b4c5-0000-7000-8000-00000000000d", [c, b, a])).toBe(false);
  });
});
