import type { Locator, Page, Response, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processInboundEmail } from "../src/modules/email/process-inbound-email.js";
import { storeInboundEmail } from "../src/modules/email/store-inbound-email.js";
import { systemActor } from "../src/modules/identity/actor.js";
import { totpCodeAt } from "../src/modules/identity/totp.js";
import { addComment } from "../src/modules/tickets/add-comment.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import { getTicket } from "../src/modules/tickets/read-tickets.js";
import { updateTicket } from "../src/modules/tickets/update-ticket.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
  signInWithPassword,
} from "./support/chromium.js";
import { type E2eDesk, eventually, staffPassword as password, startE2eDesk } from "./support/e2e-desk.js";

const oldestSubject = "Database unreachable after the 4.2 upgrade";
let desk: E2eDesk;
let browser: Browser;
let adaId: string;
let requesterId: string;
let patId: string;
const ticketNumbers = new Map<string, number>();

/** The Contract SLA's first-response clock in the side panel: 24 hours around the clock for Sev1. */
const contractFirstResponse = (page: Page): Locator =>
  page.locator('li.clock[data-metric="first_response"]', { hasText: "Contract SLA" });

/** The page updates after the API answers (and the stream reports): poll for up to 10 s. */

const signIn = (page: Page, email: string) => signInWithPassword(page, email, password);

