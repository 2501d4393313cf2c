import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createEscalationPolicy } from "../src/modules/paging/manage-escalation-policies.js";
import {
  type Browser,
  chromiumMissing,
  hasHorizontalScroll,
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

/** A `datetime-local` or `date` value `days` from now at `hour` o'clock, in the browser's (and Node's) zone. */
function localValue(days: number, hour: number): { date: string; dateTime: string } {
  const at = new Date();
  at.setDate(at.getDate() + days);
  at.setHours(hour, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return { date, dateTime: `${date}T${pad(hour)}:00` };
}

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

async function openOnCall(page: Page) {
  await page.getByRole("navigation", { name: "On call" }).getByRole("link", { name: "On call" }).click();
  await page.getByRole("heading", { level: 1, name: "On call" }).waitFor();
}

describe.skipIf(chromiumMissing)("the on-call pages in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeAda(desk);
    const sam = await makeSam(desk);
    await createEscalationPolicy({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: {
        name: "Support escalation",
        levels: [{ targets: [{ kind: "person", personId: sam }], timeoutMinutes: 5 }],
      },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets an admin set up a two-person rotation and shows who is on call", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await openOnCall(page);
    await page.getByText("No on-call schedules yet.").waitFor();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Create a schedule" }).click();
    await page.getByRole("heading", { level: 1, name: "New on-call schedule" }).waitFor();

    await page.getByLabel("Schedule name").fill("Support");
    await page.getByLabel("Time zone").fill("Europe/Paris");
    const addPerson = page.getByLabel("Add to layer 1");
    await addPerson.selectOption({ label: "Ada Admin" });
    await addPerson.selectOption({ label: "Sam Agent" });
    const order = page.getByRole("list", { name: "Layer 1 rotation order" }).getByRole("listitem");
    await eventually(() => order.allTextContents()).toEqual([
      expect.stringContaining("Ada Admin"),
      expect.stringContaining("Sam Agent"),
    ]);
    // A week ago, so the first turn (Ada's, two weeks by default) is running now.
    await page.getByLabel("Start date").fill(localValue(-7, 0).date);

    // The API's refusal of a bad handoff time lands on that field, and the keyboard goes there.
    const handoff = page.getByLabel("Handoff time");
    await handoff.fill("25:00");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await eventually(() => handoff.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await handoff.getAttribute("aria-describedby")) ?? "";
    const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/from 00:00/);
    await eventually(() => page.locator(":focus").getAttribute("aria-describedby")).toBe(describedBy);
    await expectAccessible(page);
    await screenshot(page, "oncall-schedule-form");
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 4\d\d/)]);

    // Keyboard only: fix the time, Enter submits.
    await handoff.fill("09:00");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Support" }).waitFor();
    await page.getByText("every 2 weeks, handing off", { exact: false }).waitFor();
    await expectAccessible(page);

    await openOnCall(page);
    await page.getByText(/Ada Admin is on call until/).waitFor();
    await page.getByText(/Next: Sam Agent from/).waitFor();
    await expectAccessible(page);
    await screenshot(page, "oncall-overview");
    expect(browser.problems).toEqual([]);
  });

  it("lets an agent cover a shift, see it in the shift list and subscribe to a calendar feed", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", password);
    await openOnCall(page);
    await page.getByRole("link", { name: "Support" }).click();
    await page.getByRole("heading", { level: 1, name: "Support" }).waitFor();
    // The address opens the page on its own (a reload, a link shared in chat).
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Support" }).waitFor();
    // An agent reads the schedule but cannot edit it.
    expect(await page.getByRole("link", { name: "Edit schedule" }).count()).toBe(0);
    const shifts = page.getByRole("list", { name: "Shifts in the next 4 weeks" }).getByRole("listitem");
    await eventually(() => shifts.count()).toBeGreaterThan(1);
    expect(await shifts.filter({ hasText: "Cover" }).count()).toBe(0);
    await expectAccessible(page);

    const cover = page.getByRole("form", { name: "Cover a shift" });
    expect(await cover.getByLabel("Who covers").inputValue()).not.toBe("");
    await cover.getByLabel("From (your time)").fill(localValue(1, 10).dateTime);
    await cover.getByLabel("Until (your time)").fill(localValue(1, 18).dateTime);
    await cover.getByRole("button", { name: "Cover" }).click();
    const covered = shifts.filter({ hasText: "Cover" });
    await covered.waitFor();
    expect(await covered.textContent()).toContain("Sam Agent");
    const coverStart = await covered.locator("time").first().getAttribute("datetime");
    expect(coverStart).toBe(new Date(localValue(1, 10).dateTime).toISOString());
    await page.getByRole("button", { name: /^Remove the cover by Sam Agent/ }).waitFor();

    // Sam trades the next turn of the rotation for Ada's current one: two overrides, one swap.
    const swap = page.getByRole("form", { name: "Swap shifts" });
    expect(await swap.getByLabel("This shift", { exact: true }).inputValue()).toBe("0");
    expect(await swap.getByLabel("With this shift").inputValue()).toBe("1");
    await swap.getByRole("button", { name: "Swap" }).click();
    await eventually(() => page.getByText("Half of a swap: removing it removes both.").count()).toBe(2);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Subscribe to my shifts" }).click();
    const url = page.getByLabel("Calendar URL");
    await eventually(() => url.inputValue()).toMatch(/\/api\/v1\/oncall\/feeds\/[^/]+\.ics$/);
    expect(await page.locator(":focus").getAttribute("id")).toBe("feed-url");
    const feed = await fetch(`${desk.url}${new URL(await url.inputValue()).pathname}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain("BEGIN:VCALENDAR");
    await expectAccessible(page);
    await screenshot(page, "oncall-schedule");

    // At a phone's width the page still reads without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await expectAccessible(page);
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(browser.problems).toEqual([]);
  });

  it("lets an agent send a page and acknowledge it", async () => {
    const { page } = browser;
    await openOnCall(page);
    await page.getByRole("link", { name: "Pages" }).click();
    await page.getByRole("heading", { level: 1, name: "Pages" }).waitFor();
    await page.getByText("No pages sent yet.").waitFor();
    await page.getByLabel("Severity").selectOption("sev1");
    await page.getByLabel("What is wrong").fill("Checkout answers 502");
    await page.getByRole("button", { name: "Send page" }).click();
    const sent = page.getByRole("list", { name: "Pages, open first" }).getByRole("listitem");
    await eventually(() => sent.first().textContent()).toMatch(
      /Checkout answers 502 \(sev1, Support escalation\): Open/,
    );
    await expectAccessible(page);
    await page.getByRole("button", { name: "Acknowledge Checkout answers 502" }).click();
    await eventually(() => sent.first().textContent()).toMatch(/: Acknowledged.*acknowledged by Sam Agent/);
    await page
      .getByRole("button", { name: "Acknowledge Checkout answers 502" })
      .waitFor({ state: "detached" });
    await expectAccessible(page);
    await screenshot(page, "oncall-pages");
    expect(browser.problems).toEqual([]);
  });

  it("lets an admin restrict a layer to office hours, and flags the gaps that leaves", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "ada@support.example", password);
    await openOnCall(page);
    await page.getByText("Covered for the next 8 weeks.").waitFor();
    await page.getByRole("link", { name: "Support" }).click();
    await page.getByRole("link", { name: "Edit schedule" }).click();
    await page.getByRole("heading", { level: 1, name: "Edit on-call schedule" }).waitFor();
    expect(await page.getByLabel("Handoff time").inputValue()).toBe("09:00");
    await page.getByRole("button", { name: "Restrict layer 1 to certain hours" }).click();
    const officeHours = page.getByRole("group", { name: "Layer 1, window 1" });
    await officeHours.getByLabel("To").fill("18:00");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Save schedule" }).click();
    await page.getByText(/; only Mon, Tue, Wed, Thu, Fri 09:00–18:00$/).waitFor();
    await openOnCall(page);
    await page.getByText(/gaps in the next 8 weeks:/).waitFor();
    await expectAccessible(page);
    // The admin's header carries the most links: at a phone's width it still fits.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(browser.problems).toEqual([]);
  });
});
