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
let samId: string;

describe.skipIf(chromiumMissing)("the SLA reports in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    samId = await makeSam(desk);
    const requesterId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
    });
    // A Sev 1 and a Sev 2 ticket, solved at once as Sam: every default promise on them is met.
    const ctx = desk.tend.context({ kind: "person", personId: samId, role: "agent", organizationId: null });
    for (const [subject, severity] of [
      ["Dashboard down", "sev1"],
      ["Export question", "sev2"],
    ] as const) {
      const ticket = await createTicket({ ctx, input: { subject, body: "Details.", requesterId, severity } });
      await updateTicket({
        ctx,
        number: ticket.number,
        input: { version: ticket.version, status: "solved" },
      });
    }
    browser = await openChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("shows attainment with its chart, filters by URL, drills down and exports CSV", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "sam@support.example", staffPassword);
    await page.getByRole("link", { name: "Reports" }).click();
    // Reports open on the overview: every default promise was met, and its figure links to the report.
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    const overviewSla = page.getByRole("region", { name: "SLA attainment" });
    await eventually(() => overviewSla.textContent()).toContain("100.0%");
    await eventually(() => page.getByRole("region", { name: "Backlog now" }).textContent()).toContain("0");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await overviewSla.getByRole("link", { name: "100.0%" }).click();
    await page.getByRole("heading", { level: 1, name: "SLA attainment" }).waitFor();
    await page.locator(".report-chart svg").first().waitFor();
    const table = page.getByRole("table", { name: "Attainment" });
    await table.waitFor();
    const totalText = () => page.locator(".report-total").textContent();
    await eventually(totalText).toMatch(/100\.0% of \d+ targets met/);
    const allTargets = Number(/of (\d+) targets/.exec((await totalText()) ?? "")?.[1]);

    await page.getByRole("combobox", { name: /^Severity/ }).selectOption("sev2");
    await eventually(async () => page.url()).toContain("severity=sev2");
    await eventually(async () =>
      Number(/of (\d+) targets/.exec((await totalText()) ?? "")?.[1]),
    ).toBeLessThan(allTargets);

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^sla-attainment-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);

    await table.getByRole("row").nth(1).getByRole("link").first().click();
    await page.getByRole("heading", { name: /Tickets behind the figure/ }).waitFor();
    await page
      .getByRole("link", { name: /Export question/ })
      .first()
      .waitFor();
    expect(await page.getByRole("link", { name: /Dashboard down/ }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it("shows times against the resolution goal", async () => {
    const { page } = browser;
    await page.goto(`${desk.url}/reports/times`);
    await page.getByRole("heading", { name: "Times" }).waitFor();
    await page.locator(".report-chart svg").first().waitFor();
    await eventually(() => page.locator(".report-total").textContent()).toContain("7-day goal: within");
  });
});
