import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FlowFigure, TicketFilters } from "../../../src/modules/reports/flow-repository.js";
import type { FlowReport, FlowTickets } from "../../../src/modules/reports/read-flow-report.js";
import { ApiError, api } from "../api.js";
import { useStaffDirectory } from "../staff-directory.js";
import { type ReportFilterField, ReportShell, useReport } from "./report-shell.js";

const channelColors: Record<string, string> = {
  email: "#1565c0",
  portal: "#2e7d32",
  api: "#6a1b9a",
  chat: "#ef6c00",
  phone: "#c62828",
};
const colorOf = (channel: string) => channelColors[channel] ?? "#546e7a";

/** The figures charted per day, stacked by channel; the others are in the table. */
const chartedFigures: { figure: FlowFigure; label: string }[] = [
  { figure: "created", label: "Created" },
  { figure: "solved", label: "Solved" },
  { figure: "reopened", label: "Reopened" },
];
const tableFigures: { figure: FlowFigure; label: string }[] = [
  ...chartedFigures,
  { figure: "autoSolved", label: "Pending auto-solved" },
  { figure: "unacknowledged", label: "New not acknowledged by end of day" },
  { figure: "idle", label: "Open over a business day" },
];

const channelFilter: ReportFilterField = {
  name: "channel",
  label: "Channel",
  options: ["email", "portal", "api", "chat", "phone"].map((channel) => ({ value: channel, label: channel })),
};

/** Group and agent filters from the staff directory, shared by the Flow and People pages. */
export function useTeamFilters(): ReportFilterField[] {
  const { groups, staff } = useStaffDirectory();
  return [
    {
      name: "groupId",
      label: "Group",
      options: groups.map((group) => ({ value: group.id, label: group.name })),
    },
    {
      name: "agentId",
      label: "Agent",
      options: staff.map((person) => ({ value: person.id, label: person.name })),
    },
  ];
}

/**
 * The workspace address listing the tickets behind a figure: the report's filters (group, channel,
 * agent) with the figure's own period or backlog selection.
 */
export function flowTicketsHref(
  filters: TicketFilters,
  selection: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...selection })) {
    if (value !== undefined) query.set(name, value);
  }
  return `/reports/flow/tickets?${query.toString()}`;
}

export function FlowPage() {
  const { report, error } = useReport<FlowReport>("/reports/flow");
  const teamFilters = useTeamFilters();
  const channels = report?.channels ?? [];
  // One row per day; a key per figure and channel, so each figure's bar stacks its channels.
  const daily = (report?.days ?? []).map((day) => ({
    date: day.date.slice(5),
    ...Object.fromEntries(
      chartedFigures.flatMap(({ figure }) =>
        channels.map((channel) => [`${figure}:${channel}`, day.figures[figure].byChannel[channel] ?? 0]),
      ),
    ),
  }));
  const backlogByAge = (report?.backlog.byAge ?? []).map((bucket) => ({
    label: bucket.label,
    ...bucket.byStatus,
  }));
  return (
    <ReportShell
      title="Flow"
      apiPath="/reports/flow"
      filters={[channelFilter, ...teamFilters]}
      error={error}
      chart={
        <>
          <ResponsiveContainer width="100%" height={300}>
            <BarChart data={daily} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="date" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {chartedFigures.flatMap(({ figure, label }) =>
                channels.map((channel) => (
                  <Bar
                    key={`${figure}:${channel}`}
                    dataKey={`${figure}:${channel}`}
                    name={`${label} (${channel})`}
                    stackId={figure}
                    fill={colorOf(channel)}
                    fillOpacity={figure === "created" ? 1 : figure === "solved" ? 0.6 : 0.3}
                    isAnimationActive={false}
                  />
                )),
              )}
            </BarChart>
          </ResponsiveContainer>
          <h2>Backlog by age</h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={backlogByAge} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="label" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar dataKey="new" name="New" stackId="backlog" fill="#c62828" isAnimationActive={false} />
              <Bar dataKey="open" name="Open" stackId="backlog" fill="#ef6c00" isAnimationActive={false} />
              <Bar
                dataKey="pending"
                name="Pending"
                stackId="backlog"
                fill="#1565c0"
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </>
      }
    >
      {report && <FlowTables report={report} />}
    </ReportShell>
  );
}

