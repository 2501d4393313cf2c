import { type ReactNode, useEffect, useState } from "react";
import { Link, NavLink, useSearchParams } from "react-router";
import { ApiError, api } from "../api.js";
import "./reports.css";

/**
 * The frame every report page shares: the report tabs, the period and filters held in the URL's search
 * parameters (so a view can be shared by its address), a CSV download of the same query, a chart area
 * and a table below it. Each report adds its tab to `reportTabs`.
 */

export interface ReportTab {
  to: string;
  label: string;
}

export const reportTabs: ReportTab[] = [
  { to: "/reports/overview", label: "Overview" },
  { to: "/reports/sla", label: "SLA attainment" },
  { to: "/reports/times", label: "Times" },
  { to: "/reports/flow", label: "Flow" },
  { to: "/reports/people", label: "People" },
  { to: "/reports/csat", label: "CSAT" },
];

export interface ReportFilterField {
  /** The query parameter the report's API takes. */
  name: string;
  label: string;
  options: { value: string; label: string }[];
}

/** The query the page shows: its URL's search parameters, which are also the API's query string. */
export function useReportQuery(): {
  search: URLSearchParams;
  setParam: (name: string, value: string | null) => void;
} {
  const [search, setSearch] = useSearchParams();
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(search);
    if (value === null || value === "") next.delete(name);
    else next.set(name, value);
    setSearch(next);
  };
  return { search, setParam };
}

/** Reads `GET /api/v1<path>?<the page's query>` again whenever the query changes. */
export function useReport<T>(path: string): { report: T | null; error: string | null } {
  const [searchParams] = useSearchParams();
  const query = searchParams.toString();
  const [state, setState] = useState<{ report: T | null; error: string | null }>({
    report: null,
    error: null,
  });
  useEffect(() => {
    let current = true;
    api<T>("GET", `${path}${query ? `?${query}` : ""}`)
      .then((report) => current && setState({ report, error: null }))
      .catch(
        (caught: unknown) =>
          current &&
          setState({
            report: null,
            error:
              caught instanceof ApiError ? caught.problem.detail || caught.message : "The report failed.",
          }),
      );
    return () => {
      current = false;
    };
  }, [path, query]);
  return state;
}

/** The drill-down page's address for a figure: its filters (from the API's row) and the outcome. */
export function drillDownHref(filters: Record<string, string>, outcome: string): string {
  const query = new URLSearchParams(filters);
  query.set("outcome", outcome);
  return `/reports/tickets?${query.toString()}`;
}

export function DrillDownLink({
  filters,
  outcome,
  children,
}: {
  filters: Record<string, string>;
  outcome: string;
  children: ReactNode;
}) {
  return <Link to={drillDownHref(filters, outcome)}>{children}</Link>;
}

const dayOf = (instant: string | null) => (instant ? instant.slice(0, 10) : "");

export function ReportShell({
  title,
  apiPath,
  filters,
  error,
  chart,
  children,
  csv: offersCsv = true,
}: {
  title: string;
  /** The report's API path under /api/v1, for the CSV link. */
  apiPath: string;
  filters: ReportFilterField[];
  error: string | null;
  chart: ReactNode;
  children: ReactNode;
  /** False for a report whose API has no CSV form. */
  csv?: boolean;
}) {
  const { search, setParam } = useReportQuery();
  const csv = new URLSearchParams(search);
  csv.set("format", "csv");
  return (
    <section className="report">
      <nav className="report-tabs" aria-label="Reports">
        {reportTabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <h1>{title}</h1>
      <form className="report-filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          From{" "}
          <input
            type="date"
            name="from"
            value={dayOf(search.get("from"))}
            onChange={(event) =>
              setParam("from", event.target.value ? `${event.target.value}T00:00:00.000Z` : null)
            }
          />
        </label>
        <label>
          To{" "}
          <input
            type="date"
            name="to"
            value={dayOf(search.get("to"))}
            onChange={(event) =>
              setParam("to", event.target.value ? `${event.target.value}T00:00:00.000Z` : null)
            }
          />
        </label>
        {filters.map((field) => (
          <label key={field.name}>
            {field.label}{" "}
            <select
              name={field.name}
              value={search.get(field.name) ?? ""}
              onChange={(event) => setParam(field.name, event.target.value)}
            >
              <option value="">All</option>
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        ))}
        {offersCsv && (
          <a className="report-csv" href={`/api/v1${apiPath}?${csv.toString()}`} download>
            Download CSV
          </a>
        )}
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="report-chart">{chart}</div>
      <div className="report-table">{children}</div>
    </section>
  );
}

/** A share as a percentage, or a dash when nothing was counted. */
export function percent(share: number | null): string {
  return share === null ? "—" : `${(share * 100).toFixed(1)}%`;
}

/** A duration in the largest units that matter: "2 d 3 h", "3 h 20 min", "45 min". */
export function duration(ms: number | null): string {
  if (ms === null) return "—";
  const sign = ms < 0 ? "−" : "";
  let minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  if (days > 0) return `${sign}${days} d ${hours} h`;
  if (hours > 0) return `${sign}${hours} h ${minutes} min`;
  return `${sign}${minutes} min`;
}
