import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCodeAt } from "../src/modules/identity/totp.js";
import {
  type Browser,
  chromiumMissing,
  openChromium,
  screenshot,
  seriousAccessibilityViolations,
} from "./support/chromium.js";
import { type E2eDesk, makeAda, makeSam, staffPassword, startE2eDesk } from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let ada: Enrolment;

const codeField = (page: Page) => page.getByRole("textbox", { name: "Code", exact: true });
const views = (page: Page) => page.getByRole("navigation", { name: "Views" }).getByRole("link").first();

/** The key the enrolment form shows beside its QR code, as an authenticator app would take it. */
async function shownSecret(page: Page): Promise<string> {
  const key = page.locator("code.totp-secret");
  await key.waitFor();
  return ((await key.textContent()) ?? "").replaceAll(" ", "");
}

interface Enrolment {
  secret: string;
  enrolledAt: Date;
  recoveryCodes: string[];
}

/**
 * Scans (reads) the new key, enters the app's code and reads the recovery codes shown. The code used
 * is spent: the next must be of a later 30-second step, which the server still takes within one step
 * of its clock (`nextStepCode`), or a recovery code.
 */
async function enrolInTheForm(page: Page): Promise<Enrolment> {
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await qr.waitFor();
  // Version 5 or more for an otpauth URI: hundreds of dark modules, each one path command.
  expect((await qr.locator("path").getAttribute("d"))?.split("M").length).toBeGreaterThan(300);
  const secret = await shownSecret(page);
  await screenshot(page, "two-factor-enrolment");
  const enrolledAt = new Date();
  await codeField(page).fill(totpCodeAt(secret, enrolledAt));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
  const recoveryCodes = await page.locator(".recovery-code-list li").allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  return { secret, enrolledAt, recoveryCodes };
}

const nextStepCode = ({ secret, enrolledAt }: Enrolment) =>
  totpCodeAt(secret, new Date(enrolledAt.getTime() + 30_000));

async function finishWithRecoveryCode(page: Page, enrolment: Enrolment): Promise<void> {
  await codeField(page).fill(enrolment.recoveryCodes.pop() ?? "");
  await page.getByRole("button", { name: "Verify" }).click();
  await views(page).waitFor();
}

async function signIn(page: Page, email: string): Promise<void> {
  // Off the workspace first: a live update landing after the cookie is gone would be refused (401).
  await page.goto("about:blank");
  await browser.context.clearCookies();
  await page.goto(desk.url);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(staffPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe.skipIf(chromiumMissing)("two-factor sign-in in the workspace, in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeAda(desk);
    await makeSam(desk);
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets an admin require it of all staff, and then takes them, and the next agent, through enrolment first", async () => {
    const { page } = browser;
    await signIn(page, "ada@support.example");
    await views(page).waitFor();
    await page.goto(`${desk.url}/admin/security`);
    await page.getByLabel("Who must sign in with a code from an authenticator app").selectOption("staff");
    await page.getByRole("button", { name: "Save" }).click();

    // The admin is staff too: her session turns to enrolment at its next request.
    await page.getByRole("heading", { name: "Set up two-factor sign-in to continue" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    ada = await enrolInTheForm(page);
    await screenshot(page, "two-factor-recovery-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await views(page).waitFor();
    // Refused while she had to enrol (the settings' reload, the live stream): logged by Chromium, nothing else.
    expect(browser.problems.splice(0).filter((problem) => !problem.includes("403 (Forbidden)"))).toEqual([]);

    // An agent who signs in now meets the form before anything else, and no refusal.
    await signIn(page, "sam@support.example");
    await page.getByRole("heading", { name: "Set up two-factor sign-in to continue" }).waitFor();
    const sam = await enrolInTheForm(page);
    await page.getByRole("button", { name: "I have saved them" }).click();
    await views(page).waitFor();
    expect(browser.problems).toEqual([]);

    // The next sign-in asks for a code: a recovery code does.
    await signIn(page, "sam@support.example");
    await finishWithRecoveryCode(page, sam);

    // Their own page: two-factor on, required, and recovery codes replaced with a current code.
    await page.getByRole("link", { name: "Sam Agent" }).click();
    await page.getByText("9 of your recovery codes are left").waitFor();
    // The same page holds the mail notices: on until turned off, and saved as ticked.
    const notices = page.getByLabel("Email me when a ticket is assigned to me", { exact: false });
    expect(await notices.isChecked()).toBe(true);
    await notices.uncheck();
    await page.getByText("You will not get these mails.").waitFor();
    await page.reload();
    await page.getByText("9 of your recovery codes are left").waitFor();
    expect(await notices.isChecked()).toBe(false);
    await page.getByText("An admin requires two-factor sign-in for your role, so it stays on.").waitFor();
    expect(await page.getByRole("button", { name: "Turn it off" }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Current code from your authenticator app").fill(nextStepCode(sam));
    await page.getByRole("button", { name: "Make new recovery codes" }).click();
    await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByText("10 of your recovery codes are left").waitFor();
    expect(browser.problems).toEqual([]);
  }, 90_000);

  it("lets a person turn it off again once nobody requires it", async () => {
    const { page } = browser;
    await signIn(page, "ada@support.example");
    await finishWithRecoveryCode(page, ada);
    await page.goto(`${desk.url}/admin/security`);
    await page.getByLabel("Who must sign in with a code from an authenticator app").selectOption("none");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved: nobody: each person chooses.").waitFor();

    await page.getByRole("link", { name: "Ada Admin" }).click();
    await page.getByLabel("Current code from your authenticator app").first().waitFor();
    await page
      .getByRole("form", { name: "Turn two-factor sign-in off" })
      .getByLabel("Current code from your authenticator app")
      .fill(nextStepCode(ada));
    await page.getByRole("button", { name: "Turn it off" }).click();
    await page.getByText("Off.").waitFor();

    // Her password alone signs her in again.
    await signIn(page, "ada@support.example");
    await views(page).waitFor();
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
