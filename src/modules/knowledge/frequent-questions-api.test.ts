import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../../../test/support/test-desk.js";
import { DAY } from "../../shared/clock.js";
import { groupFrequentQuestions, groupFrequentQuestionsJob } from "./group-frequent-questions.js";

/**
 * Frequent questions through the API on either database: the job's stored groups, coverage by a
 * published article, a draft from a group with its best agent answer, and staff only.
 */

const desk = useTestDesk();
let agent: Person;
let customer: Person;
let otherCustomer: Person;
let categoryId = "";

type Json = Record<string, unknown>;
type Group = {
  id: string;
  label: string;
  size: number;
  topTerms: string[];
  examples: { number: number; subject: string }[];
  coverage: string;
  article: { id: string; title: string; state: string } | null;
};

async function call(who: Person, method: "GET" | "POST" | "PATCH", url: string, payload?: Json) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload === undefined ? {} : { payload }),
  });
}

async function ticket(
  subject: string,
  body: string,
  answer?: { reply: string; solve?: boolean; rating?: "good" | "bad" },
): Promise<number> {
  const created = await call(customer, "POST", "/tickets", { subject, body });
  expect(created.statusCode, created.body).toBe(201);
  const number = created.json().number as number;
  if (!answer) return number;
  const replied = await call(agent, "POST", `/tickets/${number}/comments`, {
    body: answer.reply,
    visibility: "public",
  });
  expect(replied.statusCode, replied.body).toBe(201);
  if (answer.solve) {
    const { version } = (await call(agent, "GET", `/tickets/${number}`)).json();
    const solved = await call(agent, "PATCH", `/tickets/${number}`, { version, status: "solved" });
    expect(solved.statusCode, solved.body).toBe(200);
    // Said after the solve: not the answer that solved it.
    desk.clock.advance(60_000);
    await call(agent, "POST", `/tickets/${number}/comments`, {
      body: "Glad we could help!",
      visibility: "public",
      status: "solved",
    });
  }
  if (answer.rating) {
    const rated = await call(customer, "POST", `/tickets/${number}/satisfaction`, { rating: answer.rating });
    expect(rated.statusCode, rated.body).toBe(200);
  }
  return number;
}

