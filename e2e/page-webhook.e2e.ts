import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createEscalationPolicy } from "../src/modules/paging/manage-escalation-policies.js";
import { openPage } from "../src/modules/paging/manage-pages.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import {
  type E2eDesk,
  eventually,
  makeSam,
  staffPassword as password,
  startE2eDesk,
} from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let samId: string;
/** Sam's own chat: the webhook each page reaching Sam is posted to. */
let chat: Server;
const posts: { text: string; tend: { acknowledgeUrl: string } }[] = [];

describe.skipIf(chromiumMissing)("a person's own page webhook in Chromium", () => {
  beforeAll(async () => {
    chat = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        posts.push(JSON.parse(body));
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
    desk = await startE2eDesk();
    samId = await makeSam(desk);
    await createEscalationPolicy({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: {
        name: "sam-first",
        levels: [{ targets: [{ kind: "person", personId: samId }], timeoutMinutes: 5 }],
      },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
    await new Promise((resolve) => chat?.close(resolve));
  });

  it("is set on the Pages page, refused beside the field when unsafe, and receives a page with a working link", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "sam@support.example", password);
    await page.goto(`${desk.url}/oncall/pages`);
    const section = page.getByRole("form", { name: "My page webhook" });
    await section.getByText("None: pages reach you by mail only.").waitFor();

    // Plain http to another machine would carry the links in the clear: refused beside the field.
    const field = section.getByLabel("Webhook URL");
    await field.fill("http://chat.example.com/hook");
    await section.getByRole("button", { name: "Save webhook" }).click();
    await eventually(() => field.getAttribute("aria-invalid")).toBe("true");
    await section.getByText("an https URL (plain http only to localhost)").waitFor();
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 400/)]);

    const port = (chat.address() as AddressInfo).port;
    await field.fill(`http://127.0.0.1:${port}/sam`);
    await section.getByRole("button", { name: "Save webhook" }).click();
    await section.getByText(`Pages reaching you are also posted to 127.0.0.1:${port}.`).waitFor();
    expect(await field.inputValue()).toBe("");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A page reaches Sam's webhook; its link, opened in the browser, asks and then acknowledges.
    const opened = await openPage({
      ctx: desk.tend.context(systemActor("e2e page")),
      input: { title: "Queue stuck", severity: "sev2", policy: "sam-first" },
    });
    while ((await desk.tend.jobs.runDueJobs()) > 0);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toContain("[SEV2] Page: Queue stuck — you are paged (level 1).");
    const link = new URL(posts[0]?.tend.acknowledgeUrl ?? "");
    await page.goto(`${desk.url}${link.pathname}`);
    await page.getByText("Acknowledge this page? Its escalation stops.").waitFor();
    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByText("Page acknowledged").waitFor();
    const status = await desk.tend.database.db
      .selectFrom("pages")
      .select("status")
      .where("id", "=", opened.id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe("acknowledged");
    // The link's small page has no favicon of its own; the browser asking for one is no fault.
    expect(browser.problems.splice(0).filter((problem) => !problem.includes("/favicon.ico"))).toEqual([]);

    // Removed again: nothing more is posted there.
    await page.goto(`${desk.url}/oncall/pages`);
    await section.getByRole("button", { name: "Remove webhook" }).click();
    await section.getByText("None: pages reach you by mail only.").waitFor();
    expect(browser.problems).toEqual([]);
  });
});
