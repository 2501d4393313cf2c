import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/modules/identity/actor.js";
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
import { type HttpReceiver, startHttpReceiver } from "./support/http-receiver.js";

let desk: E2eDesk;
let browser: Browser;
let customerId: string;
let receiver: HttpReceiver;
let receiverUrl: string;

describe.skipIf(chromiumMissing)("the webhooks admin page in Chromium", () => {
  beforeAll(async () => {
    receiver = await startHttpReceiver();
    receiverUrl = receiver.url("/hooks/tend");
    desk = await startE2eDesk();
    await makeAda(desk);
    customerId = await makeNora(desk);
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
    await receiver?.close();
  });

  it("adds an endpoint, shows its secret once, and lists and redelivers what it was sent", async () => {
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", password);
    await page.goto(`${desk.url}/admin`);
    await page
      .getByRole("navigation", { name: "Administration" })
      .getByRole("link", { name: "Webhooks" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
    await page.getByText("No webhook endpoints yet.").waitFor();

    const form = page.getByRole("form", { name: "Add an endpoint" });
    await form.getByLabel(/^URL/).fill(receiverUrl);
    await form.getByLabel("Description").fill("Ops bridge");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByLabel("Secret", { exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByLabel("Secret", { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(secret.slice(6));

    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e setup"), "portal"),
      input: { subject: "Exports stuck", body: "Since this morning.", requesterId: customerId },
    });
    while ((await desk.tend.jobs.runDueJobs()) > 0);
    const created = receiver.received.filter((post) => post.body.includes('"ticket.created"'));
    expect(created).toHaveLength(1);
    const verified = new Webhook(secret).verify(
      created[0]?.body ?? "",
      created[0]?.headers as Record<string, string>,
    ) as { data: { ticketNumber: number } };
    expect(verified.data.ticketNumber).toBe(ticket.number);

    await page.getByRole("button", { name: `Deliveries ${receiverUrl}` }).click();
    const deliveries = page.getByRole("region", { name: `Deliveries to ${receiverUrl}` });
    const row = deliveries.getByRole("row", { name: /ticket\.created/ }).first();
    await eventually(() => row.textContent()).toContain("delivered");
    await row.getByRole("button", { name: "Redeliver ticket.created" }).click();
    await eventually(async () => {
      while ((await desk.tend.jobs.runDueJobs()) > 0);
      return receiver.received.filter((post) => post.body.includes('"ticket.created"')).length;
    }).toBe(2);
    const [first, again] = receiver.received.filter((post) => post.body.includes('"ticket.created"'));
    // A redelivery is the same message: receivers de-duplicate by its id.
    expect(again?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    expect(browser.problems).toEqual([]);
  });
});
