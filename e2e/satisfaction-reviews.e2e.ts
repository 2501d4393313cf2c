import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addComment } from "../src/modules/tickets/add-comment.js";
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
  makeSam,
  staffPassword,
  startE2eDesk,
} from "./support/e2e-desk.js";

const customerPassword = "a customer password for the portal 7";
const subject = "Exports time out after an hour";
const complaint = "The fix took three days and nobody told us why.";

let desk: E2eDesk;
let staff: Browser;
let customer: Browser;
let ticketNumber: number;

/** The ticket's survey as the API stores it, read as the requester. */
async function storedAnswer(): Promise<{ rating: string | null; comment: string | null }> {
  const response = await customer.context.request.get(
    `${desk.url}/api/v1/tickets/${ticketNumber}/satisfaction`,
  );
  expect(response.status()).toBe(200);
  return response.json();
}

describe.skipIf(chromiumMissing)("CSAT and case reviews in Chromium", () => {
  beforeAll(async () => {
    desk = await startE2eDesk();
    await makeAda(desk);
    const samId = await makeSam(desk);
    const noraId = await desk.makeCustomer({
      organization: "Northwind",
      domain: "northwind.example",
      name: "Nora Lee",
      email: "nora@northwind.example",
      password: customerPassword,
    });
    // Sam answers Nora's request and solves it: the solve asks her how we did.
    const sam = desk.tend.context({ kind: "person", personId: samId, role: "agent", organizationId: null });
    const ticket = await createTicket({
      ctx: sam,
      input: {
        subject,
        body: "Every export of more than a million rows stops after an hour.",
        requesterId: noraId,
        channel: "portal",
        assigneeId: samId,
      },
    });
    ticketNumber = ticket.number;
    await addComment({
      ctx: sam,
      number: ticketNumber,
      input: {
        body: "Large exports now run in the background and are mailed when ready.",
        summary: "Exports over a million rows hit the one-hour request limit.",
        nextSteps: "Run the export again; the link arrives by mail.",
        status: "solved",
      },
    });
    staff = await openChromium();
    customer = await openChromium();
    const signIn = await customer.context.request.post(`${desk.url}/api/v1/auth/login`, {
      data: { email: "nora@northwind.example", password: customerPassword },
    });
    expect(signIn.status()).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await staff?.close();
    await customer?.close();
    await desk?.stop();
  });

  it("asks the requester how we did on her solved request, and records a Bad answer with its comment", async () => {
    const { page } = customer;
    await page.goto(`${desk.url}/portal/requests/${ticketNumber}`);
    const question = page.getByRole("form", { name: "How did we do?" });
    await question.waitFor();
    const send = question.getByRole("button", { name: "Send my answer" });
    // Nothing to send before a rating is picked.
    expect(await send.isDisabled()).toBe(true);
    await question.getByLabel("Bad, I'm unsatisfied").check();
    await question.getByLabel("Anything to add? (optional)").fill(complaint);
    await send.click();
    await question.getByRole("status").filter({ hasText: "your answer is recorded" }).waitFor();
    expect(await storedAnswer()).toMatchObject({ rating: "bad", comment: complaint });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(customer.problems).toEqual([]);
  });

  it("shows the answer on the ticket, and opens a case review the lead records", async () => {
    const { page } = staff;
    await page.goto(desk.url);
    await signInWithPassword(page, "ada@support.example", staffPassword);
    await page.goto(`${desk.url}/tickets/${ticketNumber}`);
    const panel = page.getByRole("region", { name: "Satisfaction" });
    await panel.getByText(`Bad — “${complaint}”`).waitFor();

    await page.getByRole("link", { name: "Reviews" }).click();
    await page.getByRole("heading", { name: "Case reviews" }).waitFor();
    const review = page.getByRole("listitem").filter({ hasText: subject });
    await review.getByText("Sam Agent · Bad CSAT rating · Open").waitFor();
    await review.getByLabel("Tone").selectOption("2");
    await review.getByLabel("Outcome").selectOption({ label: "Coaching" });
    await review.getByLabel("Note").fill("Tell the customer what is happening while a fix takes days.");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await review.getByRole("button", { name: "Save review" }).click();
    await review.getByText("Sam Agent · Bad CSAT rating · Coaching").waitFor();
    await review.getByText(/Tone 2\/4 .* by Ada Admin/).waitFor();
    expect(staff.problems).toEqual([]);
  });

  it("shows the agent his own review, with nothing to change", async () => {
    const { page } = staff;
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithPassword(page, "sam@support.example", staffPassword);
    await page.getByRole("link", { name: "Reviews" }).click();
    await page.getByRole("heading", { name: "My case reviews" }).waitFor();
    const review = page.getByRole("listitem").filter({ hasText: subject });
    await review.getByText("Coaching").waitFor();
    await review.getByText(/Tell the customer what is happening/).waitFor();
    expect(await review.getByRole("button", { name: "Save review" }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("lets the requester change her answer while the request is solved", async () => {
    const { page } = customer;
    await page.reload();
    const question = page.getByRole("form", { name: "How did we do?" });
    await question.getByRole("button", { name: "Change my answer" }).waitFor();
    expect(await question.getByLabel("Bad, I'm unsatisfied").isChecked()).toBe(true);
    await question.getByLabel("Good, I'm satisfied").check();
    await question.getByLabel("Anything to add? (optional)").fill("");
    await question.getByRole("button", { name: "Change my answer" }).click();
    await eventually(storedAnswer).toMatchObject({ rating: "good", comment: null });
    expect(customer.problems).toEqual([]);
  });
});
