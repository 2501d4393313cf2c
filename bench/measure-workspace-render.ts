import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loadConfig } from "../src/config.js";
import { buildApp } from "../src/http/build-app.js";
import { createTend, type Tend } from "../src/main.js";
import { type SeededDesk, seedDesk } from "../src/modules/demo/seed-desk.js";
import { addGroupMember } from "../src/modules/identity/manage-groups.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import { createSqliteBenchDatabase } from "./bench-database.js";
import { formatCount, formatNumber, printFigure, type RecordFigure } from "./report.js";
import { percentile } from "./stats.js";

const chromiumPath = "/usr/bin/chromium";
const webBuildIndex = fileURLToPath(new URL("../dist/web/index.html", import.meta.url));
const renderTarget = { comparison: "at most", value: 1000 } as const;
const rowsPerPage = 50;

/**
 * Issue 6: a ticket list of 50 rows renders and becomes interactive within 1 s of navigation, on a
 * desk of 100k tickets. In headless Chromium against the real server and the built app: the time
 * from navigation start (a full load of /views/tier-1) and from a click on a view in the left
 * column (the app already loaded) until the 50 rows are on screen and `j` moves the selection.
 */
export async function measureWorkspaceRender(
  tend: Tend,
  desk: SeededDesk,
  record: RecordFigure,
  options: { samples: number },
): Promise<void> {
  if (!existsSync(chromiumPath) || !existsSync(webBuildIndex)) {
    console.log(`  workspace render: skipped (needs ${chromiumPath} and \`npm run build\`)`);
    return;
  }
  const app = await buildApp({
    database: tend.database,
    logger: tend.logger,
    clock: tend.clock,
    publicUrl: tend.config.publicUrl,
    bodyLimitBytes: tend.config.bodyLimitBytes,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    const password = "bench render lantern 42";
    const agent = await createPerson({
      ctx: tend.context(),
      input: { name: "Bench Agent", email: "render@tend.bench", role: "agent", password },
    });
    await addGroupMember({ ctx: tend.context(), groupId: desk.tier1GroupId, personId: agent.id });
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel("Email").fill("render@tend.bench");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link").first().waitFor();

    /** Waits for a full page of rows, then proves the list answers the keyboard. */
    const listReady = async () => {
      await page
        .locator("table.tickets tbody tr")
        .nth(rowsPerPage - 1)
        .waitFor();
      await page.keyboard.press("j");
      await page.locator("table.tickets tbody tr:nth-child(2).selected").waitFor();
    };

    const fullLoads: number[] = [];
    const viewSwitches: number[] = [];
    for (let sample = 0; sample < options.samples; sample += 1) {
      await page.goto(`${url}/views/tier-1`, { waitUntil: "commit" });
      await listReady();
      // performance.now() counts from the navigation's start.
      fullLoads.push(await page.evaluate(() => performance.now()));

      await page
        .getByRole("navigation", { name: "Views" })
        .getByRole("link", { name: /Pending/ })
        .click();
      await page.locator("#list-title", { hasText: /^Pending/ }).waitFor();
      const started = performance.now();
      await page
        .getByRole("navigation", { name: "Views" })
        .getByRole("link", { name: /Tier 1/ })
        .click();
      await listReady();
      viewSwitches.push(performance.now() - started);
    }
    for (const [name, samples] of [
      ["workspace: load /views/tier-1, 50 rows interactive", fullLoads],
      ["workspace: switch to Tier 1, 50 rows interactive", viewSwitches],
    ] as const) {
      record({
        name: `${name} p95`,
        value: percentile(samples, 95),
        unit: "ms",
        target: renderTarget,
        detail: `p50 ${formatNumber(percentile(samples, 50))} ms, ${samples.length} samples, ${formatCount(desk.tickets)} tickets`,
      });
    }
  } finally {
    await browser.close();
    await app.close();
  }
}

// `npx tsx bench/measure-workspace-render.ts` seeds a SQLite desk of BENCH_TICKETS (100k) and prints the figures.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const database = createSqliteBenchDatabase();
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  try {
    const desk = await seedDesk(tend.database.db, tend.database.dialect, {
      tickets: Number(process.env.BENCH_TICKETS ?? 100_000),
    });
    await measureWorkspaceRender(tend, desk, (figure) => printFigure({ section: "web", ...figure }), {
      samples: 10,
    });
  } finally {
    await tend.stop();
    await database.drop();
  }
}
