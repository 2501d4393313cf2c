import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createGroup } from "../src/modules/identity/manage-groups.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import { getTicket } from "../src/modules/tickets/read-tickets.js";
import { createWebhookEndpoint } from "../src/modules/webhooks/manage-webhook-endpoints.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import {
  type E2eDesk,
  eventually,
  makeAda,
  makeNora,
  staffPassword as password,
  startE2eDesk,
} from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let customerId: string;

/** The message the API's refusal put beside `control`, through its `aria-describedby`. */
async function errorBeside(control: Locator): Promise<string | null> {
  const describedBy = (await control.getAttribute("aria-describedby")) ?? "";
  const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
  if (!errorId) return null;
  return browser.page.locator(`[id="${errorId}"]`).textContent();
}

describe.skipIf(chromiumMissing)("the automations admin page in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeAda(desk);
    customerId = await makeNora(desk);
    await createGroup({ ctx: desk.tend.context(systemActor("e2e setup")), input: { name: "Billing" } });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets an admin route invoice questions to Billing, and shows what the automation did", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await page.goto(`${desk.url}/admin`);
    await page
      .getByRole("navigation", { name: "Administration" })
      .getByRole("link", { name: "Automations" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Automations" }).waitFor();
    await page.getByText("No automations yet.").waitFor();

    await page.getByRole("button", { name: "New automation" }).click();
    const form = page.getByRole("form", { name: "New automation" });
    await form.getByLabel("Name").fill("Invoice questions to Billing");
    expect(await form.getByRole("checkbox", { name: "A ticket is created" }).isChecked()).toBe(true);
    await form.getByRole("button", { name: "Add a condition" }).click();
    const condition = form.getByRole("group", { name: "Condition 1" });
    expect(await condition.getByLabel("Field").inputValue()).toBe("text");
    expect(await condition.getByLabel("Operator").inputValue()).toBe("contains");
    await condition.getByLabel("Value").fill("invoice");

    await form.getByRole("button", { name: "Add an action" }).click();
    await form.getByRole("group", { name: "Action 1" }).getByLabel("Tags").fill("billing");
    await form.getByRole("button", { name: "Add an action" }).click();
    const setGroup = form.getByRole("group", { name: "Action 2" });
    await setGroup.getByLabel("Do").selectOption({ label: "Set the group" });
    await setGroup.getByLabel("Group").selectOption({ label: "Billing" });

    // A note with a placeholder the desk does not know: the refusal lands beside that note.
    await form.getByRole("button", { name: "Add an action" }).click();
    const note = form.getByRole("group", { name: "Action 3" });
    await note.getByLabel("Do").selectOption({ label: "Add an internal note" });
    await note.getByText("{{ticket.number}}").waitFor();
    const noteBody = note.getByLabel("Note");
    await noteBody.fill("Routed to Billing for {{ticket.price}}");
    await form.getByRole("button", { name: "Add automation" }).click();
    await eventually(() => noteBody.getAttribute("aria-invalid")).toBe("true");
    expect(await errorBeside(noteBody)).toMatch(/^unknown placeholder \{\{ticket\.price\}\}/);
    await eventually(() => page.locator(":focus").getAttribute("aria-describedby")).toBe(
      await noteBody.getAttribute("aria-describedby"),
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems.splice(0)).toEqual([expect.stringContaining("422")]);

    await note.getByRole("button", { name: "Remove action 3" }).click();
    await form.getByRole("button", { name: "Add automation" }).click();
    const row = page.getByRole("row", { name: /Invoice questions to Billing/ });
    await row.getByRole("cell", { name: "On", exact: true }).waitFor();
    expect(await row.getByRole("cell", { name: "A ticket is created" }).count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A customer asks about an invoice; the worker's automation job tags it and moves it to Billing.
    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e setup"), "portal"),
      input: {
        subject: "Question about my invoice",
        body: "The total looks wrong.",
        requesterId: customerId,
      },
    });
    while ((await desk.tend.jobs.runDueJobs()) > 0);
    const routed = await getTicket({
      ctx: desk.tend.context(systemActor("e2e check")),
      number: ticket.number,
    });
    expect(routed.tags).toContain("billing");
    expect(routed.group?.name).toBe("Billing");

    await row.getByRole("button", { name: "Runs of Invoice questions to Billing" }).click();
    const runs = page.getByRole("region", { name: "Runs of Invoice questions to Billing" });
    const run = runs.getByRole("row", { name: new RegExp(`#${ticket.number}`) });
    await run.getByRole("cell", { name: "Succeeded" }).waitFor();
    expect(await run.textContent()).toMatch(/Add tags: .*Set the group: /);
    expect(await run.getByRole("link", { name: `#${ticket.number}` }).getAttribute("href")).toBe(
      `/tickets/${ticket.number}`,
    );

    // Off, then deleted after a confirmation.
    await row.getByRole("button", { name: "Turn off Invoice questions to Billing" }).click();
    await row.getByRole("cell", { name: "Off", exact: true }).waitFor();
    await row.getByRole("button", { name: "Delete Invoice questions to Billing" }).click();
    await row.getByRole("button", { name: "Yes, delete Invoice questions to Billing" }).click();
    await page.getByText("No automations yet.").waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("posts a chat room's own JSON from a webhook action, refusing a body that would not be JSON", async () => {
    const { page } = browser;
    const { endpoint } = await createWebhookEndpoint({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: { url: "https://chat.example/hooks/support", eventKinds: ["sla.breached"] },
      policy: { allowPrivateNetworks: true },
    });
    await page.reload();
    await page.getByRole("button", { name: "New automation" }).click();
    const form = page.getByRole("form", { name: "New automation" });
    await form.getByLabel("Name").fill("Tell the chat room");
    await form.getByRole("button", { name: "Add an action" }).click();
    const call = form.getByRole("group", { name: "Action 1" });
    await call.getByLabel("Do").selectOption({ label: "Call a webhook" });
    expect(await call.getByLabel("Webhook endpoint").inputValue()).toBe(endpoint.id);
    const body = call.getByLabel("Body (optional)");
    // The number outside a string: JSON for this ticket, not for a subject.
    await body.fill('{"text": "New ticket", "number": {{ticket.number}}}');
    await form.getByRole("button", { name: "Add automation" }).click();
    await eventually(() => body.getAttribute("aria-invalid")).toBe("true");
    expect(await errorBeside(body)).toMatch(/^must be JSON with the placeholders inside its strings/);
    expect(browser.problems.splice(0)).toEqual([expect.stringContaining("422")]);

    const template = '{"text": "New ticket #{{ticket.number}}: {{ticket.subject}}"}';
    await body.fill(template);
    await form.getByRole("button", { name: "Add automation" }).click();
    await page.getByRole("row", { name: /Tell the chat room/ }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const saved = await desk.tend.database.db
      .selectFrom("automations")
      .select("actions")
      .where("name", "=", "Tell the chat room")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(saved.actions)).toEqual([
      { type: "call_webhook", endpointId: endpoint.id, bodyTemplate: template },
    ]);
    expect(browser.problems).toEqual([]);
  });
});
