import { simpleParser } from "mailparser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { findPersonByEmail } from "../src/modules/identity/person-repository.js";
import { sendSignInLink } from "../src/modules/identity/sign-in-link.js";
import { addComment } from "../src/modules/tickets/add-comment.js";
import { type SmtpSink, startSmtpSink } from "../test/email/email-desk.js";
import {
  type Browser,
  chromiumMissing,
  hasHorizontalScroll,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
} from "./support/chromium.js";
import { type E2eDesk, staffPassword, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let relay: SmtpSink;
let agentId: string;
let requestNumber: number;
const subject = "Dashboard returns 502 for all our users";

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

/**
 * What the `auth.send-sign-in-link` job does once the page asked for a link (the desk runs only
 * the web role, so the test plays the worker): mint the token and mail it through a real SMTP
 * relay. The link is then read out of the delivered mail, as the customer would click it.
 */
async function mailedSignInLink(email: string): Promise<string> {
  const ctx = desk.tend.context(systemActor("e2e: the worker's send-sign-in-link job"));
  const person = await findPersonByEmail(desk.tend.database.db, email);
  if (!person) throw new Error(`no person ${email}`);
  const before = relay.received.length;
  await sendSignInLink(ctx, person.id, {
    supportAddresses: ["support@tend.test"],
    relayUrl: `smtp://127.0.0.1:${relay.port}`,
    mailFrom: "Tend Support <support@tend.test>",
    publicUrl: desk.url,
  });
  const mail = relay.received.slice(before).find((m) => m.rcptTo.includes(email));
  if (!mail) throw new Error(`no sign-in mail reached ${email}`);
  const text = (await simpleParser(mail.raw)).text ?? "";
  const link = new RegExp(`${desk.url.replace(/[.]/g, "\\.")}/portal/sign-in\\?token=[A-Za-z0-9_%-]+`).exec(
    text,
  );
  if (!link) throw new Error(`no portal sign-in link in: ${text}`);
  return link[0];
}

async function signInByLink(page: Page, email: string): Promise<void> {
  await page.goto(`${desk.url}/portal`);
  await page.getByLabel("Your work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByRole("status").filter({ hasText: "sign-in link is on its way" }).waitFor();
  await page.goto(await mailedSignInLink(email));
  await page.getByRole("heading", { name: "Requests" }).waitFor();
  // The spent token does not stay in the address bar.
  expect(new URL(page.url()).pathname).toBe("/portal");
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
}

describe.skipIf(chromiumMissing)("the customer portal in Chromium", () => {
  beforeAll(async () => {
    relay = await startSmtpSink();
    desk = await startE2eDesk();
    agentId = await desk.makeStaff({
      name: "Ada Agent",
      email: "ada@support.example",
      password: staffPassword,
      group: "Tier 1",
    });
    await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
    });
    await desk.makeCustomer({
      organization: "Contoso",
      domain: "contoso.example",
      name: "Cole Park",
      email: "cole@contoso.example",
    });
    browser = await openChromium();
    // A phone: the portal is used from one as much as from a desk.
    await browser.page.setViewportSize({ width: 390, height: 844 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
    await relay?.close();
  });

  it("signs a customer in by the emailed link", async () => {
    const { page } = browser;
    await page.goto(`${desk.url}/portal`);
    await page.getByRole("heading", { name: "Sign in to Support" }).waitFor();
    await screenshot(page, "portal-sign-in");
    await expectNoSeriousViolations(page);
    await signInByLink(page, "nora@northwind.example");
    await page.getByText("No requests yet.").waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
  });

  it("submits a request, promising an answer time that follows severity and category", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "New request" }).first().click();
    await page.getByLabel("Subject").fill(subject);
    await page.getByLabel("What happened?").fill("Since 09:10 every page of the dashboard answers 502.");
    const promise = page.locator(".portal-promise");
    await eventually(() => promise.textContent()).toMatch(/^We'll answer by .+ your time\.$/);
    const routine = await promise.textContent();
    await page.getByLabel("Urgent: we are stopped").check();
    await page.getByLabel("What is it about?").selectOption("availability");
    await eventually(() => promise.textContent()).not.toBe(routine);
    await expect.poll(() => promise.textContent()).toMatch(/^We'll answer by .+ your time\.$/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await expectNoSeriousViolations(page);
    await screenshot(page, "portal-new-request");

    // Keyboard alone sends it: focus the button and press Enter.
    await page.getByRole("button", { name: "Send request" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: subject }).waitFor();
    requestNumber = Number(/\/portal\/requests\/(\d+)$/.exec(page.url())?.[1]);
    expect(requestNumber).toBeGreaterThan(0);
    await page.getByText("your request is with the team").waitFor();
  });

  it("shows the agent's reply, and reopens the request when the customer answers", async () => {
    const { page } = browser;
    const agent = desk.tend.context({
      kind: "person",
      personId: agentId,
      role: "agent",
      organizationId: null,
    });
    await addComment({
      ctx: agent,
      number: requestNumber,
      input: {
        body: "We restarted the dashboard pool; it answers again. Can you confirm?",
        summary: "The pool's health checks failed after a certificate rotation.",
        nextSteps: "Confirm the dashboard loads; we keep watching the pool.",
        status: "pending",
      },
    });
    // The page polls: the reply and the new status arrive without a reload.
    await page.getByText("it answers again. Can you confirm?").waitFor({ timeout: 30_000 });
    await page.getByText("Waiting for your answer").first().waitFor();
    const conversation = page.getByRole("list", { name: "Conversation" });
    expect(await conversation.textContent()).not.toMatch(/qualifying/i);
    await screenshot(page, "portal-request");
    await expectNoSeriousViolations(page);

    // Outside support hours the desk's automatic acknowledgement is one more message: count, not assume.
    const before = await conversation.getByRole("listitem").count();
    await page.getByLabel("Your message").fill("Still failing for users in Europe, sorry.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByText("Reply sent.").waitFor();
    await page.locator(".portal-request-meta .portal-status", { hasText: "Open" }).waitFor();
    await expect.poll(() => conversation.getByRole("listitem").count()).toBe(before + 1);
    expect(await hasHorizontalScroll(page)).toBe(false);

    await page.goto(`${desk.url}/portal`);
    await page.getByRole("link", { name: new RegExp(subject) }).waitFor();
    await screenshot(page, "portal-requests");
    await expectNoSeriousViolations(page);
    expect(browser.problems).toEqual([]);
  });

  it("attaches a file to a reply, uploaded as it is picked", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: new RegExp(subject) }).click();
    await page.getByLabel(/^Attachments/).setInputFiles({
      name: "gateway-errors.log",
      mimeType: "text/plain",
      buffer: Buffer.from("09:10:04 upstream timed out (110) while reading response header\n"),
    });
    await page.getByRole("button", { name: "Remove gateway-errors.log" }).waitFor();
    await page.getByLabel("Your message").fill("The gateway's log from this morning.");
    await page.getByRole("button", { name: "Send reply" }).click();
    const attached = page.getByRole("link", { name: "gateway-errors.log" });
    await attached.waitFor();
    const download = await page.request.get(
      new URL((await attached.getAttribute("href")) ?? "", desk.url).href,
    );
    expect(await download.text()).toContain("upstream timed out");
    expect(browser.problems).toEqual([]);
  });

  it("gives a customer of another organization the request's address as not found", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Support" }).waitFor();
    await signInByLink(page, "cole@contoso.example");
    await page.getByText("No requests yet.").waitFor();
    await page.goto(`${desk.url}/portal/requests/${requestNumber}`);
    await page.getByRole("heading", { name: "Request not found" }).waitFor();
    expect(await page.content()).not.toContain(subject);
    await expectNoSeriousViolations(page);
  });
});
