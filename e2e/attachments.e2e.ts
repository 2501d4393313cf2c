import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, staffPassword as password, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let ticketNumber: number;

const logLine = "14:02:11 ERROR replica lag 412s on db-eu-2\n";

describe.skipIf(chromiumMissing)("attachments in the agent composer, in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await desk.makeStaff({ name: "Ada Agent", email: "ada@support.example", password, group: "Tier 1" });
    const requesterId = await desk.makeCustomer({
      organization: "Contoso",
      domain: "contoso.example",
      name: "Cy Requester",
      email: "cy@contoso.example",
    });
    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: { subject: "Replica lag alerts", body: "Since the failover.", requesterId },
    });
    ticketNumber = ticket.number;
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  const attachInput = (page: Page) => page.getByLabel(/^Attach files/);

  it("attaches files from the keyboard, removes one, sends the note and downloads what it carries", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await page.goto(`${desk.url}/tickets/${ticketNumber}`);
    await page.getByRole("tab", { name: /Internal note/ }).click();
    await page.getByLabel("Note for the team").fill("The replica's log and a stray file.");

    // The picker is a native file input right after the note: Tab reaches it, Space opens the chooser.
    // Waited for first: Playwright turns on its interception of file choosers when a listener is added,
    // without waiting for the browser, and in two CI runs on PostgreSQL a Space pressed at once, with
    // the focus on the picker, opened no chooser Playwright saw.
    const chooser = page.waitForEvent("filechooser", { timeout: 15_000 });
    await expect
      .poll(
        async () => {
          await page.getByLabel("Note for the team").focus();
          await page.keyboard.press("Tab");
          const focused = await page.locator(":focus").getAttribute("id");
          return focused !== null && focused === (await attachInput(page).getAttribute("id"));
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(true);
    await page.keyboard.press("Space");
    await (await chooser).setFiles([
      { name: "replica.log", mimeType: "text/plain", buffer: Buffer.from(logLine) },
      { name: "stray.txt", mimeType: "text/plain", buffer: Buffer.from("not this one") },
    ]);
    const remove = page.getByRole("button", { name: "Remove stray.txt" });
    await remove.waitFor();
    await page.getByRole("button", { name: "Remove replica.log" }).waitFor();
    await remove.focus();
    await page.keyboard.press("Enter");
    await remove.waitFor({ state: "detached" });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "composer-attachments");

    // A program is refused beside the picker, and the file already picked stays.
    await attachInput(page).setInputFiles({
      name: "fix.exe",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("MZ"),
    });
    await page.getByRole("alert").filter({ hasText: "fix.exe" }).waitFor();
    await page.getByRole("button", { name: "Remove replica.log" }).waitFor();

    await page.getByRole("button", { name: "Add internal note" }).click();
    const link = page.locator("article").getByRole("link", { name: "replica.log" });
    await link.waitFor();
    expect(await page.locator("article").getByRole("link", { name: "stray.txt" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Remove replica.log" }).count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("replica.log");
    expect(await readFile(await download.path(), "utf8")).toBe(logLine);
    expect(browser.problems.filter((problem) => !problem.includes("/api/v1/uploads"))).toEqual([]);
  });
});
