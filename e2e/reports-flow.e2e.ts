import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import { updateTicket } from "../src/modules/tickets/update-ticket.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, eventually, makeSam, staffPassword, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;

describe.skipIf(chromiumMissing)("the Flow and People reports in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    const samId = await makeSam(desk);
    const requesterId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
    });
    // Two arrivals today (by mail and by phone), Sam's; he solves the phone one.
    const ctx = desk.tend.context({ kind: "person", personId: samId, role: "agent", organizationId: null });
    await createTicket({
      ctx,
      input: {
        subject: "Invoices missing",
        body: "Details.",
        requesterId,
        channel: "email",
        assigneeId: samId,
      },
    });
    const called = await createTicket({
      ctx,
      input: {
        subject: "Called about SSO",
        body: "Details.",
        requesterId,
        channel: "phone",
        assigneeId: samId,
      },
    });
    await updateTicket({ ctx, number: called.number, input: { version: called.version, status: "solved" } });
    browser = await openChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("charts the flow, and a figure leads to its tickets", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "sam@support.example", staffPassword);
    await page.goto(`${desk.url}/reports/flow`);
    await page.getByRole("heading", { name: "Flow" }).waitFor();
    await page.locator(".report-chart svg").first().waitFor();
    const perDay = page.getByRole("table", { name: "Flow per day" });
    const totals = perDay.locator("tfoot td");
    // Created, Solved, Reopened…: two arrivals, one solve.
    await eventually(() => totals.nth(0).textContent()).toBe("2");
    await eventually(() => totals.nth(1).textContent()).toBe("1");
    await expect.poll(() => page.getByRole("table", { name: "Backlog" }).isVisible()).toBe(true);

    await page.getByRole("combobox", { name: /^Channel/ }).selectOption("email");
    await eventually(async () => page.url()).toContain("channel=email");
    await eventually(() => totals.nth(0).textContent()).toBe("1");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await totals.nth(0).getByRole("link").click();
    await page.getByRole("heading", { name: /Tickets behind the figure \(created\)/ }).waitFor();
    await page.getByRole("link", { name: /Invoices missing/ }).waitFor();
    expect(await page.getByRole("link", { name: /Called about SSO/ }).count()).toBe(0);
    await page.getByRole("link", { name: /Invoices missing/ }).click();
    await page.getByRole("heading", { name: /Invoices missing/ }).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("lists each agent's figures, and their solves lead to the tickets", async () => {
    const { page } = browser;
    await page.goto(`${desk.url}/reports/people`);
    await page.getByRole("heading", { name: "People" }).waitFor();
    await page.locator(".report-chart svg").first().waitFor();
    const sam = page.getByRole("table", { name: "Agents" }).getByRole("row").filter({ hasText: "Sam" });
    await eventually(() => sam.locator("td").nth(1).textContent()).toBe("1");
    await sam.locator("td").nth(1).getByRole("link").click();
    await page.getByRole("heading", { name: /Tickets behind the figure \(solved\)/ }).waitFor();
    await page.getByRole("link", { name: /Called about SSO/ }).waitFor();

    await page.goto(`${desk.url}/reports/csat`);
    await page.getByRole("heading", { name: "CSAT" }).waitFor();
    await page.getByRole("table", { name: "CSAT" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});