function FlowTables({ report }: { report: FlowReport }) {
  const filters = report.filters;
  const period = { from: report.from, to: report.to };
  return (
    <>
      <table aria-label="Flow per day">
        <thead>
          <tr>
            <th>Day ({report.timeZone})</th>
            {tableFigures.map(({ figure, label }) => (
              <th key={figure}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.days.map((day) => (
            <tr key={day.date}>
              <td>{day.date}</td>
              {tableFigures.map(({ figure }) => (
                <td key={figure} className="number">
                  <Link to={flowTicketsHref(filters, { figure, from: day.from, to: day.to })}>
                    {day.figures[figure].total}
                  </Link>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            {tableFigures.map(({ figure }) => (
              <td key={figure} className="number">
                <Link to={flowTicketsHref(filters, { figure, ...period })}>{report.totals[figure]}</Link>
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
      <h2>Backlog now: {report.backlog.total}</h2>
      <table aria-label="Backlog">
        <thead>
          <tr>
            <th>Age</th>
            {report.backlog.byStatus.map(({ status }) => (
              <th key={status}>
                <Link to={flowTicketsHref(filters, { figure: "backlog", status })}>{status}</Link>
              </th>
            ))}
            <th>All</th>
          </tr>
        </thead>
        <tbody>
          {report.backlog.byAge.map((bucket) => (
            <tr key={bucket.age}>
              <td>{bucket.label}</td>
              {report.backlog.byStatus.map(({ status }) => (
                <td key={status} className="number">
                  <Link to={flowTicketsHref(filters, { figure: "backlog", status, age: bucket.age })}>
                    {bucket.byStatus[status] ?? 0}
                  </Link>
                </td>
              ))}
              <td className="number">
                <Link to={flowTicketsHref(filters, { figure: "backlog", age: bucket.age })}>
                  {bucket.count}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>All ages</th>
            {report.backlog.byStatus.map(({ status, count }) => (
              <td key={status} className="number">
                <Link to={flowTicketsHref(filters, { figure: "backlog", status })}>{count}</Link>
              </td>
            ))}
            <td className="number">
              <Link to={flowTicketsHref(filters, { figure: "backlog" })}>{report.backlog.total}</Link>
            </td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}

/** The tickets behind a Flow or People figure, each a link to the ticket. */
export function FlowTicketsPage() {
  const [searchParams] = useSearchParams();
  const query = searchParams.toString();
  const [state, setState] = useState<{ list: FlowTickets | null; error: string | null }>({
    list: null,
    error: null,
  });
  useEffect(() => {
    let current = true;
    api<FlowTickets>("GET", `/reports/flow/tickets?${query}&limit=200`)
      .then((list) => current && setState({ list, error: null }))
      .catch(
        (caught: unknown) =>
          current &&
          setState({
            list: null,
            error: caught instanceof ApiError ? caught.problem.detail || caught.message : "The list failed.",
          }),
      );
    return () => {
      current = false;
    };
  }, [query]);
  const { list, error } = state;
  return (
    <section className="report report-table">
      <p>
        <Link to="/reports/flow">← Flow</Link> · <Link to="/reports/people">People</Link>
      </p>
      <h1>Tickets behind the figure ({searchParams.get("figure")})</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list && list.tickets.length === 0 && <p className="muted">None.</p>}
      {list && list.tickets.length > 0 && (
        <table aria-label="Tickets">
          <thead>
            <tr>
              <th>Ticket</th>
              <th>Status</th>
              <th>Channel</th>
              <th>Counted at</th>
            </tr>
          </thead>
          <tbody>
            {list.tickets.map((ticket) => (
              <tr key={`${ticket.number}|${ticket.at}`}>
                <td>
                  <Link to={`/tickets/${ticket.number}`}>
                    #{ticket.number} {ticket.subject}
                  </Link>
                </td>
                <td>{ticket.status}</td>
                <td>{ticket.channel}</td>
                <td>{ticket.at}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list?.truncated && <p className="muted">The first 200 are listed.</p>}
    </section>
  );
}
