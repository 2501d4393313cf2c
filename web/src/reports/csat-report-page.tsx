import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CsatReport } from "../../../src/modules/satisfaction/csat-report.js";
import { percent, type ReportFilterField, ReportShell, useReport } from "./report-shell.js";

const groupByFilter: ReportFilterField = {
  name: "groupBy",
  label: "Rows by",
  options: ["group", "agent", "organization", "plan", "severity"].map((grouping) => ({
    value: grouping,
    label: grouping,
  })),
};

/** The CSAT report (`GET /reports/csat`): the score and response rate in all and per the chosen rows. */
export function CsatReportPage() {
  const { report, error } = useReport<CsatReport>("/reports/csat");
  const rows = report ? [{ label: "All", ...report.total }, ...report.rows] : [];
  const bars = rows.map((row) => ({
    label: row.label,
    score: row.score === null ? null : Math.round(row.score * 1000) / 10,
    responseRate: row.responseRate === null ? null : Math.round(row.responseRate * 1000) / 10,
  }));
  return (
    <ReportShell
      title="CSAT"
      apiPath="/reports/csat"
      filters={[groupByFilter]}
      error={error}
      csv={false}
      chart={
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={bars} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis domain={[0, 100]} unit="%" />
            <Tooltip />
            <Legend />
            <Bar dataKey="score" name="CSAT score (%)" fill="#2e7d32" isAnimationActive={false} />
            <Bar dataKey="responseRate" name="Response rate (%)" fill="#90caf9" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
    >
      <table aria-label="CSAT">
        <thead>
          <tr>
            <th>{report?.groupBy ?? "Period"}</th>
            <th>Good</th>
            <th>Bad</th>
            <th>Score</th>
            <th>Sent</th>
            <th>Answered</th>
            <th>Response rate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td>{row.label}</td>
              <td className="number">{row.good}</td>
              <td className="number">{row.bad}</td>
              <td className="number">{percent(row.score)}</td>
              <td className="number">{row.sent}</td>
              <td className="number">{row.answered}</td>
              <td className="number">{percent(row.responseRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ReportShell>
  );
}
