import { describe, expect, it } from "vitest";
import { findTicketIdByNumber, insertFlagOnce } from "../../src/modules/health/health-repository.js";
import { createGroup } from "../../src/modules/identity/manage-groups.js";
import { systemScope } from "../../src/modules/identity/tenant-scope.js";
import { countFigurePerHourRolledUp } from "../../src/modules/reports/flow-hourly-counts.js";
import {
  countFigurePerHour,
  countFigurePerOwner,
  flowFigures,
  type Period,
} from "../../src/modules/reports/flow-repository.js";
import type { HourlyCount } from "../../src/modules/reports/flow-rules.js";
import { countStaffReplies } from "../../src/modules/reports/people-repository.js";
import { peopleCells } from "../../src/modules/reports/people-rollup.js";
import { refreshReportRollups } from "../../src/modules/reports/refresh-report-rollups.js";
import {
  countSettled,
  type StoppedDurations,
  stoppedDurations,
} from "../../src/modules/reports/sla-report-repository.js";
import { stoppedDurationsRolledUp } from "../../src/modules/reports/stopped-duration-digests.js";
import { countSurveys } from "../../src/modules/satisfaction/satisfaction-repository.js";
import { createCalendar } from "../../src/modules/sla/manage-calendars.js";
import { createPolicy } from "../../src/modules/sla/manage-policies.js";
import type { CountCell } from "../../src/shared/grouped-counts.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The report rollups (Flow's hourly counts, the Times report's duration digests) answer exactly what
 * the live queries answer, whatever was written and whether or not the refresh job has run since:
 * before any refresh (everything stale, read live), after one (everything rolled up), after more
 * writes (a mix), and after a ticket is deleted, on either database. The periods start and end
 * mid-hour, so the ragged ends are read live too.
 */
