import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createSchedule } from "../src/modules/oncall/manage-schedules.js";
import { openPage } from "../src/modules/paging/manage-pages.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
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
/** A chat server the policy posts each escalation step to. */
let chat: Server;
const chatLines: string[] = [];

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

/** Today in Node's (and the browser's) zone, as a schedule's start date. */
function localDate(daysFromNow: number): string {
  const at = new Date();
  at.setDate(at.getDate() + daysFromNow);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

async function openPolicies(page: Page) {
  await page.getByRole("navigation", { name: "On call" }).getByRole("link", { name: "On call" }).click();
  await page.getByRole("heading", { level: 1, name: "On call" }).waitFor();
  await page.getByRole("link", { name: "Escalation policies" }).click();
  await page.getByRole("heading", { level: 1, name: "Escalation policies" }).waitFor();
}

describe.skipIf(chromiumMissing)("paging in Chromium: escalation policies and a page's detail", () => {
  beforeAll(async () => {
    chat = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        chatLines.push((JSON.parse(body) as { text: string }).text);
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
    desk = await startE2eDesk();
    await makeAda(desk);
    const sam = await makeSam(desk);
    await createSchedule({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: {
        name: "Support rotation",
        timeZone: "Europe/Paris",
        layers: [{ participants: [sam], startDate: localDate(-1), handoffTime: "09:00" }],
      },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
    await new Promise((resolve) => chat?.close(resolve));
  });

  it("lets an admin define a two-level policy, with the API's refusal beside the level at fault", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await openPolicies(page);
    await page.getByText("No escalation policies yet.").waitFor();
    await page.getByRole("button", { name: "New escalation policy" }).click();
    const form = page.getByRole("form", { name: "New escalation policy" });
    await form.getByLabel("Policy name").fill("support-leadership");

    const level1 = form.getByRole("group", { name: "Level 1" });
    await level1.getByLabel("Add to level 1").selectOption({ label: "Tier 1" });
    await level1.getByLabel("Level 1 waits (minutes)").fill("10");
    await form.getByRole("button", { name: "Add a level" }).click();
    const level2 = form.getByRole("group", { name: "Level 2" });
    await level2.getByLabel("Level 2 waits (minutes)").fill("5");
    await form.getByLabel("Repeat the levels").fill("1");
    await form.getByLabel("Add to the final fallback").selectOption({ label: "Ada Admin" });
    const port = (chat.address() as AddressInfo).port;
    await form.getByLabel("Chat webhook URL").fill(`http://127.0.0.1:${port}/hook`);

    // Level 2 has nobody to notify: the API refuses, the message sits beside level 2's picker.
    await form.getByRole("button", { name: "Create policy" }).click();
    const picker2 = level2.getByLabel("Add to level 2");
    await eventually(() => picker2.getAttribute("aria-invalid")).toBe("true");
    await level2.getByText("a level needs someone to notify").waitFor();
    await eventually(() => page.locator(":focus").getAttribute("id")).toBe(await picker2.getAttribute("id"));
    await expectAccessible(page);
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 4\d\d/)]);

    // Level 2: whoever is on call. Then the on-call schedule goes first: the group waits behind it.
    await picker2.selectOption({ label: "Support rotation" });
    const notifies = (level: number) =>
      form.getByRole("list", { name: `Level ${level} notifies` }).getByRole("listitem");
    await eventually(() => notifies(2).allTextContents()).toEqual([
      expect.stringContaining("whoever is on call for Support rotation"),
    ]);
    await form.getByRole("button", { name: "Move level 2 earlier" }).click();
    await eventually(() => notifies(1).allTextContents()).toEqual([
      expect.stringContaining("whoever is on call for Support rotation"),
    ]);
    expect(await notifies(2).allTextContents()).toEqual([expect.stringContaining("the Tier 1 group")]);
    expect(await form.getByLabel("Level 1 waits (minutes)").inputValue()).toBe("5");
    await screenshot(page, "paging-policy-form");
    await form.getByRole("button", { name: "Create policy" }).click();

    const policies = page.getByRole("list", { name: "Escalation policies" }).getByRole("listitem");
    await eventually(() => policies.first().textContent()).toContain("support-leadership");
    const summary = (await policies.first().textContent()) ?? "";
    expect(summary).toContain("Level 1: whoever is on call for Support rotation, for 5 minutes");
    expect(summary).toContain("Level 2: the Tier 1 group, for 10 minutes");
    expect(summary).toContain("Then once more from level 1");
    expect(summary).toContain("Finally: Ada Admin");
    expect(summary).toContain("Each step is posted to chat.");

    // Editing keeps the levels and leaves the secret webhook as it is.
    await page.getByRole("button", { name: "Edit support-leadership" }).click();
    const edit = page.getByRole("form", { name: "Edit support-leadership" });
    expect(await edit.getByLabel("Level 2 waits (minutes)").inputValue()).toBe("10");
    await edit.getByLabel("Repeat the levels").fill("0");
    await edit.getByRole("button", { name: "Save policy" }).click();
    await eventually(() => policies.first().textContent()).not.toContain("once more");
    expect(await policies.first().textContent()).toContain("Each step is posted to chat.");
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });

  it("lets an agent page the policy, follow its escalation on the page's detail and acknowledge it", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", password);
    await openPolicies(page);
    // An agent reads the policies but has no admin controls.
    await page.getByRole("list", { name: "Escalation policies" }).getByText("support-leadership").waitFor();
    expect(await page.getByRole("button", { name: /^Edit|^Delete|New escalation policy/ }).count()).toBe(0);

    await page.getByRole("link", { name: "Pages", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Pages" }).waitFor();
    await page.getByLabel("Severity").selectOption("sev1");
    await page.getByLabel("What is wrong").fill("Checkout answers 502");
    await page.getByLabel("Details").fill("Since 09:12, every region.");
    await page.getByRole("button", { name: "Send page" }).click();
    await page.getByRole("link", { name: "Checkout answers 502" }).click();
    await page.getByRole("heading", { level: 1, name: "Checkout answers 502" }).waitFor();
    const facts = page.locator(".paging-facts");
    await eventually(() => facts.textContent()).toMatch(/StatusOpen/);
    expect(await facts.textContent()).toMatch(/Opened\s*by Sam Agent/);
    await page.getByText("Since 09:12, every region.").waitFor();
    const steps = page.getByRole("list", { name: "Escalation steps" }).getByRole("listitem");
    expect(await steps.allTextContents()).toEqual([
      expect.stringMatching(/^level 1 at .*whoever is on call for Support rotation, waits 5 min — next/),
      expect.stringMatching(/^level 2 at .*the Tier 1 group, waits 10 min — later/),
      expect.stringMatching(/^fallback at .*Ada Admin — later/),
    ]);

    // The worker runs the first step: the on-call person is due, the chat channel hears of it.
    // The step's chat post is a job the step enqueues: run until nothing due is left.
    while ((await desk.tend.jobs.runDueJobs()) > 0);
    expect(chatLines).toEqual([expect.stringContaining("Checkout answers 502 — level 1, paging Sam Agent")]);
    await page.reload();
    const log = page.getByRole("list", { name: "Page log" }).getByRole("listitem");
    await eventually(() => log.allTextContents()).toEqual([
      expect.stringMatching(/Opened by Sam Agent: opened with support-leadership$/),
      expect.stringMatching(/Escalated: escalated to level 1: 1 to notify$/),
      expect.stringMatching(/Posted to chat: posted to the chat webhook \(level 1\)$/),
    ]);
    await eventually(() => steps.first().textContent()).toMatch(/— paged$/);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Acknowledge" }).click();
    await eventually(() => facts.textContent()).toMatch(/StatusAcknowledged/);
    expect(await facts.textContent()).toMatch(/Acknowledged\s*by Sam Agent/);
    await eventually(() => log.last().textContent()).toMatch(/Acknowledged by Sam Agent$/);
    expect(await steps.allTextContents()).toEqual([
      expect.stringMatching(/— paged$/),
      expect.stringMatching(/— not needed$/),
      expect.stringMatching(/— not needed$/),
    ]);
    await page.getByRole("button", { name: "Acknowledge" }).waitFor({ state: "detached" });
    await expectAccessible(page);
    await screenshot(page, "paging-page-detail");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.setViewportSize({ width: 1360, height: 900 });

    await page.getByRole("button", { name: "Resolve" }).click();
    await eventually(() => facts.textContent()).toMatch(/StatusResolved/);
    expect(browser.problems).toEqual([]);
  });

  it("lists pages a list page at a time, open ones first, and links a page to its ticket", async () => {
    const { page } = browser;
    const ctx = desk.tend.context(systemActor("e2e setup"));
    const requesterId = await desk.makeCustomer({
      organization: "Contoso",
      domain: "contoso.example",
      name: "Cy Requester",
      email: "cy@contoso.example",
    });
    const ticket = await createTicket({
      ctx,
      input: { subject: "Checkout fails for every card", body: "Since 09:12.", requesterId },
    });
    for (let n = 1; n <= 25; n += 1)
      await openPage({
        ctx,
        input: {
          title: `Load test ${n}`,
          severity: "sev4",
          policy: "support-leadership",
          ...(n === 25 ? { ticketNumber: ticket.number } : {}),
        },
      });
    await page.getByRole("link", { name: "Pages", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Pages" }).waitFor();
    const pages = page.getByRole("list", { name: "Pages, open first" }).getByRole("listitem");
    await eventually(() => pages.count()).toBe(25);
    // The resolved page comes last, on the second list page.
    expect(await pages.filter({ hasText: "Checkout answers 502" }).count()).toBe(0);
    await page.getByRole("button", { name: "Show older pages" }).click();
    await eventually(() => pages.count()).toBe(26);
    expect(await pages.last().textContent()).toMatch(/Checkout answers 502.*Resolved/);
    await page.getByRole("button", { name: "Show older pages" }).waitFor({ state: "detached" });

    // The newest page, sent about a ticket, links to it from its detail.
    await page.getByRole("link", { name: "Load test 25" }).click();
    await page.getByRole("heading", { level: 1, name: "Load test 25" }).waitFor();
    await page.getByRole("link", { name: `Ticket #${ticket.number}` }).click();
    await page.getByRole("heading", { name: "Checkout fails for every card" }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
