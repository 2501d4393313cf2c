import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createStatusComponent, createStatusMonitor } from "../src/modules/status/manage-status.js";
import { addToRollups } from "../src/modules/status/status-repository.js";
import { newId } from "../src/shared/ids.js";
import {
  type Browser,
  chromiumMissing,
  chromiumPath,
  hasHorizontalScroll,
  openChromium,
  seriousAccessibilityViolations,
} from "./support/chromium.js";
import { type E2eDesk, startE2eDesk } from "./support/e2e-desk.js";

const DAY = 24 * 60 * 60 * 1000;
const screenshotPath = fileURLToPath(new URL("../docs/status-page.png", import.meta.url));

let desk: E2eDesk;
let browser: Browser;

/** A desk with two groups of components, 60 days of measurements and one published incident. */
async function seedStatus(): Promise<void> {
  const ctx = desk.tend.context(systemActor("e2e: status page seed"));
  const db = desk.tend.database.db;
  const components = [
    {
      groupName: "Help desk",
      name: "Agent workspace",
      position: 1,
      description: "Tickets, views and SLA clocks",
    },
    { groupName: "Help desk", name: "Customer portal", position: 2 },
    { groupName: "Email", name: "Inbound email", position: 1 },
    { groupName: "Email", name: "Outbound email", position: 2 },
  ];
  const today = Math.floor(Date.now() / DAY) * DAY;
  for (const [index, input] of components.entries()) {
    const component = await createStatusComponent({ ctx, input });
    const monitor = await createStatusMonitor({
      ctx,
      input: { componentId: component.id, name: `${input.name} push`, kind: "push", intervalSeconds: 60 },
    });
    const days = Array.from({ length: 60 }, (_, back) => {
      // Mostly whole days up, with a few bad ones spread over the components.
      const bad = (back * 7 + index * 13) % 23 === 0;
      const share = bad ? [0.995, 0.98, 0.93, 0.6][(back + index) % 4] : 1;
      return { at: today - (back + 1) * DAY, observedMs: DAY, goodMs: Math.round(DAY * (share ?? 1)) };
    });
    await addToRollups(db, "status_day_rollups", monitor.id, days);
    if (index === 2) {
      const at = new Date(Date.now() - 40 * 60 * 1000).toISOString();
      const id = newId();
      await db
        .insertInto("status_incidents")
        .values({
          id,
          title: "Inbound email delayed",
          kind: "incident",
          state: "identified",
          impact: "minor",
          published: 1,
          fired_rule: null,
          fired_figures: null,
          opened_by: null,
          started_at: at,
          resolved_at: null,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto("status_incident_components")
        .values({ incident_id: id, component_id: component.id })
        .execute();
      await db
        .insertInto("status_incident_updates")
        .values({
          id: newId(),
          incident_id: id,
          visibility: "public",
          kind: "update",
          state: "identified",
          body: "Our mail provider is slow to hand over messages; nothing is lost.",
          author_id: null,
          at,
        })
        .execute();
    }
  }
}

describe.skipIf(chromiumMissing)("the public status page in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await seedStatus();
    browser = await openChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("shows the components and their bars with JavaScript disabled", async () => {
    const noScript = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const context = await noScript.newContext({
        javaScriptEnabled: false,
        viewport: { width: 390, height: 844 },
      });
      const page = await context.newPage();
      await page.goto(`${desk.url}/status`);
      await expect(page.getByRole("heading", { name: "Agent workspace" })).toBeDefined();
      expect(await page.getByRole("heading", { level: 4 }).allTextContents()).toEqual([
        "Inbound email",
        "Outbound email",
        "Agent workspace",
        "Customer portal",
      ]);
      expect(await page.locator(".sp-bars").count()).toBe(4);
      expect(await page.locator(".sp-bars").first().locator(".sp-bar").count()).toBe(90);
      // The stylesheet applied: a measured day is coloured, the bars share the row.
      const box = await page.locator(".sp-bar").last().boundingBox();
      expect(box?.height).toBeGreaterThan(20);
      expect(await page.getByRole("link", { name: "Inbound email delayed" }).isVisible()).toBe(true);
      expect(await hasHorizontalScroll(page)).toBe(false);
    } finally {
      await noScript.close();
    }
  });

  it("shows a bar's figure on keyboard focus, passes axe, and is saved for the README", async () => {
    const { page, problems } = browser;
    await page.goto(`${desk.url}/status`);
    const bars = page.locator(".sp-bars").first().locator(".sp-bar");
    const yesterday = bars.nth(88);
    // The tooltip is the bar's ::after box, drawn from its label while hovered or focused.
    const tooltip = () =>
      yesterday.evaluate((el) => {
        const box = (
          el.ownerDocument.defaultView as unknown as {
            getComputedStyle(
              target: unknown,
              pseudo: string,
            ): { display: string; content: string; width: string };
          }
        ).getComputedStyle(el, "::after");
        return box.content === "none" || box.content === "normal"
          ? null
          : {
              content: box.content,
              width: Number.parseFloat(box.width),
              label: el.getAttribute("aria-label"),
            };
      });
    expect(await tooltip()).toBeNull();
    await bars.nth(87).focus();
    await page.keyboard.press("Tab");
    expect(
      await yesterday.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement),
    ).toBe(true);
    const shown = await tooltip();
    expect(shown?.width).toBeGreaterThan(200);
    expect(shown?.content).toContain(shown?.label);
    expect(shown?.label).toMatch(/^\d{4}-\d\d-\d\d: (\d+\.\d\d% uptime|no data), /);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    if (process.env.TEND_UPDATE_SCREENSHOTS === "1") {
      mkdirSync(fileURLToPath(new URL("../docs/", import.meta.url)), { recursive: true });
      await page.locator(".sp-bars").first().locator(".sp-bar").nth(80).focus();
      await page.screenshot({ path: screenshotPath, fullPage: true });
    }
  });
});
