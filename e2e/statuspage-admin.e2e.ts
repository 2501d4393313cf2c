import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { StatusMonitorWorker } from "../src/modules/status/status-monitor-worker.js";
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
/** The service the HTTP monitor checks: it answers 200 with a body holding the keyword. */
let service: Server;
let serviceChecks = 0;
/**
 * The e2e desk runs the web role only; the worker role's monitor runner is started beside it, reloading
 * every second so the monitor made in the browser is picked up at once rather than in 30 s.
 */
let monitors: StatusMonitorWorker;

/** A monitor checks within its 10 s interval and the page rereads every 10 s: a result takes up to ~25 s. */
const untilChecked = { timeout: 45_000, interval: 500 };

async function expectAccessible(page: Page) {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

async function openStatusPage(page: Page) {
  await page
    .getByRole("navigation", { name: "Status page" })
    .getByRole("link", { name: "Status page" })
    .click();
  await page.getByRole("heading", { level: 1, name: "Status page" }).waitFor();
}

describe.skipIf(chromiumMissing)("the status page's admin pages in Chromium", () => {
  beforeAll(async () => {
    service = createServer((_request, response) => {
      serviceChecks += 1;
      response.writeHead(200, { "content-type": "text/plain" }).end("checkout ok");
    });
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    desk = await startE2eDesk();
    await makeAda(desk);
    await makeSam(desk);
    monitors = new StatusMonitorWorker(desk.tend.context(systemActor("status monitors"), "system"), {
      refreshMs: 1000,
    });
    await monitors.start();
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await monitors?.stop();
    await desk?.stop();
    await new Promise((resolve) => service?.close(resolve));
  });

  it("lets an admin add a component and its monitors, see results arrive and set a state by hand", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await openStatusPage(page);
    await page.getByText("No components yet.").waitFor();
    expect(await page.getByRole("link", { name: "Open the public status page" }).getAttribute("href")).toBe(
      "/status",
    );

    await page.getByRole("button", { name: "New component" }).click();
    const newComponent = page.getByRole("form", { name: "New component" });
    await newComponent.getByLabel("Group", { exact: true }).fill("Core");
    await newComponent.getByLabel("Component name").fill("Checkout API");
    await newComponent.getByLabel("Uptime target (%)").fill("99.9");
    await newComponent.getByRole("button", { name: "Create component" }).click();
    const core = page.getByRole("region", { name: "Core" });
    const row = core.getByRole("row", { name: /Checkout API/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("Operational");
    expect(await row.textContent()).toContain("No data");
    expect(await row.textContent()).toContain("target 99.9%");
    await expectAccessible(page);

    await core.getByRole("link", { name: "Checkout API" }).click();
    await page.getByRole("heading", { level: 1, name: "Checkout API" }).waitFor();
    await page.getByText("No monitors yet").waitFor();

    // An FTP URL passes the browser's own check but not the API's: the refusal sits on the URL field.
    await page.getByRole("button", { name: "New monitor" }).click();
    const newMonitor = page.getByRole("form", { name: "New monitor" });
    await newMonitor.getByLabel("Monitor name").fill("Checkout health");
    await newMonitor.getByLabel("Interval (seconds)").fill("10");
    const url = newMonitor.getByLabel("URL", { exact: true });
    await url.fill("ftp://127.0.0.1/health");
    await newMonitor.getByLabel("Keyword").fill("checkout ok");
    await newMonitor.getByRole("button", { name: "Create monitor" }).click();
    await eventually(() => url.getAttribute("aria-invalid")).toBe("true");
    await newMonitor.getByText("only http and https URLs can be checked").waitFor();
    await eventually(() => page.locator(":focus").getAttribute("id")).toBe(await url.getAttribute("id"));
    await expectAccessible(page);
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 4\d\d/)]);

    const port = (service.address() as AddressInfo).port;
    await url.fill(`http://127.0.0.1:${port}/health`);
    await newMonitor.getByRole("button", { name: "Create monitor" }).click();
    const monitorRow = page.getByRole("row", { name: /Checkout health/ });
    await monitorRow.waitFor();
    expect(await monitorRow.textContent()).toContain(`GET http://127.0.0.1:${port}/health`);
    expect(await monitorRow.textContent()).toContain("body contains “checkout ok”");
    expect(await monitorRow.textContent()).toContain("every 10 s");

    // The worker checks the real service; the page, left open, shows the result.
    await expect.poll(() => monitorRow.textContent(), untilChecked).toMatch(/Up, (just now|\d+ s ago)/);
    expect(serviceChecks).toBeGreaterThan(0);
    const lastHour = page.locator(".status-figures dd").first();
    await expect.poll(() => lastHour.textContent(), untilChecked).toBe("100%");

    // A push monitor shows its URL once; what is pushed to it is its last result.
    await page.getByRole("button", { name: "New monitor" }).click();
    const pushForm = page.getByRole("form", { name: "New monitor" });
    await pushForm.getByLabel("Monitor name").fill("Nightly export");
    await pushForm.getByLabel("Kind").selectOption({ label: "Push (your system reports)" });
    await pushForm.getByLabel("Interval (seconds)").fill("3600");
    expect(await pushForm.getByLabel("URL", { exact: true }).count()).toBe(0);
    await pushForm.getByRole("button", { name: "Create monitor" }).click();
    const pushUrl = await page.getByLabel("Push URL").inputValue();
    expect(pushUrl).toMatch(new RegExp(`^${desk.url}/api/v1/status/push/\\S+$`));
    expect(await page.locator(".new-secret pre").textContent()).toContain(`curl -X POST ${pushUrl}`);
    await expectAccessible(page);
    const pushed = await fetch(pushUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ up: false, message: "export failed" }),
    });
    expect(pushed.status).toBe(204);
    await page.getByRole("button", { name: "Done" }).click();
    await expect
      .poll(() => page.getByRole("row", { name: /Nightly export/ }).textContent(), untilChecked)
      .toMatch(/Down, (just now|\d+ s ago)/);

    // The state set by hand wins over what the monitors say, until "decided by monitors" again.
    await page.getByRole("button", { name: "Edit component" }).click();
    const edit = page.getByRole("form", { name: "Edit Checkout API" });
    expect(await edit.getByLabel("Uptime target (%)").inputValue()).toBe("99.9");
    await edit.getByLabel("State").selectOption({ label: "Major outage" });
    await edit.getByRole("button", { name: "Save component" }).click();
    await page.getByText("Major outage, set by hand").waitFor();
    await screenshot(page, "statuspage-component");
    await expectAccessible(page);

    await page.getByRole("link", { name: "Status page", exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: "Status page" }).waitFor();
    const overviewRow = page.getByRole("region", { name: "Core" }).getByRole("row", { name: /Checkout API/ });
    await eventually(() => overviewRow.textContent()).toContain("Major outage");
    expect(await overviewRow.getByRole("meter", { name: "Error budget left for Checkout API" }).count()).toBe(
      1,
    );
    await screenshot(page, "statuspage-overview");
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });

  it("shows an agent everything, with nothing to change", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", password);
    await openStatusPage(page);
    await page.getByRole("link", { name: "Checkout API" }).click();
    await page.getByRole("heading", { level: 1, name: "Checkout API" }).waitFor();
    await page.getByRole("row", { name: /Checkout health/ }).waitFor();
    expect(await page.getByRole("button", { name: /^Edit|^Delete|^New / }).count()).toBe(0);
    await expectAccessible(page);
    expect(browser.problems).toEqual([]);
  });
});
