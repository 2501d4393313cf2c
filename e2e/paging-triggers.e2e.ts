import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
import { createEscalationPolicy } from "../src/modules/paging/manage-escalation-policies.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
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
  makeAda,
  makeNora,
  staffPassword as password,
  startE2eDesk,
} from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
let customerId: string;

describe.skipIf(chromiumMissing)("paging triggers in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    const ada = await makeAda(desk);
    customerId = await makeNora(desk);
    await createEscalationPolicy({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: {
        name: "support-leadership",
        levels: [{ targets: [{ kind: "person", personId: ada }], timeoutMinutes: 10 }],
      },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  it("lets an admin make a Sev 1 ticket page a policy, and shows the page it opened", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await page.goto(`${desk.url}/oncall/pages`);
    const section = page.getByRole("region", { name: "Paging triggers" });
    await section.getByText("No paging triggers: only people send pages.").waitFor();

    const form = section.getByRole("form", { name: "Add a paging trigger" });
    await form.getByLabel("When").selectOption({ label: "A Sev 1 ticket is created" });
    await form.getByLabel("Page").selectOption({ label: "support-leadership" });
    await form.getByRole("button", { name: "Add trigger" }).click();
    const triggers = section.getByRole("list", { name: "Paging triggers" }).getByRole("listitem");
    await eventually(() => triggers.allTextContents()).toEqual([
      expect.stringMatching(/A Sev 1 ticket is created: page support-leadership\s*On/),
    ]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A customer's Sev 1 ticket: the worker's trigger job opens the page.
    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e setup"), "portal"),
      input: {
        subject: "Nothing loads",
        body: "Every page is blank.",
        severity: "sev1",
        requesterId: customerId,
      },
    });
    await desk.tend.jobs.runDueJobs();
    await page.reload();
    await page
      .getByRole("list", { name: "Pages, open first" })
      .getByRole("link", { name: `Sev 1 ticket #${ticket.number}: Nothing loads` })
      .waitFor();

    await section.getByRole("button", { name: /Turn off A Sev 1 ticket is created/ }).click();
    await eventually(() => triggers.first().textContent()).toMatch(/Off/);
    expect(browser.problems).toEqual([]);
  });
});