async function frequentQuestions(): Promise<{ run: Json | null; groups: Group[] }> {
  const response = await call(agent, "GET", "/knowledge/frequent-questions");
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const groupWith = (groups: Group[], term: string) => groups.find((group) => group.topTerms.includes(term));

let passwordTickets: number[] = [];
let invoiceTickets: number[] = [];

beforeAll(async () => {
  agent = await desk.makeAgent();
  const organization = await desk.makeOrganization();
  customer = await desk.makeCustomer(organization.id);
  otherCustomer = await desk.makeCustomer((await desk.makeOrganization()).id);
  const category = await call(agent, "POST", "/knowledge/categories", {
    name: "Billing and accounts",
    description: "Invoices and sign-in.",
  });
  expect(category.statusCode, category.body).toBe(201);
  categoryId = category.json().id;

  // Outside the 90-day window by the time the job runs.
  await ticket("Password reset link expired long ago", "The password reset link expired.");
  desk.clock.advance(100 * DAY);

  passwordTickets = [
    await ticket("Password reset link expired", "I clicked the password reset link but it has expired."),
    await ticket("Reset link expired", "My password reset email link says expired."),
    await ticket("Password reset link not working", "The reset link for my password expired already."),
    await ticket("Expired password reset link", "Each password reset link I get is expired."),
  ];
  invoiceTickets = [
    await ticket("Invoice charged twice", "Our card was charged twice for the invoice.", {
      reply: "Refunds for a double charge go back to the card within 5 days.",
      solve: true,
    }),
    await ticket("Charged twice for one invoice", "The invoice was charged twice on our credit card.", {
      reply: "We refunded the duplicate charge; the invoice stands paid once.",
      solve: true,
      rating: "good",
    }),
    await ticket("Double charge on invoice", "We see the invoice charged twice on the card.", {
      reply: "Looking into the double charge now.",
    }),
  ];
  await ticket("Printer firmware crash", "The label printer driver crashes on start.");
  await ticket("Webhook timezone", "Calendar webhook sends the wrong timezone.");
});

describe("frequent questions", () => {
  it("is staff only: customers are refused every route", async () => {
    for (const who of [customer, otherCustomer]) {
      expect((await call(who, "GET", "/knowledge/frequent-questions")).statusCode).toBe(403);
      expect((await call(who, "POST", "/knowledge/frequent-questions/refresh", {})).statusCode).toBe(403);
      const draft = await call(who, "POST", "/knowledge/frequent-questions/drafts", {
        groupId: "0190c0de-0000-7000-8000-00000000dead",
      });
      expect(draft.statusCode).toBe(403);
    }
  });

  it("shows nothing before the first run, and queues a run on demand", async () => {
    expect(await frequentQuestions()).toEqual({ run: null, groups: [] });
    const refresh = await call(agent, "POST", "/knowledge/frequent-questions/refresh", { windowDays: 30 });
    expect(refresh.statusCode, refresh.body).toBe(202);
    const job = await desk.database.db
      .selectFrom("jobs")
      .selectAll()
      .where("id", "=", refresh.json().jobId)
      .executeTakeFirstOrThrow();
    expect(job.kind).toBe(groupFrequentQuestionsJob);
    expect(JSON.parse(job.payload)).toEqual({ windowDays: 30 });
    const bad = await call(agent, "POST", "/knowledge/frequent-questions/refresh", { windowDays: 0 });
    expect(bad.statusCode).toBe(400);
  });

  it("stores the recent tickets' groups, largest first, with examples and labels", async () => {
    const run = await groupFrequentQuestions(desk.system);
    expect(run.tickets).toBe(9);
    const { run: stored, groups } = await frequentQuestions();
    expect(stored).toMatchObject({ ticketCount: 9 });
    expect(groups.map((group) => group.size)).toEqual([4, 3]);
    const password = groupWith(groups, "password") as Group;
    expect(password.examples.map((example) => example.number).sort()).toEqual([...passwordTickets].sort());
    expect(password.examples.map((example) => example.subject)).toContain(password.label);
    expect(password.topTerms).toEqual(expect.arrayContaining(["reset", "link", "expire"]));
    const invoice = groupWith(groups, "invoice") as Group;
    expect(invoice.examples.map((example) => example.number).sort()).toEqual([...invoiceTickets].sort());
    expect(groups.every((group) => group.coverage === "uncovered" && group.article === null)).toBe(true);
  });

  it("marks a group covered once a published article answers it; a draft or an unrelated one does not", async () => {
    const write = async (title: string, body: string, state: "draft" | "published") => {
      const response = await call(agent, "POST", "/knowledge/articles", {
        categoryId,
        visibility: "public",
        title,
        body,
        state,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    await write("Invoices explained", "How an invoice is charged twice a year.", "draft");
    await write("Printer setup", "Install the driver.", "published");
    const article = await write(
      "When a password reset link has expired",
      "Reset links expire after 30 minutes: request a new password reset link.",
      "published",
    );
    await groupFrequentQuestions(desk.system);
    const { groups } = await frequentQuestions();
    expect(groupWith(groups, "password")).toMatchObject({
      coverage: "search",
      article: { id: article, state: "published" },
    });
    expect(groupWith(groups, "invoice")).toMatchObject({ coverage: "uncovered", article: null });
  });

  it("drafts an internal article from a group with the answer its customer rated Good, once", async () => {
    const invoice = groupWith((await frequentQuestions()).groups, "invoice") as Group;
    const draft = await call(agent, "POST", "/knowledge/frequent-questions/drafts", { groupId: invoice.id });
    expect(draft.statusCode, draft.body).toBe(201);
    const { article, answer } = draft.json();
    expect(article).toMatchObject({
      title: invoice.label,
      state: "draft",
      visibility: "internal",
      categoryId,
      body: "We refunded the duplicate charge; the invoice stands paid once.",
    });
    expect(answer).toEqual({ ticketNumber: invoiceTickets[1], reason: "rated_good" });

    const again = await call(agent, "POST", "/knowledge/frequent-questions/drafts", { groupId: invoice.id });
    expect(again.statusCode).toBe(409);
    expect(groupWith((await frequentQuestions()).groups, "invoice")).toMatchObject({
      coverage: "drafted",
      article: { id: article.id, state: "draft" },
    });
    // The next run still knows the group has its article on the way.
    await groupFrequentQuestions(desk.system);
    expect(groupWith((await frequentQuestions()).groups, "invoice")).toMatchObject({
      coverage: "drafted",
      article: { id: article.id },
    });
    const audit = await desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", article.id)
      .execute();
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["knowledge_article.created", "knowledge_frequent_question.article_drafted"]),
    );
  });

  it("answers 404 for an unknown group and 400 for a malformed one", async () => {
    const missing = await call(agent, "POST", "/knowledge/frequent-questions/drafts", {
      groupId: "0190c0de-0000-7000-8000-00000000dead",
    });
    expect(missing.statusCode).toBe(404);
    const malformed = await call(agent, "POST", "/knowledge/frequent-questions/drafts", { groupId: "nope" });
    expect(malformed.statusCode).toBe(400);
  });
});
