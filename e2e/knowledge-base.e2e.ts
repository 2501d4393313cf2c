import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { groupFrequentQuestions } from "../src/modules/knowledge/group-frequent-questions.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import {
  type Browser,
  chromiumMissing,
  chromiumPath,
  openChromium,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, eventually, makeSam, staffPassword, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let customerId: string;
const customerEmail = "nora@northwind.example";
const customerPassword = "a customer password for the portal 7";
const title = "Exports stuck at 99 percent";

describe.skipIf(chromiumMissing)("the knowledge base in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeSam(desk);
    customerId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: customerEmail,
      password: customerPassword,
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
    await page.getByRole("status").filter({ hasText: "Category “Exports and reports” added." }).waitFor();
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
    const customerBrowser = await openChromium();
    try {
      const { context, page } = customerBrowser;
      await page.setViewportSize({ width: 390, height: 844 });
      const signIn = await context.request.post(`${desk.url}/api/v1/auth/login`, {
        data: { email: customerEmail, password: customerPassword },
      });
      expect(signIn.status()).toBe(200);
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

  it("lists the questions customers keep asking that no article answers, and drafts one from them", async () => {
    const customer = desk.tend.context({
      kind: "person",
      personId: customerId,
      role: "customer",
      organizationId: (
        await desk.tend.database.db
          .selectFrom("people")
          .select("organization_id")
          .where("id", "=", customerId)
          .executeTakeFirstOrThrow()
      ).organization_id,
    });
    for (const [subject, body] of [
      ["Password reset link expired", "I clicked the password reset link but it has expired."],
      ["Reset link expired", "My password reset email link says expired."],
      ["Password reset link not working", "The reset link for my password expired already."],
    ] as const) {
      await createTicket({ ctx: customer, input: { subject, body } });
    }
    // The daily grouping job, as the worker runs it (this desk runs only the web role).
    await groupFrequentQuestions(desk.tend.context(systemActor("e2e: the worker's grouping job")));

    const { page } = browser;
    await page.goto(`${desk.url}/knowledge`);
    await page.getByRole("link", { name: "Frequent questions" }).click();
    const question = page
      .getByRole("table", { name: "Articles to write" })
      .getByRole("row")
      .filter({ hasText: "Password reset link" });
    await question.waitFor();
    expect(await question.getByRole("cell").first().textContent()).toBe("3");
    expect(await question.getByRole("link", { name: /expired|not working/ }).count()).toBe(3);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await question.getByRole("button", { name: "Write article" }).click();
    await eventually(() => page.getByLabel("Title").inputValue()).toMatch(/reset link/i);
    await page.goto(`${desk.url}/knowledge/frequent-questions`);
    const covered = page.getByRole("list", { name: "Covered questions" });
    await covered.getByText(/\(3 tickets\)/).waitFor();
    await covered.getByRole("link", { name: /reset link.*\(draft\)/i }).waitFor();
    expect(await page.getByRole("table", { name: "Articles to write" }).count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
