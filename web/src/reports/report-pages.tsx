import { useEffect, useState } from "react";
import { Link, Route, Routes, useSearchParams } from "react-router";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SlaAttainmentReport } from "../../../src/modules/reports/sla-attainment.js";
import type { ReportClockView } from "../../../src/modules/reports/sla-report-labels.js";
import type { TimesReport } from "../../../src/modules/reports/sla-times.js";
import { ApiError, api, type Page } from "../api.js";
import { CsatReportPage } from "./csat-report-page.js";
import { FlowPage, FlowTicketsPage } from "./flow-pages.js";
import { OverviewPage } from "./overview-page.js";
import { PeoplePage } from "./people-page.js";
import {
  DrillDownLink,
  duration,
  percent,
  type ReportFilterField,
  ReportShell,
  useReport,
} from "./report-shell.js";

const severityFilter: ReportFilterField = {
  name: "severity",
  label: "Severity",
  options: [
    { value: "sev1", label: "Sev 1" },
    { value: "sev2", label: "Sev 2" },
  ],
};
const planFilter: ReportFilterField = {
  name: "plan",
  label: "Plan",
  options: ["self_hosted", "managed", "cloud", "custom", "none"].map((plan) => ({
    value: plan,
    label: plan,
  })),
};
const groupByFilter: ReportFilterField = {
  name: "groupBy",
  label: "Rows by",
  options: ["policy", "metric", "severity", "plan", "group", "agent", "week", "month"].map((grouping) => ({
    value: grouping,
    label: grouping,
  })),
};

