import type { Db } from "../../db/database.js";

/**
 * The only metrics SQL: grouped counts read at scrape time. Each groups by the columns of an index
 * that starts with the filtered column (see `2026-12-04T1720-metrics-indexes.ts`), so the count reads
 * index entries in the live key ranges only, never table rows.
 */

/** Tickets still in play; closed tickets are history for the reports, and would grow without end. */
export const countedTicketStatuses = ["new", "open", "pending", "solved"] as const;
/** Clocks that can still change; achieved clocks are the bulk of the table and say nothing live. */
export const countedClockStates = ["running", "paused", "breached"] as const;
/** Jobs waiting, in hand, or given up on; succeeded ones are history. */
export const countedJobStatuses = ["queued", "running", "failed"] as const;

export interface TicketCount {
  status: string;
  groupId: string | null;
  severity: string;
  count: number;
}

export async function countTicketsByStatusGroupSeverity(db: Db): Promise<TicketCount[]> {
  const rows = await db
    .selectFrom("tickets")
    .select((eb) => ["status", "group_id", "severity", eb.fn.countAll<number | string>().as("count")])
    .where("status", "in", countedTicketStatuses)
    .groupBy(["status", "group_id", "severity"])
    .execute();
  return rows.map((row) => ({
    status: row.status,
    groupId: row.group_id,
    severity: row.severity,
    count: Number(row.count),
  }));
}

export async function groupNamesById(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("groups").select(["id", "name"]).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function countSlaClocksByStateMetric(
  db: Db,
): Promise<{ state: string; metric: string; count: number }[]> {
  const rows = await db
    .selectFrom("sla_clocks")
    .select((eb) => ["state", "metric", eb.fn.countAll<number | string>().as("count")])
    .where("state", "in", countedClockStates)
    .groupBy(["state", "metric"])
    .execute();
  return rows.map((row) => ({ state: row.state, metric: row.metric, count: Number(row.count) }));
}

export async function countJobsByStatusKind(
  db: Db,
): Promise<{ status: string; kind: string; count: number }[]> {
  const rows = await db
    .selectFrom("jobs")
    .select((eb) => ["status", "kind", eb.fn.countAll<number | string>().as("count")])
    .where("status", "in", countedJobStatuses)
    .groupBy(["status", "kind"])
    .execute();
  return rows.map((row) => ({ status: row.status, kind: row.kind, count: Number(row.count) }));
}

/** Stored inbound mail by processing outcome (received, processed, failed, ignored), within retention. */
export async function countInboundEmailsByStatus(db: Db): Promise<{ status: string; count: number }[]> {
  const rows = await db
    .selectFrom("raw_emails")
    .select((eb) => ["status", eb.fn.countAll<number | string>().as("count")])
    .groupBy("status")
    .execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}
