import type { Context } from "../../shared/context.js";
import { countsPer } from "../../shared/grouped-counts.js";
import { listGroupRows } from "../identity/group-repository.js";
import { requireStaff } from "../identity/identity-policy.js";
import { listScheduleRows } from "../oncall/oncall-repository.js";
import { loadSchedule } from "../oncall/read-schedules.js";
import { finalShifts } from "../oncall/rotation.js";
import { csatPerOwner } from "../satisfaction/csat-report.js";
import type { CsatFigures } from "../satisfaction/csat-rules.js";
import type { TicketFilters } from "./flow-repository.js";
import { countPagesReceivedPerPerson, listActiveStaff } from "./people-repository.js";
import { peopleCells } from "./people-rollup.js";
import { onCallHoursPerPerson } from "./people-rules.js";
import { reportPeriod } from "./report-period.js";
import { type AttainmentFigures, attainmentPerOwner } from "./sla-attainment.js";

export interface PeopleReportQuery extends TicketFilters {
  from?: string | undefined;
  to?: string | undefined;
}

interface TeamFigures {
  id: string;
  name: string;
  /** Solves in the period of tickets assigned to them (or in the group) now. */
  solved: number;
  /** Public replies written in the period (the group's: on its tickets). */
  replies: number;
  csat: CsatFigures;
  slaAttainment: AttainmentFigures;
}

export interface AgentFigures extends TeamFigures {
  /** Hours on call in the period on every schedule's final shifts. */
  onCallHours: number;
  /** Pages they were notified of in the period. */
  pagesReceived: number;
}

export interface PeopleReport {
  from: string;
  to: string;
  filters: TicketFilters;
  agents: AgentFigures[];
  groups: TeamFigures[];
}

const noCsat: CsatFigures = { sent: 0, answered: 0, good: 0, bad: 0, score: null, responseRate: null };
const noSla: AttainmentFigures = { met: 0, breached: 0, applicable: 0, attainment: null };

/**
 * Per agent and per group: solves, public replies, CSAT (the satisfaction report's, by the owner at
 * the solve), SLA attainment (the SLA report's), and for agents the on-call load. Staff only. The
 * channel and group filters narrow the ticket figures; `agentId` keeps that agent's row alone.
 */
export async function readPeopleReport({
  ctx,
  query,
}: {
  ctx: Context;
  query: PeopleReportQuery;
}): Promise<PeopleReport> {
  requireStaff(ctx.actor);
  const period = reportPeriod(ctx, query);
  const ticketFilters = {
    ...(query.channel === undefined ? {} : { channel: query.channel }),
    ...(query.groupId === undefined ? {} : { groupId: query.groupId }),
  };

  // Each source is counted per owner once (from the daily rollup), and read both ways.
  const [solvedCells, replyCells, csatCells, slaCells] = await Promise.all([
    peopleCells(ctx.db, "solved", period),
    peopleCells(ctx.db, "replies", period),
    peopleCells(ctx.db, "csat", period),
    peopleCells(ctx.db, "sla", period),
  ]);
  const inFilters = (cell: { by: Readonly<Record<string, string | null>> }) =>
    (query.channel === undefined || cell.by.channel === query.channel) &&
    (query.groupId === undefined || cell.by.group === query.groupId);
  const inGroup = (cell: { by: Readonly<Record<string, string | null>> }) =>
    query.groupId === undefined || cell.by.group === query.groupId;
  const solved = solvedCells.filter(inFilters);
  const replies = replyCells.filter(inFilters);
  const solvedByAgent = countsPer(solved, "agent");
  const solvedByGroup = countsPer(solved, "group");
  const repliesByAgent = countsPer(replies, "agent");
  const repliesByGroup = countsPer(replies, "group");
  // CSAT counts by the owners at the solve, whatever the filters; attainment by the group filter.
  const csat = csatPerOwner(csatCells);
  const sla = attainmentPerOwner(slaCells.filter(inGroup));
  const onCallHours = await onCallHoursIn(ctx, period);
  const pagesReceived = await countPagesReceivedPerPerson(ctx.db, period);

  const staff = (await listActiveStaff(ctx.db)).filter(
    (person) => query.agentId === undefined || person.id === query.agentId,
  );
  const groups = (await listGroupRows(ctx.db))
    .filter((group) => query.groupId === undefined || group.id === query.groupId)
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...period,
    filters: { ...ticketFilters, ...(query.agentId === undefined ? {} : { agentId: query.agentId }) },
    agents: staff.map((person) => ({
      id: person.id,
      name: person.name,
      solved: solvedByAgent.get(person.id)?.count ?? 0,
      replies: repliesByAgent.get(person.id)?.count ?? 0,
      csat: csat.agents.get(person.id) ?? noCsat,
      slaAttainment: sla.agents.get(person.id) ?? noSla,
      onCallHours: onCallHours.get(person.id) ?? 0,
      pagesReceived: pagesReceived.get(person.id) ?? 0,
    })),
    groups: groups.map((group) => ({
      id: group.id,
      name: group.name,
      solved: solvedByGroup.get(group.id)?.count ?? 0,
      replies: repliesByGroup.get(group.id)?.count ?? 0,
      csat: csat.groups.get(group.id) ?? noCsat,
      slaAttainment: sla.groups.get(group.id) ?? noSla,
    })),
  };
}

async function onCallHoursIn(
  ctx: Context,
  period: { from: string; to: string },
): Promise<Map<string, number>> {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const shifts = [];
  for (const row of await listScheduleRows(ctx.db)) {
    const { compiled } = await loadSchedule(ctx.db, row);
    shifts.push(...finalShifts(compiled, from, to));
  }
  return onCallHoursPerPerson(shifts, from, to);
}