function SlaAttainmentPage() {
  const { report, error } = useReport<SlaAttainmentReport>("/reports/sla-attainment");
  const weekly = (report?.weekly ?? []).map((week) => ({
    week: week.key ?? "",
    attainment: week.attainment === null ? null : Math.round(week.attainment * 1000) / 10,
  }));
  return (
    <ReportShell
      title="SLA attainment"
      apiPath="/reports/sla-attainment"
      filters={[groupByFilter, severityFilter, planFilter]}
      error={error}
      chart={
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={weekly} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="week" />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip />
            <Legend />
            <ReferenceLine y={100} stroke="#2e7d32" strokeDasharray="6 3" label="Goal 100%" />
            <Line
              type="monotone"
              dataKey="attainment"
              name="Met (%)"
              stroke="#1565c0"
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      }
    >
      {report && (
        <>
          <p className="report-total">
            {percent(report.total.attainment)} of {report.total.applicable} targets met (
            <DrillDownLink filters={report.filters} outcome="breached">
              {report.total.breached} breached
            </DrillDownLink>
            ,{" "}
            <DrillDownLink filters={report.filters} outcome="open">
              open now
            </DrillDownLink>
            )
          </p>
          <table aria-label="Attainment">
            <thead>
              <tr>
                <th>{report.groupBy}</th>
                <th>Met</th>
                <th>Breached</th>
                <th>Applicable</th>
                <th>Attainment</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={`${row.key}|${row.metric}`}>
                  <td>{row.label}</td>
                  <td className="number">
                    <DrillDownLink filters={row.filters} outcome="met">
                      {row.met}
                    </DrillDownLink>
                  </td>
                  <td className="number">
                    <DrillDownLink filters={row.filters} outcome="breached">
                      {row.breached}
                    </DrillDownLink>
                  </td>
                  <td className="number">{row.applicable}</td>
                  <td className="number">{percent(row.attainment)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Open clocks, soonest due</h2>
          <ClockTable clocks={report.open} />
        </>
      )}
    </ReportShell>
  );
}

function TimesPage() {
  const { report, error } = useReport<TimesReport>("/reports/times");
  const hours = (ms: number | null) => (ms === null ? null : Math.round(ms / 36_000) / 100);
  const bars = (report?.rows ?? []).map((row) => ({
    label: row.label,
    median: hours(row.calendar.medianMs),
    p90: hours(row.calendar.p90Ms),
    mean: hours(row.calendar.meanMs),
  }));
  return (
    <ReportShell
      title="Times"
      apiPath="/reports/times"
      filters={[severityFilter, planFilter]}
      error={error}
      chart={
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={bars} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis unit=" h" />
            <Tooltip />
            <Legend />
            {report && (
              <ReferenceLine
                y={hours(report.resolution.goalMs) ?? 0}
                stroke="#2e7d32"
                strokeDasharray="6 3"
                label={`Resolution goal ${report.resolution.goalDays} d`}
              />
            )}
            <Bar dataKey="median" name="Median (calendar h)" fill="#1565c0" isAnimationActive={false} />
            <Bar dataKey="p90" name="p90 (calendar h)" fill="#90caf9" isAnimationActive={false} />
            <Bar dataKey="mean" name="Mean (calendar h)" fill="#6a1b9a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
    >
      {report && (
        <>
          <p className="report-total">
            Average resolution {duration(report.resolution.meanMs)} over {report.resolution.count} tickets
            against the {report.resolution.goalDays}-day goal:{" "}
            {report.resolution.withinGoal === null ? "—" : report.resolution.withinGoal ? "within" : "over"}
          </p>
          <table aria-label="Times">
            <thead>
              <tr>
                <th>Policy and metric</th>
                <th>Clocks</th>
                <th>Median (business)</th>
                <th>p90 (business)</th>
                <th>Mean (business)</th>
                <th>Median (calendar)</th>
                <th>p90 (calendar)</th>
                <th>Mean (calendar)</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={`${row.policyId}|${row.metric}`}>
                  <td>{row.label}</td>
                  <td className="number">
                    <DrillDownLink filters={row.filters} outcome="stopped">
                      {row.count}
                    </DrillDownLink>
                  </td>
                  <td className="number">{duration(row.business.medianMs)}</td>
                  <td className="number">{duration(row.business.p90Ms)}</td>
                  <td className="number">{duration(row.business.meanMs)}</td>
                  <td className="number">{duration(row.calendar.medianMs)}</td>
                  <td className="number">{duration(row.calendar.p90Ms)}</td>
                  <td className="number">{duration(row.calendar.meanMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </ReportShell>
  );
}

function ClockTable({ clocks }: { clocks: ReportClockView[] }) {
  if (clocks.length === 0) return <p className="muted">None.</p>;
  return (
    <table aria-label="Clocks">
      <thead>
        <tr>
          <th>Ticket</th>
          <th>Policy</th>
          <th>Metric</th>
          <th>Outcome</th>
          <th>Due</th>
          <th>Time left</th>
        </tr>
      </thead>
      <tbody>
        {clocks.map((clock) => (
          <tr key={`${clock.ticketNumber}|${clock.policyName}|${clock.metric}|${clock.startedAt}`}>
            <td>
              <Link to={`/tickets/${clock.ticketNumber}`}>
                #{clock.ticketNumber} {clock.subject}
              </Link>
            </td>
            <td>{clock.policyName}</td>
            <td>{clock.metric}</td>
            <td>{clock.outcome}</td>
            <td>{clock.dueAt ?? "paused"}</td>
            <td>{duration(clock.timeLeftMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The tickets behind a figure: the drill-down the report pages link to, a keyset page at a time. */
function ReportTicketsPage() {
  const [searchParams] = useSearchParams();
  const query = searchParams.toString();
  const [clocks, setClocks] = useState<ReportClockView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (cursor: string | null) =>
    api<Page<ReportClockView>>(
      "GET",
      `/reports/sla-attainment/tickets?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    )
      .then((page) => {
        setClocks((shown) => (cursor ? [...shown, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      })
      .catch((caught: unknown) =>
        setError(caught instanceof ApiError ? caught.problem.detail || caught.message : "The list failed."),
      );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts the list over.
  useEffect(() => {
    void load(null);
  }, [query]);
  return (
    <section className="report report-table">
      <p>
        <Link to="/reports/sla">← SLA attainment</Link>
      </p>
      <h1>Tickets behind the figure ({searchParams.get("outcome")})</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ClockTable clocks={clocks} />
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)}>
          More
        </button>
      )}
    </section>
  );
}

export default function ReportPages() {
  return (
    <Routes>
      <Route index element={<OverviewPage />} />
      <Route path="overview" element={<OverviewPage />} />
      <Route path="sla" element={<SlaAttainmentPage />} />
      <Route path="times" element={<TimesPage />} />
      <Route path="tickets" element={<ReportTicketsPage />} />
      <Route path="flow" element={<FlowPage />} />
      <Route path="flow/tickets" element={<FlowTicketsPage />} />
      <Route path="people" element={<PeoplePage />} />
      <Route path="csat" element={<CsatReportPage />} />
    </Routes>
  );
}
