import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, systemActor } from "../src/modules/identity/actor.js";
import { prepareDebriefByHand } from "../src/modules/oncall/handoff-preparation.js";
import { createSchedule } from "../src/modules/oncall/manage-schedules.js";
import { addComment } from "../src/modules/tickets/add-comment.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import { getTicket } from "../src/modules/tickets/read-tickets.js";
import { updateTicket } from "../src/modules/tickets/update-ticket.js";
import {
  type Browser,
  chromiumMissing,
  hasHorizontalScroll,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, eventually, staffPassword as password, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let olgaId: string;
let ianId: string;
let outageNumber: number;
let debriefId: string;

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

async function openOnCall(page: Page) {
  await page.getByRole("navigation", { name: "On call" }).getByRole("link", { name: "On call" }).click();
  await page.getByRole("heading", { level: 1, name: "On call" }).waitFor();
}

async function signInAs(page: Page, email: string) {
  if (await page.getByRole("button", { name: "Sign out" }).count())
    await page.getByRole("button", { name: "Sign out" }).click();
  else await page.goto(desk.url);
  await signInWithPassword(page, email, password);
}

/** The start date a week back, so Olga's two-week turn (the first) runs now and Ian's comes next. */
function aWeekAgo(): string {
  return new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
}

describe.skipIf(chromiumMissing)("handoff debriefs and calendar feeds in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    olgaId = await desk.makeStaff({
      name: "Olga Outgoing",
      email: "olga@support.example",
      password,
      group: "Tier 1",
    });
    ianId = await desk.makeStaff({
      name: "Ian Incoming",
      email: "ian@support.example",
      password,
      group: "Tier 1",
    });
    const system = desk.tend.context(systemActor("e2e setup"));
    const schedule = await createSchedule({
      ctx: system,
      input: {
        name: "Support",
        timeZone: "Europe/Paris",
        layers: [{ participants: [olgaId, ianId], startDate: aWeekAgo(), handoffTime: "09:00" }],
      },
    });
    const requesterId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
    });
    const olga: Actor = { kind: "person", personId: olgaId, role: "agent", organizationId: null };
    const asOlga = desk.tend.context(olga, "api");
    const outage = await createTicket({
      ctx: system,
      input: {
        subject: "EU cluster unreachable",
        body: "Nothing answers since 08:00.",
        requesterId,
        severity: "sev1",
        category: "availability",
        channel: "portal",
      },
    });
    outageNumber = outage.number;
    const { version } = await getTicket({ ctx: asOlga, number: outageNumber });
    await updateTicket({ ctx: asOlga, number: outageNumber, input: { version, assigneeId: olgaId } });
    await addComment({
      ctx: asOlga,
      number: outageNumber,
      input: { body: "Waiting on the network team.", visibility: "internal" },
    });
    await addComment({
      ctx: asOlga,
      number: outageNumber,
      input: { body: "We are on it and will update within the hour.", visibility: "public" },
    });
    // What the preparation job does a day before the handoff; here a week early, by hand.
    debriefId = (await prepareDebriefByHand(system, schedule.id)).debrief.id;
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets the outgoing engineer write notes per ticket and overall, then complete the debrief", async () => {
    const { page } = browser;
    await signInAs(page, "olga@support.example");
    await openOnCall(page);
    const waiting = page.getByRole("region", { name: "A handoff debrief is waiting for you" });
    await expectAccessible(page);
    await screenshot(page, "oncall-debrief-waiting");
    await waiting.getByRole("link", { name: "Complete your debrief for Ian Incoming" }).click();
    await page
      .getByRole("heading", { level: 1, name: "Handoff debrief: Olga Outgoing → Ian Incoming" })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/oncall/debriefs/${debriefId}`);

    const matter = page.getByRole("listitem").filter({ hasText: "EU cluster unreachable" });
    const ticketLink = matter.getByRole("link", { name: `#${outageNumber} EU cluster unreachable` });
    expect(await ticketLink.getAttribute("href")).toBe(`/tickets/${outageNumber}`);
    expect(await matter.textContent()).toContain("Sev1");
    // The first response is owed: its clock counts down from the snapshot's due time.
    await eventually(() => matter.locator(".sla-badge").first().textContent()).toMatch(/left$/);
    // Three policies each promise a first response: each clock says whose promise it is.
    const firstResponses = await matter.locator('li[data-metric="first_response"]').allTextContents();
    expect(firstResponses.map((line) => line.replace(/ (Running|Paused|Breached).*$/, "")).sort()).toEqual([
      "First response · Communication priority",
      "First response · Contract SLA",
      "First response · Internal first-response target",
    ]);
    expect(await matter.getByRole("definition").first().textContent()).toContain(
      "We are on it and will update within the hour.",
    );
    expect(await matter.getByRole("definition").nth(1).textContent()).toContain(
      "Waiting on the network team.",
    );
    await expectAccessible(page);

    const saveState = page.getByRole("status").filter({ hasText: /saved|Unsaved|Saving/ });
    expect(await saveState.textContent()).toBe("All notes saved.");
    await page.getByLabel(`Notes on #${outageNumber}`).fill("Network team owns the fix; ping them at 10:00.");
    await page.getByLabel("Overall notes").fill("Quiet week apart from the EU cluster.");
    expect(await saveState.textContent()).toBe("Unsaved changes.");
    await page.getByRole("button", { name: "Save notes" }).click();
    await eventually(() => saveState.textContent()).toBe("All notes saved.");

    // Saved on the server: a reload shows them.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: /^Handoff debrief/ }).waitFor();
    expect(await page.getByLabel(`Notes on #${outageNumber}`).inputValue()).toBe(
      "Network team owns the fix; ping them at 10:00.",
    );
    expect(await page.getByLabel("Overall notes").inputValue()).toBe("Quiet week apart from the EU cluster.");
    await screenshot(page, "oncall-debrief");

    await page.getByRole("button", { name: "Complete debrief" }).click();
    await page.getByText("Olga Outgoing's debrief completed").waitFor();
    await page.getByText("Awaiting acknowledgement", { exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Complete debrief" }).count()).toBe(0);
    // Olga is not the one to acknowledge.
    expect(await page.getByRole("button", { name: /^Acknowledge/ }).count()).toBe(0);
    await openOnCall(page);
    await page.getByRole("link", { name: "Debriefs" }).waitFor();
    expect(await page.getByText("waiting for you").count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });

  it("lets the incoming engineer acknowledge it, which reassigns the ticket to them", async () => {
    const { page } = browser;
    await signInAs(page, "ian@support.example");
    await openOnCall(page);
    await page
      .getByRole("region", { name: "A handoff debrief is waiting for you" })
      .getByRole("link", { name: "Acknowledge Olga Outgoing's debrief" })
      .click();
    await page.getByRole("heading", { level: 1, name: /^Handoff debrief/ }).waitFor();
    // Ian reads the notes; they are not his to edit.
    expect(await page.getByLabel(`Notes on #${outageNumber}`).count()).toBe(0);
    await page.getByText("Network team owns the fix; ping them at 10:00.").waitFor();
    await page.getByText("Quiet week apart from the EU cluster.").waitFor();
    const acknowledge = page.getByRole("button", { name: "Acknowledge", exact: true });
    const effect = await page.locator(`#${await acknowledge.getAttribute("aria-describedby")}`).textContent();
    expect(effect).toBe(
      "The 1 listed ticket still open and assigned to Olga Outgoing will be reassigned to Ian Incoming.",
    );
    await expectAccessible(page);
    await acknowledge.click();

    await page.getByText(/^Acknowledged by Ian Incoming/).waitFor();
    await page.getByText("Reassigned", { exact: true }).waitFor();
    expect(await acknowledge.count()).toBe(0);
    await screenshot(page, "oncall-debrief-acknowledged");
    const ticket = await page.request.get(`${desk.url}/api/v1/tickets/${outageNumber}`);
    expect(ticket.status()).toBe(200);
    expect((await ticket.json()).assignee?.id).toBe(ianId);
    await expectAccessible(page);

    // Kept and searchable; the filter lives in the address, so a reload keeps it.
    await page.getByRole("link", { name: "All debriefs" }).click();
    await page.getByRole("heading", { level: 1, name: "Handoff debriefs" }).waitFor();
    const rows = page.getByRole("table", { name: "Debriefs, newest handoff first" }).locator("tbody tr");
    await eventually(() => rows.count()).toBe(1);
    await page.getByLabel("State").selectOption({ label: "Awaiting acknowledgement" });
    await page.getByText("No debrief matches this search.").waitFor();
    await page.getByLabel("State").selectOption({ label: "Acknowledged" });
    await page.getByLabel("Notes or ticket subject").fill("network team");
    await page.getByRole("button", { name: "Search" }).click();
    await eventually(async () => new URL(page.url()).search).toBe("?text=network+team&status=acknowledged");
    await page.reload();
    await eventually(() => rows.count()).toBe(1);
    expect(await page.getByLabel("Notes or ticket subject").inputValue()).toBe("network team");
    expect(await rows.first().textContent()).toContain("Olga Outgoing → Ian Incoming");
    await page.getByLabel("Notes or ticket subject").fill("printer");
    await page.keyboard.press("Enter");
    await page.getByText("No debrief matches this search.").waitFor();
    await expectAccessible(page);
    await page.goBack();
    await eventually(() => rows.count()).toBe(1);
    expect(await page.getByLabel("Notes or ticket subject").inputValue()).toBe("network team");
    await screenshot(page, "oncall-debriefs");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${desk.url}/oncall/debriefs/${debriefId}`);
    await page.getByRole("heading", { level: 1, name: /^Handoff debrief/ }).waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(browser.problems).toEqual([]);
  });

  it("lists a person's calendar feeds, and a revoked feed's address answers 404", async () => {
    const { page } = browser;
    await openOnCall(page);
    await page.getByRole("link", { name: "Support" }).click();
    await page.getByRole("heading", { level: 1, name: "Support" }).waitFor();
    const myFeeds = page.getByRole("list", { name: "My calendar feeds" });
    await page.getByText("None: subscribe from a schedule's page").waitFor();

    await page.getByRole("button", { name: "Subscribe to my shifts" }).click();
    const url = page.getByLabel("Calendar URL");
    await eventually(() => url.inputValue()).toMatch(/\/api\/v1\/oncall\/feeds\/[^/]+\.ics$/);
    const path = new URL(await url.inputValue()).pathname;
    expect((await fetch(`${desk.url}${path}`)).status).toBe(200);
    await eventually(() => myFeeds.getByRole("listitem").allTextContents()).toEqual([
      expect.stringContaining("My shifts in every schedule"),
    ]);
    await expectAccessible(page);

    await myFeeds
      .getByRole("button", { name: "Revoke the calendar feed of My shifts in every schedule" })
      .click();
    await page.getByText("None: subscribe from a schedule's page").waitFor();
    const revoked = await fetch(`${desk.url}${path}`);
    expect(revoked.status).toBe(404);
    expect(browser.problems).toEqual([]);
  });
});