describe("report rollups", () => {
  const desk = useTestDesk();
  const scope = systemScope("test: rollups against the live queries");
  const timedMetrics = ["first_response", "next_response", "resolution"];
  const periods: Period[] = [
    { from: "2026-12-01T07:30:00.000Z", to: "2026-12-04T16:45:00.000Z" },
    { from: "2026-11-30T00:00:00.000Z", to: "2026-12-07T00:00:00.000Z" },
  ];

  const api = async (method: "GET" | "POST" | "PATCH", url: string, person: Person, payload?: unknown) => {
    const response = await desk.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: person.auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };

  const byHourAndChannel = (counts: HourlyCount[]) => {
    const sums = new Map<string, number>();
    for (const { hour, channel, count } of counts) {
      sums.set(`${hour} ${channel}`, (sums.get(`${hour} ${channel}`) ?? 0) + count);
    }
    return [...sums].filter(([, count]) => count !== 0).sort();
  };
  const sorted = (durations: StoppedDurations[]) =>
    [...durations].sort((a, b) => `${a.policyId}${a.metric}`.localeCompare(`${b.policyId}${b.metric}`));

  const cellsByOwner = (cells: readonly CountCell<object>[]) => {
    const sums = new Map<string, Record<string, number>>();
    for (const { by, counts } of cells) {
      const id = JSON.stringify([by.agent ?? null, by.group ?? null, by.channel ?? null]);
      const sum = sums.get(id) ?? {};
      for (const [name, value] of Object.entries(counts as Record<string, number>)) {
        sum[name] = (sum[name] ?? 0) + value;
      }
      sums.set(id, sum);
    }
    return [...sums]
      .filter(([, counts]) => Object.values(counts).some((value) => value !== 0))
      .sort(([a], [b]) => a.localeCompare(b));
  };

  /** Compares every rolled-up read with the live one; returns the live totals, to show they are not empty. */
  async function expectRollupsToMatchLiveQueries(): Promise<{
    counted: number;
    stopped: number;
    people: number;
  }> {
    const db = desk.database.db;
    let counted = 0;
    let stopped = 0;
    let people = 0;
    for (const period of periods) {
      const livePeople = {
        solved: await countFigurePerOwner(db, scope, "solved", period, {}),
        replies: await countStaffReplies(db, scope, period, {}),
        csat: await countSurveys(db, period, ["agent", "group"]),
        sla: await countSettled(db, period, ["agent", "group"]),
      };
      for (const [source, live] of Object.entries(livePeople)) {
        const rolledUp = await peopleCells(db, source as keyof typeof livePeople, period);
        expect(cellsByOwner(rolledUp), source).toEqual(cellsByOwner(live));
        people += live.length;
      }
      for (const filters of [{}, { channel: "email" }]) {
        for (const figure of flowFigures) {
          const live = await countFigurePerHour(db, scope, figure, period, filters);
          const rolledUp = await countFigurePerHourRolledUp(db, scope, figure, period, filters);
          expect(byHourAndChannel(rolledUp), `${figure} ${JSON.stringify(filters)}`).toEqual(
            byHourAndChannel(live),
          );
          counted += live.reduce((sum, count) => sum + count.count, 0);
        }
      }
      const live = await stoppedDurations(db, desk.system.dialect, period, timedMetrics);
      const rolledUp = await stoppedDurationsRolledUp(db, period, timedMetrics, undefined);
      expect(sorted(rolledUp)).toEqual(sorted(live));
      stopped += live.reduce((sum, entry) => sum + entry.count, 0);
    }
    return { counted, stopped, people };
  }

  const staleNotes = async () =>
    Number(
      (
        await desk.database.db
          .selectFrom("report_stale_periods")
          .select((eb) => eb.fn.countAll().as("count"))
          .executeTakeFirstOrThrow()
      ).count,
    );
  const rolledUpRows = async () => ({
    hours: (await desk.database.db.selectFrom("flow_hourly_counts").select("hour").execute()).length,
    days: (await desk.database.db.selectFrom("stopped_duration_digests").select("day").execute()).length,
  });

  it("match the live queries before and after each refresh, across writes, reassignments and deletes", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const group = await createGroup({
      ctx: desk.as(admin.actor),
      input: { name: `Rollups ${desk.unique()}` },
    });
    const calendar = await createCalendar({
      ctx: desk.as(admin.actor),
      input: {
        name: `Weekdays ${desk.unique()}`,
        definition: {
          timeZone: "UTC",
          weekly: Object.fromEntries(
            ["mon", "tue", "wed", "thu", "fri"].map((day) => [day, [["08:00", "18:00"]]]),
          ),
          holidays: [],
        },
      },
    });
    await createPolicy({
      ctx: desk.as(admin.actor),
      input: {
        name: `Rollups ${desk.unique()}`,
        targets: [
          { metric: "first_response", durationMs: 3_600_000, calendarId: calendar.id },
          { metric: "next_response", durationMs: 7_200_000, calendarId: calendar.id },
          { metric: "resolution", durationMs: 28_800_000, calendarId: calendar.id },
        ],
      },
    });
    const at = (instant: string) => desk.clock.set(instant);
    const create = async (channel: string) =>
      (
        await api("POST", "/tickets", admin, {
          subject: `Rollup fixture ${desk.unique()}`,
          body: "Something is wrong",
          requesterId: customer.id,
          channel,
          assigneeId: agent.id,
        })
      ).number as number;
    const answer = (number: number, status?: string) =>
      api("POST", `/tickets/${number}/comments`, agent, {
        body: "Here is the fix: restart the worker, then retry.",
        visibility: "public",
        qualifying: true,
        qualifyingReason: "Answers the question",
        ...(status ? { status } : {}),
      });
    const patch = async (number: number, changes: Record<string, unknown>) => {
      const current = await api("GET", `/tickets/${number}`, admin);
      await api("PATCH", `/tickets/${number}`, admin, { version: current.version, ...changes });
    };

    // Day one: tickets on three channels, answers (first responses stop), one solved in the ragged hour.
    at("2026-12-01T07:10:00.000Z");
    const early = await create("email");
    at("2026-12-01T09:05:00.000Z");
    const email = await create("email");
    at("2026-12-01T09:40:00.000Z");
    const portal = await create("portal");
    at("2026-12-01T11:20:00.000Z");
    const phone = await create("phone");
    at("2026-12-01T13:00:00.000Z");
    await answer(email);
    await answer(portal);
    at("2026-12-01T07:50:00.000Z");
    await answer(early, "solved");
    at("2026-12-01T16:30:00.000Z");
    await answer(phone, "solved");

    expect(await staleNotes()).toBeGreaterThan(0);
    const beforeAnyRefresh = await expectRollupsToMatchLiveQueries();
    expect(beforeAnyRefresh.counted).toBeGreaterThan(0);
    expect(beforeAnyRefresh.stopped).toBeGreaterThan(0);
    expect(beforeAnyRefresh.people).toBeGreaterThan(0);

    const reportPages = async () => {
      const period = `from=${periods[0]?.from}&to=${periods[0]?.to}`;
      return {
        flow: await api("GET", `/reports/flow?${period}`, admin),
        times: await api("GET", `/reports/times?${period}`, admin),
        people: await api("GET", `/reports/people?${period}`, admin),
        peopleOnEmail: await api("GET", `/reports/people?${period}&channel=email`, admin),
        overview: await api("GET", `/reports/overview?${period}`, admin),
      };
    };
    const pagesReadLive = await reportPages();
    await refreshReportRollups(desk.system, { untilDone: true });
    expect(await staleNotes()).toBe(0);
    const rolledUp = await rolledUpRows();
    expect(rolledUp.hours).toBeGreaterThan(0);
    expect(rolledUp.days).toBeGreaterThan(0);
    await expectRollupsToMatchLiveQueries();
    // The report pages read the rollups and answer as they did live.
    expect(await reportPages()).toEqual(pagesReadLive);

    // Day two: the customer reopens a solved ticket, it is solved again, a ticket moves to a group,
    // a health flag goes up; no refresh, so the touched hours are read live beside the rolled-up ones.
    at("2026-12-02T10:15:00.000Z");
    await api("POST", `/tickets/${phone}/comments`, customer, { body: "Still broken after the restart." });
    at("2026-12-02T12:00:00.000Z");
    await answer(phone, "solved");
    await api("POST", `/tickets/${phone}/satisfaction`, customer, { rating: "bad", comment: "Slow" });
    await patch(email, { groupId: group.id });
    await patch(portal, { assigneeId: admin.id });
    const ticketId = (await findTicketIdByNumber(desk.database.db, scope, portal)) as string;
    await insertFlagOnce(desk.database.db, {
      id: newId(),
      ticket_id: ticketId,
      flag: "open_over_a_day",
      since: "2026-12-02T13:40:00.000Z",
      due_at: "2026-12-02T13:40:00.000Z",
      raised_at: "2026-12-02T13:40:00.000Z",
      cleared_at: null,
    });
    expect(await staleNotes()).toBeGreaterThan(0);
    await expectRollupsToMatchLiveQueries();
    await refreshReportRollups(desk.system, { untilDone: true });
    await expectRollupsToMatchLiveQueries();

    // The customer who wrote on day two becomes staff (as an admin's role change does): her replies count.
    await desk.database.db
      .updateTable("people")
      .set({ role: "agent" })
      .where("id", "=", customer.id)
      .execute();
    expect(await staleNotes()).toBeGreaterThan(0);
    await expectRollupsToMatchLiveQueries();
    await refreshReportRollups(desk.system, { untilDone: true });

    // A ticket handed to someone else outside the ticket use cases (a bulk tool, an import) moves its
    // solves on both days; nothing recomputes its clocks, so only the trigger on tickets notes them.
    const phoneId = (await findTicketIdByNumber(desk.database.db, scope, phone)) as string;
    await desk.database.db
      .updateTable("tickets")
      .set({ assignee_id: admin.id })
      .where("id", "=", phoneId)
      .execute();
    await expectRollupsToMatchLiveQueries();
    await refreshReportRollups(desk.system, { untilDone: true });

    // A ticket deleted (as retention deletes one) takes its arrival, solves and stopped clocks with it.
    const solvedId = (await findTicketIdByNumber(desk.database.db, scope, early)) as string;
    await desk.database.db.deleteFrom("tickets").where("id", "=", solvedId).execute();
    expect(await staleNotes()).toBeGreaterThan(0);
    await expectRollupsToMatchLiveQueries();
    await refreshReportRollups(desk.system, { untilDone: true });
    expect(await staleNotes()).toBe(0);
    await expectRollupsToMatchLiveQueries();
  });
});
