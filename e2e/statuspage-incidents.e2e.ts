import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createStatusComponent } from "../src/modules/status/manage-status.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import {
  type E2eDesk,
  eventually,
  makeAda,
  makeSam,
  staffPassword as password,
  startE2eDesk,
} from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

async function openSection(page: Page, name: string) {
  await page
    .getByRole("navigation", { name: "Status page", exact: true })
    .getByRole("link", { name: "Status page" })
    .click();
  await page.getByRole("navigation", { name: "Status page sections" }).getByRole("link", { name }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

/** A Monday at noon in the browser's zone, at least a week ahead: the default policy allows Tuesday–Thursday. */
function nextMondayNoon(): { start: string; end: string } {
  const day = new Date();
  day.setDate(day.getDate() + 7);
  while (day.getDay() !== 1) day.setDate(day.getDate() + 1);
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  return { start: `${date}T12:00`, end: `${date}T13:00` };
}

describe.skipIf(chromiumMissing)("the status page's incidents and maintenance in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeAda(desk);
    await makeSam(desk);
    await createStatusComponent({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: { groupName: "Core", name: "Checkout API" },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("runs an incident from declaration to resolution, with its retrospective", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await openSection(page, "Incidents");
    await page.getByText("No incidents match.").waitFor();
    await expectAccessible(page);

    await page.getByRole("button", { name: "Declare incident" }).click();
    const declare = page.getByRole("form", { name: "Declare incident" });
    await declare.getByLabel("Title").fill("Checkout errors");
    await declare.getByLabel("Impact").selectOption({ label: "Major" });
    await declare.getByLabel("Checkout API").check();
    await declare.getByLabel("First update").fill("We are looking into failed checkouts.");
    await declare.getByRole("button", { name: "Declare incident" }).click();
    await page.getByRole("heading", { level: 1, name: "Checkout errors" }).waitFor();
    const incidentId = page.url().split("/").at(-1) ?? "";
    await page.getByText("Published", { exact: true }).waitFor();
    expect(await page.locator(".status-facts").textContent()).toContain("Checkout API");

    const composer = page.getByRole("form", { name: "Add to the log" });
    await composer.getByRole("radio", { name: /Internal note/ }).check();
    await composer.getByLabel("Note", { exact: true }).fill("Database primary failed over at 10:02.");
    await composer.getByRole("button", { name: "Add internal note" }).click();
    const note = page.locator(".incident-timeline li.log-internal", {
      hasText: "Database primary failed over",
    });
    await note.waitFor();
    expect(await note.textContent()).toContain("Internal note");

    await composer.getByRole("radio", { name: /Public update/ }).check();
    await composer.getByLabel("New state").selectOption({ label: "Identified" });
    await composer.getByLabel("Update", { exact: true }).fill("We found the cause and are fixing it.");
    await composer.getByRole("button", { name: "Post public update" }).click();
    await page.locator(".incident-timeline li.log-public", { hasText: "We found the cause" }).waitFor();
    await eventually(() => page.locator(".status-facts").textContent()).toContain("Identified");
    await expectAccessible(page);

    await composer.getByLabel("New state").selectOption({ label: "Resolved" });
    await composer.getByLabel("Update", { exact: true }).fill("Checkouts work again.");
    await composer.getByRole("button", { name: "Post public update" }).click();
    await eventually(() => page.locator(".status-facts").textContent()).toContain("Resolved");
    await screenshot(page, "statuspage-incident");

    // The public page carries the public updates and never the internal note.
    expect(await page.getByRole("link", { name: "Open the public incident page" }).getAttribute("href")).toBe(
      `/status/incidents/${incidentId}`,
    );
    await page.goto(`${desk.url}/status/incidents/${incidentId}`);
    const publicText = (await page.locator("body").textContent()) ?? "";
    expect(publicText).toContain("We found the cause and are fixing it.");
    expect(publicText).toContain("Checkouts work again.");
    expect(publicText).not.toContain("Database primary failed over");
    await page.goBack();

    await page.getByRole("link", { name: "Retrospective" }).click();
    await page.getByRole("heading", { level: 1, name: "Retrospective: Checkout errors" }).waitFor();
    const retrospective = page.getByRole("form", { name: /^Retrospective/ });
    // The draft's timeline is the log, internal note included.
    expect(
      await retrospective
        .locator("textarea")
        .evaluateAll((areas) => areas.map((area) => (area as unknown as { value: string }).value)),
    ).toContain("Database primary failed over at 10:02.");
    await retrospective.getByLabel("Summary").fill("Checkouts failed for 20 minutes.");
    await retrospective.getByLabel("Contributing factors").fill("A failover without a health check.");
    await retrospective.getByLabel("Lessons learned").fill("Alert on failovers.");
    await retrospective.getByRole("button", { name: "Save retrospective" }).click();
    await page.getByText("Retrospective saved.").waitFor();
    await page.getByText(/Last saved .* by Ada Admin/).waitFor();

    const followUp = page.getByRole("form", { name: "New follow-up" });
    await followUp.getByLabel("What to do").fill("Alert when the primary fails over");
    await eventually(() => followUp.getByLabel("Owner").locator("option").allTextContents()).toContain(
      "Sam Agent",
    );
    await followUp.getByLabel("Owner").selectOption({ label: "Sam Agent" });
    await followUp.getByLabel("Due day").fill("2020-01-31");
    await followUp.getByLabel("Ticket number or URL").fill("https://tracker.example/OPS-7");
    await followUp.getByRole("button", { name: "Add follow-up" }).click();
    const followUpRow = page.getByRole("row", { name: /Alert when the primary fails over/ });
    await followUpRow.waitFor();
    expect(await followUpRow.textContent()).toContain("Sam Agent");
    expect(await followUpRow.textContent()).toContain("Overdue (was due 2020-01-31)");
    await followUpRow.getByRole("button", { name: /Mark done/ }).click();
    await eventually(() => followUpRow.textContent()).toContain("Done by Ada Admin");
    await screenshot(page, "statuspage-retrospective");
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });

  it("refuses maintenance on a Monday in words, and lets an admin override it with a reason", async () => {
    const { page } = browser;
    await openSection(page, "Maintenance");
    await page.getByText(/Maintenance runs on Tuesday, Wednesday and Thursday \(UTC\)/).waitFor();
    await page.getByRole("button", { name: "Schedule maintenance" }).click();
    const form = page.getByRole("form", { name: "Schedule maintenance" });
    const monday = nextMondayNoon();
    await form.getByLabel("Title").fill("Database upgrade");
    await form.getByLabel(/^Start \(your local time, /).fill(monday.start);
    await form.getByLabel(/^End \(your local time, /).fill(monday.end);
    await form.getByLabel("Checkout API").check();
    await form.getByRole("button", { name: "Schedule maintenance" }).click();

    const refusal = page.getByRole("region", { name: "The policy refuses this window" });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("allowed weekdays:");
    expect(await refusal.textContent()).toContain("this window falls on a Monday");
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 422/)]);
    await expectAccessible(page);

    const override = page.getByRole("form", { name: "Override the policy" });
    await override
      .getByLabel("Why this window may break the policy")
      .fill("The vendor only supports the upgrade on Mondays.");
    await override.getByRole("button", { name: "Schedule with override" }).click();
    const upcoming = page.getByRole("region", { name: "Upcoming" });
    const row = upcoming.getByRole("row", { name: /Database upgrade/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(
      "Overrides the policy (allowed weekdays): The vendor only supports the upgrade on Mondays.",
    );
    await screenshot(page, "statuspage-maintenance");
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });

  it("keeps a security incident private with its checklist until it is published, and adds a webhook", async () => {
    const { page } = browser;
    await openSection(page, "Incidents");
    await page.getByRole("button", { name: "Declare incident" }).click();
    const declare = page.getByRole("form", { name: "Declare incident" });
    await declare.getByLabel("Title").fill("Leaked session tokens");
    await declare.getByLabel("Kind").selectOption({ label: "Security incident" });
    await declare
      .getByText("Kept internal: the public hears nothing until the incident is published.")
      .waitFor();
    await declare.getByLabel("First update").fill("Tokens seen in a public paste.");
    await declare.getByRole("button", { name: "Declare incident" }).click();
    await page.getByRole("heading", { level: 1, name: "Leaked session tokens" }).waitFor();
    await page.getByText("Private: nothing of this incident is on the public page.").waitFor();
    expect(await page.getByRole("link", { name: "Open the public incident page" }).count()).toBe(0);

    const checklist = page.getByRole("region", { name: "Security checklist" });
    const firstStep = checklist.getByRole("checkbox").first();
    await firstStep.check();
    await eventually(() => checklist.locator("li").first().textContent()).toContain("done by Ada Admin");
    expect(await checklist.textContent()).toMatch(/due /);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Publish" }).click();
    const publish = page.getByRole("form", { name: "Publish this incident" });
    await publish.getByLabel("First public statement").fill("We are rotating session tokens.");
    await publish.getByRole("button", { name: "Yes, publish it" }).click();
    await page.getByRole("link", { name: "Open the public incident page" }).waitFor();
    await page.getByText("Published", { exact: true }).waitFor();

    await openSection(page, "Incidents");
    const list = page.getByRole("row", { name: /Leaked session tokens/ });
    await list.waitFor();
    expect(await list.textContent()).toContain("Security");
    await page.getByLabel("Kind").selectOption({ label: "Incident" });
    await eventually(() => page.getByRole("row", { name: /Leaked session tokens/ }).count()).toBe(0);
    await page.getByRole("row", { name: /Checkout errors/ }).waitFor();
    await expectAccessible(page);

    await openSection(page, "Subscribers");
    await page.getByRole("button", { name: "New webhook" }).click();
    const webhook = page.getByRole("form", { name: "New webhook" });
    await webhook.getByLabel("URL", { exact: true }).fill("https://hooks.example/status");
    await webhook.getByRole("button", { name: "Add webhook" }).click();
    const secret = page.getByRole("region", { name: "Webhook added: copy its secret now" });
    expect(await secret.locator("pre").textContent()).toMatch(/^whsec_/);
    await expectAccessible(page);
    await secret.getByRole("button", { name: "I have copied it" }).click();
    const row = page.getByRole("row", { name: /hooks\.example/ });
    expect(await row.textContent()).toContain("Webhook");
    await row.getByRole("button", { name: /^Delete/ }).click();
    await row.getByRole("button", { name: /^Yes, delete/ }).click();
    await page.getByText("No subscribers yet.").waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("tells an agent only an admin can override the policy", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", password);
    await openSection(page, "Maintenance");
    expect(await page.getByRole("button", { name: "Edit the policy" }).count()).toBe(0);
    await page.getByRole("button", { name: "Schedule maintenance" }).click();
    const form = page.getByRole("form", { name: "Schedule maintenance" });
    const monday = nextMondayNoon();
    await form.getByLabel("Title").fill("Cache flush");
    await form.getByLabel(/^Start \(your local time, /).fill(monday.start);
    await form.getByLabel(/^End \(your local time, /).fill(monday.end);
    await form.getByLabel("Checkout API").check();
    await form.getByRole("button", { name: "Schedule maintenance" }).click();
    await page.getByText("Only an admin can override the maintenance policy").waitFor();
    expect(await page.getByRole("form", { name: "Override the policy" }).count()).toBe(0);
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 422/)]);
    await expectAccessible(page);

    await openSection(page, "Subscribers");
    await page.getByText("No subscribers yet.").waitFor();
    expect(await page.getByRole("button", { name: "New webhook" }).count()).toBe(0);
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });
});
