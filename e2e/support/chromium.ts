import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page, type Request } from "playwright-core";

/** Debian's Chromium; the suite never downloads a browser (`.ci/run` installs it with apt). */
export const chromiumPath = "/usr/bin/chromium";
export const chromiumMissing = !existsSync(chromiumPath);
if (chromiumMissing) {
  console.warn(
    `e2e: skipped, ${chromiumPath} is missing (apt-get install chromium to run the browser tests)`,
  );
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions so far: a refused script or style (CSP) lands here. */
  problems: string[];
  close(): Promise<void>;
}

/** Requests the page has sent and not yet seen answered, with when each was sent. */
type PendingRequests = Map<Request, number>;

/** The browsers open now, so a failed test can say what their pages showed (report-failures.ts). */
export const openBrowsers = new Map<Browser, PendingRequests>();

/** Headless Chromium on a fresh profile, quiet: no network of its own, no updates, no sync. */
export async function openChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "tend-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const problems: string[] = [];
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    // Asking "who am I?" before signing in is answered 401, which Chromium logs: that one is expected.
    const signedOutProbe =
      message.location().url.endsWith("/api/v1/auth/session") && message.text().includes("401");
    if (!signedOutProbe) problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  context.on("weberror", (error) => problems.push(`page error: ${error.error().message}`));
  const pending: PendingRequests = new Map();
  context.on("request", (request) => pending.set(request, Date.now()));
  context.on("requestfinished", (request) => pending.delete(request));
  // A request cut short by a navigation fails too, which is normal: it is not one of the problems.
  context.on("requestfailed", (request) => pending.delete(request));
  const page = context.pages()[0] ?? (await context.newPage());
  const browser: Browser = {
    context,
    page,
    problems,
    async close() {
      openBrowsers.delete(browser);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  openBrowsers.set(browser, pending);
  return browser;
}

/**
 * What a browser's page shows and waits for, for a failed test's report: the address, requests
 * still unanswered and for how long, problems logged, and the page's visible text.
 */
export async function describeBrowser(browser: Browser): Promise<string> {
  const pending = openBrowsers.get(browser) ?? new Map<Request, number>();
  const now = Date.now();
  const unanswered = [...pending].map(
    ([request, sentAt]) => `  ${request.method()} ${request.url()} for ${now - sentAt} ms`,
  );
  const text = await browser.page
    .locator("body")
    // biome-ignore lint/performance/useDomNodeTextContent: what the user sees is the point; hidden text would mislead.
    .innerText({ timeout: 5_000 })
    .catch((error: Error) => `(unreadable: ${error.message})`);
  return [
    `page at ${browser.page.url()}`,
    `unanswered requests:${unanswered.length > 0 ? `\n${unanswered.join("\n")}` : " none"}`,
    `problems:${browser.problems.length > 0 ? `\n  ${browser.problems.join("\n  ")}` : " none"}`,
    `visible text:\n${text.slice(0, 3000)}`,
  ].join("\n");
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical findings on the page as it is now. Injected through the
 * DevTools protocol, which the page's CSP does not govern — the app itself stays under it.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
    );
}

/** Whether the page scrolls sideways at its current width (a narrow screen's failure). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  // Runs in the page; the test's own TypeScript has no DOM types.
  type Root = { scrollWidth: number; clientWidth: number };
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: Root } }).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });
}

/** Signs in on the sign-in page and waits for the workspace's views. */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Views" }).getByRole("link").first().waitFor();
}

const screenshotDir = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

/** Saves the page to docs/screenshots/<name>.png when TEND_SCREENSHOTS=1 (the README shows them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.TEND_SCREENSHOTS !== "1") return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
