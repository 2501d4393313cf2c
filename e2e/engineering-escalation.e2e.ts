import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateGithubSettings } from "../src/modules/engineering/github-settings.js";
import { receiveGithubWebhook } from "../src/modules/engineering/github-webhook.js";
import { systemActor } from "../src/modules/identity/actor.js";
import { createTicket } from "../src/modules/tickets/create-ticket.js";
import { type Browser, chromiumMissing, openChromium, signInWithPassword } from "./support/chromium.js";
import {
  type E2eDesk,
  makeAda,
  makeSam,
  staffPassword as password,
  startE2eDesk,
} from "./support/e2e-desk.js";

let desk: E2eDesk;
let browser: Browser;
/** GitHub's REST API as far as opening an issue goes; records what Tend sent. */
let github: Server;
const created: { path: string; body: { title: string; body: string; labels: string[] } }[] = [];

describe.skipIf(chromiumMissing)("escalation to engineering in Chromium", () => {
  beforeAll(async () => {
    github = createServer((request, response) => {
      let raw = "";
      request.on("data", (chunk) => {
        raw += chunk;
      });
      request.on("end", () => {
        const body = JSON.parse(raw || "{}");
        created.push({ path: request.url ?? "", body });
        response.writeHead(201, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            number: 12,
            html_url: "https://github.example/acme/engine/issues/12",
            state: "open",
            title: body.title,
            labels: (body.labels ?? []).map((name: string) => ({ name })),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
    desk = await startE2eDesk();
    const adaId = await makeAda(desk);
    await makeSam(desk);
    const ada = { kind: "person" as const, personId: adaId, role: "admin" as const, organizationId: null };
    await updateGithubSettings({
      ctx: desk.tend.context(ada),
      input: {
        baseUrl: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
        token: "github_pat_e2e",
        defaultRepository: "acme/engine",
        allowedRepositories: [],
        defaultLabels: ["from support"],
        webhookSecret: "e2e secret",
      },
    });
    browser = await openChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
    github?.closeAllConnections();
    await new Promise((resolve) => github?.close(resolve));
  });

  it("prompts on needs engineering, opens an issue from the side panel, and shows it closed", async () => {
    const ticket = await createTicket({
      ctx: desk.tend.context(systemActor("e2e setup")),
      input: {
        subject: "Exports time out",
        body: "Our CSV exports stop after 30 seconds. Reach me at ops@customer.example.",
        requester: { email: "ops@customer.example", name: "Ops" },
      },
    });
    const { page } = browser;
    await page.goto(desk.url);
    await signInWithPassword(page, "sam@support.example", password);
    await page.goto(`${desk.url}/tickets/${ticket.number}`);
    const panel = page.getByRole("region", { name: "Engineering" });
    await panel.getByLabel("Needs engineering").check();
    await panel
      .getByText("Expected to take more than one business day of engineering? Open a GitHub issue.")
      .waitFor();

    await panel.getByRole("button", { name: "Escalate to engineering" }).click();
    expect(await panel.getByLabel("Issue title").inputValue()).toBe("Exports time out");
    const summary = await panel.getByLabel(/^Summary/).inputValue();
    expect(summary).toContain("Our CSV exports stop after 30 seconds.");
    expect(summary).not.toContain("ops@customer.example");
    await panel.getByRole("button", { name: "Open GitHub issue" }).click();
    await panel.getByRole("link", { name: "acme/engine#12" }).waitFor();
    await panel.getByText("Open", { exact: true }).waitFor();
    expect(created[0]?.path).toBe("/repos/acme/engine/issues");
    expect(created[0]?.body.labels).toEqual(["from support"]);
    expect(created[0]?.body.body).toContain(`/tickets/${ticket.number}`);

    await receiveGithubWebhook({
      ctx: desk.tend.context(systemActor("e2e: GitHub")),
      input: {
        deliveryId: "e2e-delivery-1",
        event: "issues",
        payload: {
          action: "closed",
          issue: {
            number: 12,
            title: "Exports time out",
            state: "closed",
            html_url: "https://github.example/acme/engine/issues/12",
            labels: [{ name: "from support" }],
          },
          repository: { full_name: "acme/engine" },
        },
      },
    });
    await page.reload();
    await panel.getByText("Closed", { exact: true }).waitFor();
    await page.getByText("Engineering closed acme/engine#12: Exports time out").first().waitFor();
  });
});
