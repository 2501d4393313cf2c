import { Link } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { PeopleReport } from "../../../src/modules/reports/read-people-report.js";
import { flowTicketsHref, useTeamFilters } from "./flow-pages.js";
import { percent, ReportShell, useReport } from "./report-shell.js";

/** Per agent and group: solves and replies charted, every figure in the table below. */
export function PeoplePage() {
  const { report, error } = useReport<PeopleReport>("/reports/people");
  const teamFilters = useTeamFilters();
  const bars = (report?.agents ?? []).map((agent) => ({
    name: agent.name,
    solved: agent.solved,
    replies: agent.replies,
  }));
  const period = report ? { from: report.from, to: report.to } : {};
  return (
    <ReportShell
      title="People"
      apiPath="/reports/people"
      filters={teamFilters}
      error={error}
      chart={
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={bars} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="solved" name="Tickets solved" fill="#1565c0" isAnimationActive={false} />
            <Bar dataKey="replies" name="Public replies" fill="#90caf9" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
    >
      {report && (
        <>
          <table aria-label="Agents">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Solved</th>
                <th>Replies</th>
                <th>CSAT</th>
                <th>SLA attainment</th>
                <th>On call (h)</th>
                <th>Pages</th>
              </tr>
            </thead>
            <tbody>
              {report.agents.map((agent) => (
                <tr key={agent.id}>
                  <td>{agent.name}</td>
                  <td className="number">
                    <Link
                      to={flowTicketsHref(report.filters, { ...period, figure: "solved", agentId: agent.id })}
                    >
                      {agent.solved}
                    </Link>
                  </td>
                  <td className="number">{agent.replies}</td>
                  <td className="number">
                    {percent(agent.csat.score)} ({agent.csat.good}/{agent.csat.good + agent.csat.bad})
                  </td>
                  <td className="number">
                    <Link to={slaHref(report, { agentId: agent.id })}>
                      {percent(agent.slaAttainment.attainment)}
                    </Link>
                  </td>
                  <td className="number">{agent.onCallHours}</td>
                  <td className="number">{agent.pagesReceived}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Groups">
            <thead>
              <tr>
                <th>Group</th>
                <th>Solved</th>
                <th>Replies</th>
                <th>CSAT</th>
                <th>SLA attainment</th>
              </tr>
            </thead>
            <tbody>
              {report.groups.map((group) => (
                <tr key={group.id}>
                  <td>{group.name}</td>
                  <td className="number">
                    <Link
                      to={flowTicketsHref(report.filters, { ...period, figure: "solved", groupId: group.id })}
                    >
                      {group.solved}
                    </Link>
                  </td>
                  <td className="number">{group.replies}</td>
                  <td className="number">
                    {percent(group.csat.score)} ({group.csat.good}/{group.csat.good + group.csat.bad})
                  </td>
                  <td className="number">
                    <Link to={slaHref(report, { groupId: group.id })}>
                      {percent(group.slaAttainment.attainment)}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </ReportShell>
  );
}

/** The SLA attainment report for the same period, narrowed to one agent or group. */
function slaHref(report: PeopleReport, who: Record<string, string>): string {
  return `/reports/sla?${new URLSearchParams({ from: report.from, to: report.to, ...who }).toString()}`;
}