describe.skipIf(chromiumMissing)("the agent workspace in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    adaId = await desk.makeStaff({
      name: "Ada Agent",
      email: "ada@support.example",
      password,
      group: "Tier 1",
    });
    patId = await desk.makeStaff({
      name: "Pat Expert",
      email: "pat@support.example",
      password,
      group: "Platform experts",
    });
    const ctx = desk.tend.context(systemActor("e2e setup"));
    const noraId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
      stage: "pre_sales",
    });
    // Created in this order, so the first is the oldest New ticket in Unassigned.
    for (const subject of [oldestSubject, "Provisioning stuck at 80%", "Backups missing since Tuesday"]) {
      const ticket = await createTicket({
        ctx,
        input: {
          subject,
          body: `${subject}. Please help.`,
          requesterId: noraId,
          severity: "sev1",
          category: "availability",
          channel: "portal",
        },
      });
      ticketNumbers.set(subject, ticket.number);
    }
    requesterId = noraId;
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("takes the oldest New ticket, answers it until the response is achieved, escalates, and an expert solves it", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await screenshot(page, "sign-in");
    await signIn(page, "ada@support.example");

    // The oldest New ticket from Unassigned, picked with the keyboard.
    const views = page.getByRole("navigation", { name: "Views" });
    await views.getByRole("link", { name: /Unassigned New/ }).click();
    await eventually(() => views.getByRole("link", { name: /Unassigned New/ }).textContent()).toMatch(
      /3 tickets$/,
    );
    await page.getByLabel("Sort").selectOption("createdAt");
    const rows = page.locator("table.tickets tbody tr");
    await eventually(() => rows.first().locator("td").nth(1).textContent()).toBe(oldestSubject);
    expect(await rows.first().textContent()).toContain("Pre-sales");
    await eventually(() => rows.first().locator(".sla-badge").textContent()).toMatch(/left$/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "ticket-list");

    // A ticket arriving through another channel shows up in the open list within a second.
    await createTicket({
      ctx: desk.tend.context(systemActor("e2e: another channel")),
      input: {
        subject: "Login page is blank",
        body: "Since 9:00.",
        requesterId,
        severity: "sev2",
        channel: "api",
      },
    });
    await expect.poll(() => rows.count(), { timeout: 1000, interval: 50 }).toBe(4);
    expect(await rows.nth(3).textContent()).toContain("Login page is blank");

    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: oldestSubject }).waitFor();
    await page.getByRole("button", { name: "Take it" }).click();
    await page.getByText("Assigned to Ada Agent").waitFor();

    // "We're on it" is not a response: the first-response clock keeps running.
    await page.keyboard.press("r");
    await page.getByLabel("Message to the requester").fill("Thanks, we are looking into it.");
    await page.getByText("Not a qualifying response: the SLA clock keeps running.").waitFor();
    await page.getByRole("button", { name: "Send as Open" }).click();
    await page.locator(".comment", { hasText: "Thanks, we are looking into it." }).waitFor();
    await eventually(() => contractFirstResponse(page).locator(".clock-state").textContent()).toBe("Running");

    // A summary of troubleshooting and next steps make it a response: the promise is kept.
    await page.getByLabel("Message to the requester").fill("We found the cause.");
    await page.getByLabel("Summary of troubleshooting").fill("The upgrade rotated the database password.");
    await page
      .getByLabel("Next steps")
      .fill("We restore the credentials tonight; no action needed from you.");
    await page.getByText("This reply qualifies as a response").waitFor();
    await page.getByRole("button", { name: "Send as Pending" }).click();
    await page.locator(".comment", { hasText: "We found the cause." }).waitFor();
    await eventually(() => contractFirstResponse(page).locator(".clock-state").textContent()).toBe(
      "Achieved",
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A colleague's note appears on the open page within a second, and the page says who changed it.
    const pat = desk.tend.context(
      { kind: "person", personId: patId, role: "agent", organizationId: null },
      "api",
    );
    await addComment({
      ctx: pat,
      number: ticketNumbers.get(oldestSubject) ?? 0,
      input: { body: "I saw this on another tenant last week.", visibility: "internal" },
    });
    await expect
      .poll(() => page.locator(".comment.internal").allTextContents(), { timeout: 1000, interval: 50 })
      .toContainEqual(expect.stringContaining("I saw this on another tenant last week."));
    await page.getByRole("status").filter({ hasText: "Pat Expert changed this ticket just now" }).waitFor();

    await page.getByRole("button", { name: "Escalate to Platform experts" }).click();
    await page
      .getByLabel(/Internal note for Platform experts/)
      .fill("Needs a credential rotation on the cluster.");
    await page.getByRole("button", { name: "Escalate", exact: true }).click();
    await eventually(() => page.locator(".ticket-meta").textContent()).toContain("Platform experts");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Tend" }).waitFor();

    // The expert finds it in Platform experts and solves it.
    await signIn(page, "pat@support.example");
    await page
      .getByRole("navigation", { name: "Views" })
      .getByRole("link", { name: /Platform experts/ })
      .click();
    await page.getByRole("link", { name: oldestSubject }).click();
    await page.getByText("Needs a credential rotation on the cluster.").waitFor();
    await screenshot(page, "ticket-page");
    await page
      .getByLabel("Message to the requester")
      .fill("Credentials restored; the database is reachable again.");
    await page
      .getByLabel("Summary of troubleshooting")
      .fill("Rotated the credentials and restarted the pool.");
    await page.getByLabel("Next steps").fill("None: reply if anything still fails.");
    await page.getByRole("button", { name: "Send as Solved" }).click();
    await eventually(() => page.locator(".ticket-meta .status").textContent()).toBe("Solved");

    expect(browser.problems).toEqual([]);
  }, 180_000);

  it("shows what someone else changed instead of overwriting it, then applies the agent's change on request", async () => {
    const { page } = browser;
    const number = ticketNumbers.get("Backups missing since Tuesday") ?? 0;
    // A tab whose live stream has not delivered the other change yet: the stream stays silent.
    await page.route("**/api/v1/stream", (route) =>
      route.fulfill({ status: 200, contentType: "text/event-stream", body: ": connected\n\n" }),
    );
    await page.goto(`${desk.url}/tickets/${number}`);
    await page.getByRole("heading", { name: "Backups missing since Tuesday" }).waitFor();

    const ada = desk.tend.context(
      { kind: "person", personId: adaId, role: "agent", organizationId: null },
      "api",
    );
    const { version } = await getTicket({ ctx: ada, number });
    await updateTicket({ ctx: ada, number, input: { version, severity: "sev2" } });

    await page.getByLabel("Status", { exact: true }).selectOption("open");
    const notice = page.getByRole("alert").filter({ hasText: "Ada Agent changed this ticket first" });
    await notice.waitFor();
    expect(await notice.textContent()).toContain("Severity: Sev1 → Sev2");
    expect(await page.locator(".ticket-meta .status").textContent()).toBe("New");
    await screenshot(page, "conflict");

    await notice.getByRole("button", { name: "Apply my change again" }).click();
    await eventually(() => page.locator(".ticket-meta .status").textContent()).toBe("Open");
    expect(await page.locator(".ticket-meta .severity").textContent()).toBe("Sev2");
    await page.unroute("**/api/v1/stream");
    // Chromium logs the refused PATCH; nothing else may be logged.
    expect(browser.problems.splice(0)).toEqual([expect.stringContaining("409 (Conflict)")]);
  }, 60_000);

  it("shows a customer's mail as its reply, with the whole message one click away", async () => {
    const { page } = browser;
    const raw = Buffer.from(
      [
        "From: Nora Lee <nora.mail@northwind.example>",
        "To: support@support.example",
        "Subject: Re: Exports fail overnight",
        `Message-ID: <e2e-full-${Date.now()}@northwind.example>`,
        "Date: Thu, 03 Dec 2026 09:00:00 +0000",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "The export failed again at 02:00.",
        "",
        "On Wed, Dec 2, 2026 at 10:00 Support wrote:",
        "> Please send us the export log.",
        "",
      ].join("\r\n"),
    );
    const ctx = desk.tend.context(systemActor("e2e: inbound mail"), "email");
    const stored = await storeInboundEmail(ctx, raw, {
      mailFrom: "nora.mail@northwind.example",
      rcptTo: ["support@support.example"],
      remoteAddress: "127.0.0.1",
    });
    const outcome = await processInboundEmail(ctx, stored.rawEmailId ?? "", {
      supportAddresses: ["support@support.example"],
    });
    await page.goto(`${desk.url}/tickets/${outcome.ticketNumber}`);
    const mail = page.getByRole("article", { name: "Public reply" }).first();
    await mail.getByText("The export failed again at 02:00.").waitFor();
    expect(await mail.textContent()).not.toContain("Please send us the export log");

    await mail.getByRole("button", { name: "Show full message" }).click();
    const full = mail.getByLabel("Full message");
    await full.waitFor();
    expect(await full.textContent()).toContain("> Please send us the export log.");
    await mail.getByRole("button", { name: "Hide full message" }).click();
    await full.waitFor({ state: "detached" });
    expect(browser.problems).toEqual([]);
  }, 60_000);

  it("asks for the second factor when the account has one, and takes a recovery code", async () => {
    const { page } = browser;
    const email = "sam@support.example";
    await desk.makeStaff({ name: "Sam Secure", email, password, group: "Tier 1" });
    const recoveryCode = await enrolSecondFactor(email);

    const secondFactorAnswers: number[] = [];
    const recordAnswer = (response: Response) => {
      if (response.url().endsWith("/auth/sign-in/second-factor")) secondFactorAnswers.push(response.status());
    };
    page.on("response", recordAnswer);

    // A browser nobody is signed in on. The ticket page is left first: a request of its still on the
    // way when the cookies go (its knowledge suggestions, say) would be answered 401.
    await page.goto("about:blank");
    await browser.context.clearCookies();
    await page.goto(desk.url);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("Code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Code").fill(recoveryCode);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link").first().waitFor();
    expect(await page.locator("header.top .who").textContent()).toBe("Sam Secure");
    page.off("response", recordAnswer);
    // One code refused, one accepted: the form sent each once.
    expect(secondFactorAnswers).toEqual([401, 200]);
    // Chromium logs the refused code; nothing else may be logged.
    expect(browser.problems.splice(0)).toEqual([
      expect.stringMatching(/401 \(Unauthorized\).*\/auth\/sign-in\/second-factor\)$/),
    ]);
  }, 60_000);

  it("abandons the requests still on their way when the agent signs out, so none is answered 401", async () => {
    const { page } = browser;
    // A slow list: its answer is held until the session has ended.
    const held = new Promise<Route>((resolve) => {
      void page.route(
        (url) => url.pathname === "/api/v1/tickets",
        (route) => resolve(route),
      );
    });
    await page
      .getByRole("navigation", { name: "Views" })
      .getByRole("link", { name: /Unassigned New/ })
      .click();
    const route = await held;
    const outcome = new Promise<string>((resolve) => {
      page.on("requestfailed", (request) => {
        if (request === route.request()) resolve("abandoned");
      });
      page.on("requestfinished", async (request) => {
        if (request === route.request()) resolve(`answered ${(await request.response())?.status()}`);
      });
    });
    const loggedOut = page.waitForResponse((response) => response.url().endsWith("/api/v1/auth/logout"));
    await page.getByRole("button", { name: "Sign out" }).click();
    expect((await loggedOut).status()).toBe(204);
    // Sent on now, the list would reach a server that no longer knows the session.
    await route.continue().catch(() => {});
    expect(await outcome).toBe("abandoned");
    await page.unrouteAll();
    await page.getByRole("heading", { name: "Sign in to Tend" }).waitFor();
    expect(browser.problems).toEqual([]);
  }, 60_000);
});

/** Turns two-factor sign-in on through the API, as the person would in their settings; returns a recovery code. */
async function enrolSecondFactor(email: string): Promise<string> {
  const login = await fetch(`${desk.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" };
  const enrolment = await fetch(`${desk.url}/api/v1/auth/two-factor/enrollment`, {
    method: "POST",
    headers: { cookie, "x-csrf-token": csrfToken },
  });
  const { secret } = (await enrolment.json()) as { secret: string };
  const confirmed = await fetch(`${desk.url}/api/v1/auth/two-factor/enrollment/confirm`, {
    method: "POST",
    headers,
    body: JSON.stringify({ code: totpCodeAt(secret, new Date()) }),
  });
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  const [code] = recoveryCodes;
  if (!code) throw new Error(`enrolment failed: ${confirmed.status}`);
  return code;
}
