import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import {
  type Browser,
  chromiumMissing,
  chromiumPath,
  openChromium,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, makeSam, staffPassword, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
const customerEmail = "nora@northwind.example";
const customerPassword = "a customer password for the portal 7";
const title = "Exports stuck at 99 percent";

describe.skipIf(chromiumMissing)("the knowledge base in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeSam(desk);
    const organizationPerson = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora.setup@northwind.example",
    });
    expect(organizationPerson).toBeTruthy();
    const ctx = desk.tend.context(systemActor("e2e setup"));
    const setup = await desk.tend.database.db
      .selectFrom("people")
      .select("organization_id")
      .where("id", "=", organizationPerson)
      .executeTakeFirstOrThrow();
    await createPerson({
      ctx,
      input: {
        name: "Nora Lee",
        email: customerEmail,
        role: "customer",
        organizationId: setup.organization_id,
        password: customerPassword,
      },
    });
    browser = await openChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets an agent write and publish an article", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "sam@support.example", staffPassword);
    await page.getByRole("link", { name: "Knowledge base" }).click();
    await page.getByRole("heading", { name: "Knowledge base" }).waitFor();
    await page.getByLabel("Name").fill("Exports and reports");
    await page.getByRole("button", { name: "Add category" }).click();
    await page.getByRole("link", { name: "Write an article" }).click();
    await page.getByLabel("Title").fill(title);
    await expect.poll(() => page.getByLabel("Category").inputValue()).not.toBe("");
    await page
      .getByLabel("Article (Markdown)")
      .fill(
        "If an **export** stalls at 99 percent, the file is still being compressed.\n\nWait two minutes, then reload the exports page.",
      );
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByLabel("Preview of the article").getByText("export", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("status").filter({ hasText: "Published." }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it("shows the article on the public help center with JavaScript disabled", async () => {
    const noScript = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const page = await (await noScript.newContext({ javaScriptEnabled: false })).newPage();
      await page.goto(`${desk.url}/help`);
      await page.getByRole("heading", { name: "Exports and reports" }).waitFor();
      await page.getByRole("link", { name: title }).click();
      await page.getByRole("heading", { name: title }).waitFor();
      expect(await page.getByText("the file is still being compressed").count()).toBe(1);
      await page.getByLabel("Search the help center").fill("compressed export");
      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("link", { name: title }).waitFor();
    } finally {
      await noScript.close();
    }
    // axe needs script; the page itself is the same with or without it.
    await browser.page.goto(`${desk.url}/help`);
    expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
    await browser.page.goto(`${desk.url}/help/search?q=export`);
    expect(await seriousAccessibilityViolations(browser.page)).toEqual([]);
  });

  it("suggests the article while a customer types, and files nothing when it solved the problem", async () => {
    const customerBrowser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const context = await customerBrowser.newContext({ viewport: { width: 390, height: 844 } });
      const signIn = await context.request.post(`${desk.url}/api/v1/auth/login`, {
        data: { email: customerEmail, password: customerPassword },
      });
      expect(signIn.status()).toBe(200);
      const page = await context.newPage();
      await page.goto(`${desk.url}/portal/new`);
      await page.getByLabel("Subject").fill("Export stuck");
      await page
        .getByLabel("What happened?")
        .pressSequentially("My export has been at 99 percent for a while", {
          delay: 10,
        });
      const suggestions = page.getByRole("region", { name: "These articles may answer your question" });
      await suggestions.getByRole("link", { name: title }).waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await suggestions.getByRole("button", { name: "This solved my problem" }).click();
      await page.getByRole("heading", { name: "Glad that helped" }).waitFor();

      const tickets = await context.request.get(`${desk.url}/api/v1/tickets`);
      expect((await tickets.json()).items).toEqual([]);
      const article = await desk.tend.database.db
        .selectFrom("knowledge_articles")
        .select("deflection_count")
        .where("title", "=", title)
        .executeTakeFirstOrThrow();
      expect(article.deflection_count).toBe(1);
    } finally {
      await customerBrowser.close();
    }
  });
});
