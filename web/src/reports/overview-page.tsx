import { Link } from "react-router";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { OverviewReport } from "../../../src/modules/reports/overview-view.js";
import { flowTicketsHref } from "./flow-pages.js";
import { DrillDownLink, duration, percent, ReportShell, useReport } from "./report-shell.js";

const healthFigures = [
  { figure: "unacknowledged", label: "New not acknowledged by end of day" },
  { figure: "idle", label: "Open over a business day" },
  { figure: "reopened", label: "Reopened" },
  { figure: "autoSolved", label: "Pending auto-solved" },
] as const;

/**
 * `/reports` and `/reports/overview`: the page a support manager opens on Monday. Each figure links to
 * the report or the tickets behind it, for the same period.
 */
export function OverviewPage() {
  const { report, error } = useReport<OverviewReport>("/reports/overview");
  const attainment = (report?.sla.byMetric ?? []).map((row) => ({
    metric: row.label,
    attainment: row.attainment === null ? null : Math.round(row.attainment * 1000) / 10,
  }));
  return (
    <ReportShell
      title="Overview"
      apiPath="/reports/overview"
      filters={[]}
      csv={false}
      error={error}
      chart={
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={attainment} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" domain={[0, 100]} unit="%" />
            <YAxis type="category" dataKey="metric" width={140} />
            <Tooltip />
            <ReferenceLine x={100} stroke="#2e7d32" strokeDasharray="6 3" label="Goal 100%" />
            <Bar dataKey="attainment" name="SLA attainment (%)" fill="#1565c0" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
    >
      {report && <OverviewFigures report={report} />}
    </ReportShell>
  );
}

function OverviewFigures({ report }: { report: OverviewReport }) {
  const period = new URLSearchParams({ from: report.from, to: report.to }).toString();
  const { sla, csat } = report;
  return (
    <div className="overview">
      <section aria-labelledby="overview-csat">
        <h2 id="overview-csat">Customer satisfaction</h2>
        <p className="overview-figure">
          <Link to={`/reports/csat?${period}`}>{percent(csat.score)}</Link>
        </p>
        <p className="muted">
          {csat.good} good, {csat.bad} bad; response rate {percent(csat.responseRate)}
        </p>
      </section>
      <section aria-labelledby="overview-sla">
        <h2 id="overview-sla">SLA attainment</h2>
        <p className="overview-figure">
          <Link to={`/reports/sla?${period}`}>{percent(sla.total.attainment)}</Link>
        </p>
        <p className="muted">
          Goal 100%: {sla.total.met} of {sla.total.applicable} targets met,{" "}
          <DrillDownLink filters={sla.filters} outcome="breached">
            {sla.total.breached} breached
          </DrillDownLink>
        </p>
      </section>
      <section aria-labelledby="overview-times">
        <h2 id="overview-times">Response and resolution</h2>
        <ul>
          {report.firstResponse.map((row) => (
            <li key={row.policyId}>
              First response, {row.policyName}: median{" "}
              <DrillDownLink filters={row.filters} outcome="stopped">
                {duration(row.business.medianMs)}
              </DrillDownLink>{" "}
              in business hours ({row.count} tickets)
            </li>
          ))}
          <li>
            Average resolution{" "}
            <Link to={`/reports/times?${period}`}>{duration(report.resolution.meanMs)}</Link> against{" "}
            {report.resolution.goalDays} days:{" "}
            {report.resolution.withinGoal === null
              ? "nothing resolved"
              : report.resolution.withinGoal
                ? "within the goal"
                : "over the goal"}
          </li>
        </ul>
      </section>
      <section aria-labelledby="overview-slipped">
        <h2 id="overview-slipped">What slipped</h2>
        <ul>
          {healthFigures.map(({ figure, label }) => (
            <li key={figure}>
              {label}:{" "}
              <Link to={flowTicketsHref({}, { figure, from: report.from, to: report.to })}>
                {report.health[figure]}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="overview-backlog">
        <h2 id="overview-backlog">Backlog now</h2>
        <p className="overview-figure">
          <Link to={`/reports/flow?${period}`}>{report.backlog.total}</Link>
        </p>
        <ul>
          {report.backlog.byStatus.map(({ status, count }) => (
            <li key={status}>
              {status}: <Link to={flowTicketsHref({}, { figure: "backlog", status })}>{count}</Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="overview-next">
        <h2 id="overview-next">Next</h2>
        <ul>
          <li>
            <Link to="/reviews">
              {report.reviewsOpen} case {report.reviewsOpen === 1 ? "review" : "reviews"} to do
            </Link>
          </li>
          {report.articlesToWrite.length === 0 ? (
            <li>
              <Link to="/knowledge/frequent-questions">
                {report.questionsGroupedAt ? "No uncovered frequent question" : "Group frequent questions"}
              </Link>
            </li>
          ) : (
            report.articlesToWrite.map((group) => (
              <li key={group.id}>
                Article to write: <Link to="/knowledge/frequent-questions">{group.label}</Link> ({group.size}{" "}
                tickets)
              </li>
            ))
          )}
        </ul>
      </section>
    </div>
  );
}
