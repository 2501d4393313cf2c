import { type FormEvent, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { LoadState, useLoaded } from "../admin/form-controls.js";
import { api } from "../api.js";
import { usePagedList } from "../paged-list.js";
import {
  type DebriefFilter,
  type DebriefStatus,
  type DebriefView,
  debriefFilterOf,
  debriefListPath,
  debriefStatusNames,
  searchOfDebriefFilter,
} from "./debrief-data.js";
import type { ScheduleView } from "./oncall-data.js";
import { atInZone } from "./schedule-draft.js";
import "./debrief.css";

function DebriefRow({ debrief, schedule }: { debrief: DebriefView; schedule: ScheduleView | undefined }) {
  const zone = schedule?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const count = debrief.items.length;
  return (
    <tr>
      <td>
        <Link to={`/oncall/debriefs/${debrief.id}`}>
          <time dateTime={debrief.handoffAt}>{atInZone(debrief.handoffAt, zone)}</time>
        </Link>
      </td>
      <td>{schedule?.name ?? "A deleted schedule"}</td>
      <td>
        {debrief.outgoing.name ?? "A former staff member"} →{" "}
        {debrief.incoming.name ?? "a former staff member"}
      </td>
      <td>{count === 1 ? "1 ticket" : `${count} tickets`}</td>
      <td>
        <span className={`debrief-status debrief-${debrief.status}`}>
          {debriefStatusNames[debrief.status]}
        </span>
      </td>
    </tr>
  );
}

/** The search form: edits a draft, and puts it in the address bar on submit or on a choice. */
function DebriefSearch({
  filter,
  schedules,
  onSearch,
}: {
  filter: DebriefFilter;
  schedules: ScheduleView[];
  onSearch(filter: DebriefFilter): void;
}) {
  const [text, setText] = useState(filter.text);
  // Back and forward move the address bar under the form: the box follows it.
  useEffect(() => setText(filter.text), [filter.text]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({ ...filter, text });
  };
  return (
    <search>
      <form className="debrief-search" aria-label="Search debriefs" onSubmit={submit}>
        <div className="field">
          <label htmlFor="debrief-text">Notes or ticket subject</label>
          <input id="debrief-text" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="debrief-schedule">Schedule</label>
          <select
            id="debrief-schedule"
            value={filter.scheduleId}
            onChange={(e) => onSearch({ ...filter, text, scheduleId: e.target.value })}
          >
            <option value="">Every schedule</option>
            {schedules.map((schedule) => (
              <option key={schedule.id} value={schedule.id}>
                {schedule.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="debrief-status">State</label>
          <select
            id="debrief-status"
            value={filter.status}
            onChange={(e) => onSearch({ ...filter, text, status: e.target.value as DebriefStatus | "" })}
          >
            <option value="">Any state</option>
            {(Object.keys(debriefStatusNames) as DebriefStatus[]).map((status) => (
              <option key={status} value={status}>
                {debriefStatusNames[status]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

/** `/oncall/debriefs`: every handoff debrief, newest handoff first, searchable; the filter lives in the URL. */
export function DebriefsPage() {
  const [search, setSearch] = useSearchParams();
  const filter = debriefFilterOf(search);
  const query = searchOfDebriefFilter(filter).toString();
  const schedules = useLoaded(async () => {
    const { schedules } = await api<{ schedules: ScheduleView[] }>("GET", "/oncall/schedules");
    return schedules;
  });
  const {
    list: pages,
    error,
    loadingMore,
    loadMore,
  } = usePagedList<DebriefView>((cursor) => debriefListPath(filter, cursor), query);

  const byId = new Map((schedules.value ?? []).map((schedule) => [schedule.id, schedule]));
  const filtered = Boolean(query);
  return (
    <>
      <div className="oncall-head">
        <h1>Handoff debriefs</h1>
        <span className="row-actions">
          <Link to="/oncall">On call</Link>
        </span>
      </div>
      <p className="muted">
        At each handoff the outgoing engineer writes up every open matter; the incoming one acknowledges it
        and takes the tickets.
      </p>
      <DebriefSearch
        filter={filter}
        schedules={schedules.value ?? []}
        onSearch={(next) => setSearch(searchOfDebriefFilter(next))}
      />
      {pages === null && <LoadState error={error} what="Debriefs" />}
      {pages && pages.items.length === 0 && (
        <p className="empty">
          {filtered ? "No debrief matches this search." : "No handoff has been debriefed yet."}
        </p>
      )}
      {pages && pages.items.length > 0 && (
        <table className="admin-table debrief-list" aria-label="Debriefs, newest handoff first">
          <thead>
            <tr>
              <th scope="col">Handoff</th>
              <th scope="col">Schedule</th>
              <th scope="col">Outgoing → incoming</th>
              <th scope="col">Open matters</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {pages.items.map((debrief) => (
              <DebriefRow key={debrief.id} debrief={debrief} schedule={byId.get(debrief.scheduleId)} />
            ))}
          </tbody>
        </table>
      )}
      {pages?.nextCursor && (
        <button type="button" onClick={loadMore} disabled={loadingMore}>
          Show older debriefs
        </button>
      )}
      {pages && error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
