import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processInboundEmail } from "../src/modules/email/process-inbound-email.js";
import { storeInboundEmail } from "../src/modules/email/store-inbound-email.js";
import { systemActor } from "../src/modules/identity/actor.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
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

/** The page updates after the API answers: poll for up to 10 s. */

async function openSection(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

/** Signs in through the API, as another browser would; returns that session's cookie. */
async function signInOutsideTheBrowser(email: string, secret: string): Promise<string> {
  const response = await fetch(`${desk.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: secret }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** The preview's due time for a policy's target, as the instant the page states (`<time datetime>`). */
const dueAt = (page: Page, target: string) =>
  page.locator(`tr[data-target="${target}"] td:last-child time`).getAttribute("datetime");

describe.skipIf(chromiumMissing)("the admin pages in Chromium", () => {
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

  it("lets an admin set up the team, an organization, the SLA and an API token", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Admin" }).click();

    // Agents and groups: a new group, a new agent, the agent into the group.
    await page.getByRole("heading", { level: 1, name: "Agents and groups" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Keyboard only: type into the field, Enter submits.
    await page.getByLabel("Group name").focus();
    await page.keyboard.type("Billing");
    await page.keyboard.press("Enter");
    const billing = page.getByRole("region", { name: "Billing" });
    await billing.getByText("No members yet").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Lee Newhire");
    await page.getByLabel("Email").fill("lee@support.example");
    await page.getByLabel("First password").fill("quiet harbor maple 77");
    await page.getByRole("button", { name: "Add to the team" }).click();
    await page.getByRole("cell", { name: "lee@support.example" }).waitFor();
    await billing.getByLabel("Add to Billing").selectOption({ label: "Lee Newhire" });
    await billing.getByRole("button", { name: "Add member" }).click();
    await billing.getByRole("button", { name: "Remove Lee Newhire from Billing" }).waitFor();
    // A role changes on its button, not while arrowing through the options.
    const leesRole = page.getByLabel("Role of Lee Newhire");
    await leesRole.selectOption({ label: "Admin" });
    await page.getByRole("button", { name: "Change role of Lee Newhire" }).click();
    await page.getByRole("button", { name: "Change role of Lee Newhire" }).waitFor({ state: "detached" });
    expect(await leesRole.inputValue()).toBe("admin");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Lee lost their phone: resetting their second factor, after a confirmation, ends their sessions.
    const phoneLost = await signInOutsideTheBrowser("lee@support.example", "quiet harbor maple 77");
    await page.getByRole("button", { name: "Reset two-factor Lee Newhire" }).click();
    await page.getByRole("button", { name: "Yes, reset two-factor Lee Newhire" }).click();
    await eventually(
      async () => (await fetch(`${desk.url}/api/v1/me`, { headers: { cookie: phoneLost } })).status,
    ).toBe(401);

    // Lee leaves: deactivated after a confirmation, shown muted with the date, and the session Lee
    // had open is refused at once.
    const leesSession = await signInOutsideTheBrowser("lee@support.example", "quiet harbor maple 77");
    expect((await fetch(`${desk.url}/api/v1/me`, { headers: { cookie: leesSession } })).status).toBe(200);
    await page.getByRole("button", { name: "Deactivate Lee Newhire" }).click();
    await page.getByRole("button", { name: "Yes, deactivate Lee Newhire" }).click();
    const leesRow = page.locator("tr", { hasText: "lee@support.example" });
    await leesRow.getByText(/^Deactivated on /).waitFor();
    expect(await leesRow.getAttribute("class")).toBe("deactivated");
    await leesRow.getByRole("button", { name: "Reactivate Lee Newhire" }).waitFor();
    expect((await fetch(`${desk.url}/api/v1/me`, { headers: { cookie: leesSession } })).status).toBe(401);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "admin-people");

    // Organizations: the API's refusal of a bad domain lands on the domains field.
    await openSection(page, "Organizations");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Name").fill("Contoso");
    const domains = page.getByLabel("Email domains");
    await domains.fill("contoso.example, not_a_domain");
    await page.getByLabel("Plan").selectOption({ label: "Managed" });
    await page.getByRole("button", { name: "Add organization" }).click();
    await eventually(() => domains.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await domains.getAttribute("aria-describedby")) ?? "";
    const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe('"not_a_domain" is not a domain');
    await eventually(() => page.locator(":focus").getAttribute("aria-describedby")).toBe(describedBy);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems.splice(0)).toEqual([expect.stringContaining("400 (Bad Request)")]);
    await domains.fill("contoso.example");
    await page.getByRole("button", { name: "Add organization" }).click();
    await page.getByRole("link", { name: "Contoso" }).click();
    await page.getByRole("heading", { level: 1, name: "Contoso" }).waitFor();
    expect(await page.getByLabel("Email domains").inputValue()).toBe("contoso.example");
    await page.getByLabel("Stage").selectOption({ label: "Pre-sales" });
    await page
      .getByLabel("Customers see")
      .selectOption({ label: "Only the tickets they requested or follow" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const contoso = await desk.tend.database.db
      .selectFrom("organizations")
      .select(["stage", "customer_ticket_visibility"])
      .where("name", "=", "Contoso")
      .executeTakeFirstOrThrow();
    expect(contoso).toEqual({ stage: "pre_sales", customer_ticket_visibility: "requester" });

    // Its SLA exceptions: none, then one added and withdrawn.
    await page.getByText("None: this organization gets the policies' targets.").waitFor();
    await page.getByLabel("Reason").fill("Launch week: 2 h first response");
    await page.getByLabel("Until (inclusive, UTC)").fill("2027-12-31");
    const exceptionTarget = page.getByRole("group", { name: /Target 1/ });
    await exceptionTarget.getByLabel("Hours").fill("2");
    await page.getByRole("button", { name: "Add exception" }).click();
    const withdraw = page.getByRole("button", {
      name: "Remove the exception “Launch week: 2 h first response”",
    });
    await withdraw.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "admin-organization");
    await withdraw.click();
    await page.getByText("None: this organization gets the policies' targets.").waitFor();

    // Calendars and SLA policies: a longer target moves the preview's due time by as much.
    await openSection(page, "Calendars and SLA policies");
    // A Monday noon: inside the extended UTC hours whatever the browser's zone is (UTC-12 to UTC+12).
    await page.getByLabel("Opened at (your time)").fill("2026-12-07T12:00");
    // Node and Chromium read the local time in the same zone (the machine's).
    const start = new Date("2026-12-07T12:00").toISOString();
    await eventually(() => page.locator(".preview-start time").getAttribute("datetime")).toBe(start);
    const target = "Internal first-response target first_response";
    const before = Date.parse((await dueAt(page, target)) ?? "");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Edit Internal first-response target" }).click();
    const policyForm = page.getByRole("form", { name: "Edit Internal first-response target" });
    // The form opens with the keyboard on its first field.
    expect(await page.locator(":focus").inputValue()).toBe("Internal first-response target");
    await policyForm
      .getByRole("group", { name: /Target 1/ })
      .getByLabel("Hours")
      .fill("3");
    await policyForm.getByRole("button", { name: "Save policy" }).click();
    await eventually(async () => Date.parse((await dueAt(page, target)) ?? "") - before).toBe(2 * 3_600_000);
    await page.getByText("First response 3 h on Extended hours — UTC").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "admin-sla");

    // API tokens: the secret shown once, then the token revoked.
    await openSection(page, "API tokens");
    await page.getByText("No API tokens yet.").waitFor();
    await page.getByLabel("Token name").fill("Status page sync");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByLabel("Secret");
    await eventually(() => secret.inputValue()).not.toBe("");
    expect(await page.locator(":focus").getAttribute("id")).toBe("new-secret-value");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "admin-tokens");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Revoke Status page sync" }).click();
    await page.getByText(/^Revoked/).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("lists inbound mail that failed with its reason, and processes it again", async () => {
    const { page } = browser;
    const ctx = desk.tend.context(systemActor("e2e: inbound mail"));
    const settings = { supportAddresses: ["support@support.example"] };
    const arrive = async (headers: string) => {
      const stored = await storeInboundEmail(ctx, Buffer.from(`${headers}\r\n\r\nOur exports fail.\r\n`), {
        mailFrom: "ops@contoso.example",
        rcptTo: ["support@support.example"],
        remoteAddress: "127.0.0.1",
      });
      return processInboundEmail(ctx, stored.rawEmailId ?? "", settings);
    };
    const failed = await arrive(
      "To: support@support.example\r\nSubject: Exports\r\nMessage-ID: <no-from@e2e>",
    );
    expect(failed).toMatchObject({ status: "failed", reason: "the message has no From address" });
    const processed = await arrive(
      "From: Ops <ops@contoso.example>\r\nTo: support@support.example\r\nSubject: Exports\r\nMessage-ID: <from@e2e>",
    );
    expect(processed.status).toBe("processed");

    await openSection(page, "Inbound email");
    const failedRow = page.locator('tr[data-status="failed"]');
    await failedRow.getByText("the message has no From address").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, "admin-inbound-email");
    await failedRow.getByRole("button", { name: /^Process again/ }).click();
    await page.getByText("No message has failed.").waitFor();

    // Queued again (this desk runs no worker), and the processed one leads to its ticket.
    await page.getByLabel("Show").selectOption({ label: "Waiting to be processed" });
    await page.locator('tr[data-status="received"]').waitFor();
    expect(page.url()).toContain("status=received");
    await page.getByLabel("Show").selectOption({ label: "Processed" });
    await page.getByRole("link", { name: `#${processed.ticketNumber}` }).click();
    await page
      .getByRole("heading", { name: /Exports/ })
      .first()
      .waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("sets the desk's and an organization's retention, and erases a customer at their request after showing what goes", async () => {
    const { page } = browser;
    await page.goto(`${desk.url}/admin`);
    await openSection(page, "Privacy");
    await page
      .getByLabel("Keep closed tickets")
      .selectOption({ label: "For a number of months after closing" });
    await page.getByLabel("Months after closing").fill("24");
    await page.getByLabel("Then they are").selectOption("anonymize");
    await page.getByLabel("Days to keep the raw bytes of handled inbound mail").fill("30");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const policies = await desk.tend.database.db.selectFrom("retention_policies").selectAll().execute();
    expect(policies).toEqual([
      expect.objectContaining({
        closed_ticket_months: 24,
        closed_ticket_action: "anonymize",
        raw_email_days: 30,
      }),
    ]);

    const fayId = await desk.makeCustomer({
      organization: "Fabrikam",
      domain: "fabrikam.example",
      name: "Fay Customer",
      email: "fay@fabrikam.example",
    });
    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e: Fay writes in")),
      input: { subject: "Delete my account", body: "Please erase my data.", requesterId: fayId },
    });
    await openSection(page, "Organizations");
    await page.getByRole("link", { name: "Fabrikam" }).click();

    // Fabrikam's contract keeps its tickets shorter than the desk does, and deletes them.
    const retention = page.getByRole("region", { name: "Retention" });
    await retention
      .getByText("The desk's default: closed tickets are anonymized 24 months after closing.")
      .waitFor();
    await retention.getByLabel("Months after closing").fill("6");
    await retention.getByLabel("Then they are").selectOption("delete");
    await retention.getByRole("button", { name: "Save its retention" }).click();
    await retention.getByText("Its own policy: closed tickets are deleted 6 months after closing.").waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const fabrikamId = (
      await desk.tend.database.db
        .selectFrom("organizations")
        .select("id")
        .where("name", "=", "Fabrikam")
        .executeTakeFirstOrThrow()
    ).id;
    const ownPolicy = () =>
      desk.tend.database.db
        .selectFrom("retention_policies")
        .select(["closed_ticket_months", "closed_ticket_action"])
        .where("organization_id", "=", fabrikamId)
        .execute();
    expect(await ownPolicy()).toEqual([{ closed_ticket_months: 6, closed_ticket_action: "delete" }]);
    // A month count the API refuses is shown at its field, and nothing changes.
    await retention.getByLabel("Months after closing").fill("500");
    await retention.getByRole("button", { name: "Save its retention" }).click();
    await retention.getByText("must be <= 120").waitFor();
    expect(await retention.getByLabel("Months after closing").getAttribute("aria-invalid")).toBe("true");
    expect(await ownPolicy()).toEqual([{ closed_ticket_months: 6, closed_ticket_action: "delete" }]);
    expect(await retention.getByRole("status").textContent()).toBe("");
    expect(browser.problems.splice(0)).toEqual([expect.stringMatching(/status of 400/)]);
    await screenshot(page, "admin-organization-retention");
    // The Privacy page lists it, and leads back to it.
    await openSection(page, "Privacy");
    const own = page.getByRole("region", { name: "Organizations with their own policy" });
    await own.getByText("closed tickets are deleted 6 months after closing").waitFor();
    await own.getByRole("link", { name: "Fabrikam" }).click();
    await retention.getByRole("button", { name: "Follow the desk's default instead" }).click();
    await retention.getByText("It follows the desk's default again.").waitFor();
    await retention
      .getByText("The desk's default: closed tickets are anonymized 24 months after closing.")
      .waitFor();
    expect(await ownPolicy()).toEqual([]);

    const fay = page.locator("tr", { hasText: "fay@fabrikam.example" });
    await fay.getByRole("button", { name: "Erase… Fay Customer" }).click();
    await fay.getByText(`Their 1 ticket(s) stay, without their words: #${ticket.number}.`).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await fay.getByRole("button", { name: "Erase Fay Customer for good" }).click();
    const erased = page.locator("tr", { hasText: "Erased person" });
    await erased.getByText("Erased", { exact: true }).waitFor();
    expect(await page.locator("tr", { hasText: "fay@fabrikam.example" }).count()).toBe(0);

    // Someone of no organization is found by address on the Privacy page.
    await createTicket({
      ctx: desk.tend.context(systemActor("e2e: Lou writes in")),
      input: {
        subject: "Forget me",
        body: "Please.",
        requester: { email: "lou@gmail.example", name: "Lou Loner" },
      },
    });
    await openSection(page, "Privacy");
    await page.getByLabel("Their email address").fill("LOU@gmail.example");
    await page.getByRole("button", { name: "Find" }).click();
    await page.locator(".found-person strong", { hasText: "Lou Loner" }).waitFor();
    await page.getByRole("button", { name: "Erase… Lou Loner" }).click();
    await page.getByRole("button", { name: "Erase Lou Loner for good" }).click();
    await page.getByText("Lou Loner was erased.").waitFor();
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByText("Nobody has that address.").waitFor();
    expect(browser.problems).toEqual([]);
  });

  it("shows an agent no admin link, and an admins-only page at the admin URL", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", password);
    expect(await page.getByRole("navigation", { name: "Admin" }).count()).toBe(0);
    await page.goto(`${desk.url}/admin/organizations`);
    await page.getByRole("heading", { level: 1, name: "Admins only" }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});
