import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../../../test/support/test-desk.js";
import { erasePerson } from "../privacy/erase-person.js";

const desk = useTestDesk();
let agent: Person;
let admin: Person;
let customer: Person;
let categoryId = "";

type Json = Record<string, unknown>;

async function call(
  who: Person | null,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  payload?: Json,
) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload === undefined ? {} : { payload }),
  });
}

async function write(input: Json): Promise<Json> {
  const response = await call(agent, "POST", "/knowledge/articles", {
    categoryId,
    visibility: "public",
    ...input,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

beforeAll(async () => {
  agent = await desk.makeAgent();
  admin = await desk.makeAgent({ role: "admin" });
  const organization = await desk.makeOrganization();
  customer = await desk.makeCustomer(organization.id);
  const category = await call(agent, "POST", "/knowledge/categories", {
    name: "Accounts and sign-in",
    description: "Passwords, two-factor and single sign-on.",
  });
  expect(category.statusCode, category.body).toBe(201);
  expect(category.json().slug).toBe("accounts-and-sign-in");
  categoryId = category.json().id;
});

describe("visibility", () => {
  it("shows customers and /help only public published articles; drafts and internal ones are 404", async () => {
    const draft = await write({ title: "Rotating the zephyrine keys", body: "Draft about zephyrine." });
    const internal = await write({
      title: "Zephyrine escalation runbook",
      body: "Internal zephyrine steps.",
      visibility: "internal",
      state: "published",
    });
    const published = await write({
      title: "Zephyrine quick start",
      body: "Public zephyrine guide.",
      state: "published",
    });

    for (const hidden of [draft, internal]) {
      expect((await call(customer, "GET", `/knowledge/articles/${hidden.id}`)).statusCode).toBe(404);
      expect((await desk.app.inject({ url: `/help/articles/${hidden.slug}` })).statusCode).toBe(404);
      expect((await call(agent, "GET", `/knowledge/articles/${hidden.id}`)).statusCode).toBe(200);
    }
    // A hidden article reads exactly as one that never existed.
    const missing = await call(customer, "GET", "/knowledge/articles/0190c0de-0000-7000-8000-00000000dead");
    const hiddenAnswer = await call(customer, "GET", `/knowledge/articles/${draft.id}`);
    expect(hiddenAnswer.json().detail.replace(String(draft.id), "{id}")).toBe(
      missing.json().detail.replace("0190c0de-0000-7000-8000-00000000dead", "{id}"),
    );

    const shown = await call(customer, "GET", `/knowledge/articles/${published.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json().html).toContain("Public zephyrine guide.");
    expect(shown.json().stats).toBeUndefined();
    expect(shown.json().author).toBeUndefined();

    const customerSearch = (await call(customer, "GET", "/knowledge/search?q=zephyrine")).json();
    expect(customerSearch.items.map((i: { article: Json }) => i.article.title)).toEqual([
      "Zephyrine quick start",
    ]);
    const staffSearch = (await call(agent, "GET", "/knowledge/search?q=zephyrine")).json();
    expect(staffSearch.items.map((i: { article: Json }) => i.article.title).sort()).toEqual([
      "Zephyrine escalation runbook",
      "Zephyrine quick start",
    ]);
    const customerList = (await call(customer, "GET", "/knowledge/articles")).json() as Json[];
    expect(customerList.map((a) => a.id)).toContain(published.id);
    expect(customerList.map((a) => a.id)).not.toContain(draft.id);
    expect(customerList.map((a) => a.id)).not.toContain(internal.id);

    const home = await desk.app.inject({ url: "/help" });
    expect(home.body).toContain("Zephyrine quick start");
    expect(home.body).not.toContain("Zephyrine escalation runbook");
    expect(home.body).not.toContain("Rotating the zephyrine keys");
    const search = await desk.app.inject({ url: "/help/search?q=zephyrine" });
    expect(search.body).toContain("Zephyrine quick start");
    expect(search.body).not.toContain("runbook");
    expect(search.body).toContain("<mark>");

    // Unpublishing takes it out of the search index and off /help at once.
    const unpublished = await call(agent, "PATCH", `/knowledge/articles/${published.id}`, {
      version: published.version as number,
      state: "draft",
    });
    expect(unpublished.statusCode, unpublished.body).toBe(200);
    expect((await call(customer, "GET", "/knowledge/search?q=zephyrine")).json().items).toEqual([]);
    expect((await desk.app.inject({ url: `/help/articles/${published.slug}` })).statusCode).toBe(404);
  });

  it("refuses anonymous API readers, and lets only staff write and admins delete", async () => {
    expect((await call(null, "GET", "/knowledge/search?q=anything")).statusCode).toBe(401);
    expect(
      (
        await call(customer, "POST", "/knowledge/articles", {
          title: "x",
          body: "y",
          categoryId,
          visibility: "public",
        })
      ).statusCode,
    ).toBe(403);
    expect((await call(customer, "POST", "/knowledge/preview", { body: "x" })).statusCode).toBe(403);
    const article = await write({ title: "Short-lived article", body: "Soon gone." });
    expect((await call(agent, "DELETE", `/knowledge/articles/${article.id}`)).statusCode).toBe(403);
    expect((await call(admin, "DELETE", `/knowledge/articles/${article.id}`)).statusCode).toBe(204);
    expect((await call(agent, "GET", `/knowledge/articles/${article.id}`)).statusCode).toBe(404);
    // A category with articles stays; an empty one goes.
    expect((await call(admin, "DELETE", `/knowledge/categories/${categoryId}`)).statusCode).toBe(409);
    const empty = (await call(agent, "POST", "/knowledge/categories", { name: "Empty shelf" })).json();
    expect((await call(admin, "DELETE", `/knowledge/categories/${empty.id}`)).statusCode).toBe(204);
  });

  it("answers bad input with a precise 4xx and writes nothing", async () => {
    const unknownCategory = await call(agent, "POST", "/knowledge/articles", {
      title: "Orphan",
      body: "x",
      categoryId: "0190c0de-0000-7000-8000-00000000dead",
      visibility: "public",
    });
    expect(unknownCategory.statusCode).toBe(422);
    expect(unknownCategory.json().errors).toEqual([{ field: "/categoryId", message: "no such category" }]);
    await write({ title: "Unique slug holder", body: "x", slug: "unique-slug" });
    const taken = await call(agent, "POST", "/knowledge/articles", {
      title: "Another",
      body: "x",
      slug: "unique-slug",
      categoryId,
      visibility: "public",
    });
    expect(taken.statusCode).toBe(409);
    const badSlug = await call(agent, "POST", "/knowledge/articles", {
      title: "Bad",
      body: "x",
      slug: "Not A Slug",
      categoryId,
      visibility: "public",
    });
    expect(badSlug.statusCode).toBe(400);
    expect((await call(agent, "GET", "/knowledge/articles")).json().map((a: Json) => a.title)).not.toContain(
      "Orphan",
    );
  });
});

describe("rendering", () => {
  it("sanitizes what the API, the preview and /help show", async () => {
    const body =
      '# Title\n\n<script>alert("x")</script>\n\n[bad](javascript:alert(1)) <b onclick="x()">raw</b>';
    const preview = (await call(agent, "POST", "/knowledge/preview", { body })).json();
    const article = await write({ title: "Sanitized article", body, state: "published" });
    const page = (await desk.app.inject({ url: `/help/articles/${article.slug}` })).body;
    for (const html of [preview.html as string, article.html as string, page]) {
      expect(html).not.toMatch(/<script|<b\b|<[^>]*onclick=|href="javascript/i);
    }
    expect(preview.html).toBe(article.html);
    expect(preview.html).toContain("<h1>Title</h1>");
  });

  it("serves /help without inline script or style, with its stylesheet, an ETag and a 304", async () => {
    const home = await desk.app.inject({ url: "/help" });
    expect(home.statusCode).toBe(200);
    expect(home.body).not.toMatch(/<script|<style|\sstyle=/i);
    expect(home.headers["cache-control"]).toContain("max-age=60");
    expect(home.headers["content-security-policy"]).toBeDefined();
    const etag = String(home.headers.etag);
    const again = await desk.app.inject({ url: "/help", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    const css = await desk.app.inject({ url: "/help/assets/help.css" });
    expect(css.statusCode).toBe(200);
    expect(css.headers["content-type"]).toContain("text/css");
  });
});

describe("search", () => {
  it("finds every word's articles and ranks a title match above a passing mention", async () => {
    await write({
      title: "Exporting invoices",
      body: "Invoices can be downloaded as PDF from the billing page. Each invoice lists the plan.",
      state: "published",
    });
    await write({
      title: "Changing your plan",
      body: "Upgrade or downgrade at any time; the next invoice is prorated.",
      state: "published",
    });
    await write({
      title: "Configuring webhooks",
      body: "Webhooks post JSON to your endpoint.",
      state: "published",
    });
    const results = (await call(customer, "GET", "/knowledge/search?q=invoices")).json().items as {
      article: Json;
      snippet: { text: string; match: boolean }[];
    }[];
    expect(results.map((r) => r.article.title)).toEqual(["Exporting invoices", "Changing your plan"]);
    expect(results[0]?.snippet.some((part) => part.match && /invoice/i.test(part.text))).toBe(true);
    // Every word must match in a search.
    const both = (await call(customer, "GET", "/knowledge/search?q=invoice%20prorated")).json().items as {
      article: Json;
    }[];
    expect(both.map((r) => r.article.title)).toEqual(["Changing your plan"]);
    // Query syntax is read as words, never as FTS or tsquery operators.
    expect((await call(customer, "GET", "/knowledge/search?q=%22NEAR(invoice%22%20OR%20*")).statusCode).toBe(
      200,
    );
  });
});

describe("history and concurrency", () => {
  it("keeps every previous version with who and when, and refuses a stale save with 409", async () => {
    const first = await write({ title: "Resetting a password", body: "Version one." });
    desk.clock.advance(60_000);
    const second = (
      await call(agent, "PATCH", `/knowledge/articles/${first.id}`, { version: 1, body: "Version two." })
    ).json();
    expect(second.version).toBe(2);
    desk.clock.advance(60_000);
    const third = await call(admin, "PATCH", `/knowledge/articles/${first.id}`, {
      version: 2,
      title: "Resetting your password",
      state: "published",
    });
    expect(third.statusCode, third.body).toBe(200);

    const stale = await call(agent, "PATCH", `/knowledge/articles/${first.id}`, {
      version: 2,
      body: "Lost update",
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current.version).toBe(3);
    expect(stale.json().lastChange.by.id).toBe(admin.id);

    const history = (await call(agent, "GET", `/knowledge/articles/${first.id}/history`)).json() as Json[];
    expect(history.map((h) => [h.version, h.title, h.state])).toEqual([
      [2, "Resetting a password", "draft"],
      [1, "Resetting a password", "draft"],
    ]);
    expect(history[0]).toMatchObject({ replacedBy: { id: admin.id }, writtenBy: { id: agent.id } });
    const old = (
      await call(agent, "GET", `/knowledge/articles/${first.id}/history/${history[1]?.id}`)
    ).json();
    expect(old.body).toBe("Version one.");
    expect(old.html).toBe("<p>Version one.</p>");
    expect((await call(customer, "GET", `/knowledge/articles/${first.id}/history`)).statusCode).toBe(403);
    const now = (await call(agent, "GET", `/knowledge/articles/${first.id}`)).json();
    expect([now.title, now.body, now.version]).toEqual(["Resetting your password", "Version two.", 3]);
  });
});

describe("two writers at once", () => {
  it("saves one of two edits from the same version and refuses the other with 409", async () => {
    const article = await write({ title: "Racing editors", body: "Start." });
    const [a, b] = await Promise.all([
      call(agent, "PATCH", `/knowledge/articles/${article.id}`, { version: 1, body: "Agent's edit." }),
      call(admin, "PATCH", `/knowledge/articles/${article.id}`, { version: 1, body: "Admin's edit." }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().current.version).toBe(2);
    const history = (await call(agent, "GET", `/knowledge/articles/${article.id}/history`)).json() as Json[];
    expect(history.map((h) => h.version)).toEqual([1]);
  });
});

describe("suggested answers and deflections", () => {
  it("suggests the planted article for a request about it, and counts a deflection without filing a ticket", async () => {
    const vpn = await write({
      title: "VPN disconnects every few minutes",
      body: "If the VPN client drops the tunnel, update the client and turn off power saving on the network adapter.",
      state: "published",
    });
    await write({
      title: "Setting your time zone",
      body: "Your profile holds the time zone.",
      state: "published",
    });
    await write({
      title: "VPN for staff only",
      body: "Internal notes on the VPN concentrator.",
      visibility: "internal",
      state: "published",
    });

    const suggestions = (
      await call(customer, "POST", "/knowledge/suggestions", {
        subject: "VPN keeps disconnecting",
        body: "Hello, my VPN tunnel drops every few minutes since yesterday.",
      })
    ).json().items as { article: Json }[];
    expect(suggestions[0]?.article.id).toBe(vpn.id);
    expect(suggestions.map((s) => s.article.title)).not.toContain("VPN for staff only");
    const staffSuggestions = (
      await call(agent, "POST", "/knowledge/suggestions", { subject: "VPN concentrator", body: "" })
    ).json().items as { article: Json }[];
    expect(staffSuggestions[0]?.article.title).toBe("VPN for staff only");
    expect(
      (await call(customer, "POST", "/knowledge/suggestions", { subject: "Hi", body: "" })).json().items,
    ).toEqual([]);

    const ticketsBefore = (await call(customer, "GET", "/tickets")).json().items.length;
    const deflection = await call(customer, "POST", "/knowledge/deflections", {
      articleId: vpn.id as string,
      query: "VPN keeps disconnecting",
    });
    expect(deflection.statusCode, deflection.body).toBe(201);
    expect(deflection.json()).toEqual({ articleId: vpn.id, deflections: 1 });
    expect((await call(customer, "GET", "/tickets")).json().items.length).toBe(ticketsBefore);

    const staffView = (await call(agent, "GET", `/knowledge/articles/${vpn.id}`)).json();
    expect(staffView.stats.deflections).toBe(1);
    // A customer cannot credit an article they could not have been shown.
    const internal = (await call(agent, "GET", "/knowledge/search?q=concentrator")).json().items[0].article;
    expect(
      (await call(customer, "POST", "/knowledge/deflections", { articleId: internal.id, query: "x" }))
        .statusCode,
    ).toBe(404);
  });

  it("counts a customer's or a public reader's view, not staff's", async () => {
    const article = await write({ title: "Counting views", body: "Read me.", state: "published" });
    await call(customer, "GET", `/knowledge/articles/${article.id}`);
    await desk.app.inject({ url: `/help/articles/${article.slug}` });
    await call(agent, "GET", `/knowledge/articles/${article.id}`);
    expect((await call(agent, "GET", `/knowledge/articles/${article.id}`)).json().stats.views).toBe(2);
  });
});

describe("erasure", () => {
  it("erases what a customer typed into a deflection and keeps the article's count", async () => {
    const article = await write({
      title: "Printing receipts",
      body: "Receipts print from the orders page.",
      state: "published",
    });
    const leaving = await desk.makeCustomer((await desk.makeOrganization()).id);
    const typed = "receipts for the Marlowe account in Leeds";
    expect(
      (
        await call(leaving, "POST", "/knowledge/deflections", {
          articleId: article.id as string,
          query: typed,
        })
      ).statusCode,
    ).toBe(201);
    const report = await erasePerson({
      ctx: desk.as(admin.actor),
      input: { personId: leaving.id, dryRun: false },
    });
    expect(JSON.stringify(report)).toContain("knowledgeDeflections");
    const rows = await desk.database.db
      .selectFrom("knowledge_deflections")
      .select(["query", "person_id"])
      .where("article_id", "=", article.id as string)
      .execute();
    expect(rows).toEqual([{ query: "", person_id: null }]);
    expect((await call(agent, "GET", `/knowledge/articles/${article.id}`)).json().stats.deflections).toBe(1);
  });
});
