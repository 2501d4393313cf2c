import { Link, useParams } from "react-router";
import { FormProblems, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { api, type PersonView } from "../api.js";
import { useMe } from "../session.js";
import { CoverShiftForm, SwapShiftsForm } from "./cover-forms.js";
import { HandoffSection } from "./handoff-section.js";
import {
  activeStaff,
  type OverrideView,
  range,
  type ScheduleView,
  type ShiftView,
  WEEK,
} from "./oncall-data.js";
import { atInZone, layerSummary } from "./schedule-draft.js";
import { SubscribeSection } from "./subscribe-section.js";

const Instant = ({ iso, timeZone }: { iso: string; timeZone: string }) => (
  <time dateTime={iso}>{atInZone(iso, timeZone)}</time>
);

interface ScheduleDetail {
  schedule: ScheduleView;
  shifts: ShiftView[];
  overrides: OverrideView[];
  staff: PersonView[];
}

/** Where a final shift comes from, in the team's words. */
function sourceText(shift: ShiftView, schedule: ScheduleView): string {
  if (!shift.source) return "Gap";
  if (shift.source.kind === "override") return "Cover";
  const { layerId } = shift.source;
  return `Layer ${schedule.layers.findIndex((layer) => layer.id === layerId) + 1}`;
}

function ShiftList({ schedule, shifts }: { schedule: ScheduleView; shifts: ShiftView[] }) {
  const zone = schedule.timeZone;
  return (
    <ol className="oncall-shifts" aria-label="Shifts in the next 4 weeks">
      {shifts.map((shift) => (
        <li key={shift.start} className={shift.person ? undefined : "oncall-gap"}>
          <span className="oncall-span">
            <Instant iso={shift.start} timeZone={zone} /> – <Instant iso={shift.end} timeZone={zone} />
          </span>
          <span className="oncall-person">{shift.person?.name ?? "Nobody on call"}</span>
          <span className="oncall-source">{sourceText(shift, schedule)}</span>
        </li>
      ))}
    </ol>
  );
}

function Layers({ schedule, staff }: { schedule: ScheduleView; staff: PersonView[] }) {
  const names = new Map(staff.map((person) => [person.id, person.name]));
  return (
    <ol className="config-list">
      {schedule.layers.map((layer, index) => (
        <li key={layer.id}>
          <strong>Layer {index + 1}</strong>
          {index === schedule.layers.length - 1 && schedule.layers.length > 1 && " (on top)"}:{" "}
          {layer.participants.map((id) => names.get(id) ?? "a former staff member").join(" → ")}
          <span className="summary">{layerSummary(layer)}</span>
        </li>
      ))}
    </ol>
  );
}

function Overrides({
  schedule,
  overrides,
  onChanged,
}: {
  schedule: ScheduleView;
  overrides: OverrideView[];
  onChanged(): void;
}) {
  const removal = useSubmission([]);
  const now = Date.now();
  const current = overrides.filter((override) => Date.parse(override.end) > now);
  if (current.length === 0) return <p className="muted">No cover arranged.</p>;
  const zone = schedule.timeZone;
  return (
    <>
      <ul className="config-list">
        {current.map((override) => {
          const who = override.person?.name ?? "A former staff member";
          const label = `${who} from ${atInZone(override.start, zone)}`;
          return (
            <li key={override.id}>
              {who} covers
              {override.coversPerson ? ` for ${override.coversPerson.name}` : ""} from{" "}
              <Instant iso={override.start} timeZone={zone} /> to{" "}
              <Instant iso={override.end} timeZone={zone} />
              {override.swapId && <span className="summary">Half of a swap: removing it removes both.</span>}
              <div className="row-actions">
                <button
                  type="button"
                  disabled={removal.busy}
                  onClick={() =>
                    removal.run(async () => {
                      await api("DELETE", `/oncall/schedules/${schedule.id}/overrides/${override.id}`);
                      onChanged();
                    })
                  }
                >
                  Remove<span className="visually-hidden"> the cover by {label}</span>
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <FormProblems problems={removal.problems} />
    </>
  );
}

/** `/oncall/schedules/:id`: the next 4 weeks of shifts, the layers, cover and swaps, calendar feeds. */
export function SchedulePage() {
  const { id = "" } = useParams();
  const me = useMe();
  const loaded = useLoaded(async (): Promise<ScheduleDetail> => {
    const base = `/oncall/schedules/${id}`;
    const from = Date.now();
    const [schedule, { shifts }, { overrides }, staff] = await Promise.all([
      api<ScheduleView>("GET", base),
      api<{ shifts: ShiftView[] }>("GET", `${base}/shifts?${range(from, from + 4 * WEEK)}`),
      api<{ overrides: OverrideView[] }>("GET", `${base}/overrides`),
      activeStaff(),
    ]);
    return { schedule, shifts, overrides, staff };
  }, [id]);
  const detail = loaded.value;
  if (!detail) return <LoadState error={loaded.error} what="The schedule" />;
  const { schedule } = detail;
  return (
    <>
      <p className="crumbs">
        <Link to="/oncall">On call</Link>
      </p>
      <div className="oncall-head">
        <h1>{schedule.name}</h1>
        {me.role === "admin" && <Link to={`/oncall/schedules/${schedule.id}/edit`}>Edit schedule</Link>}
      </div>
      <p className="muted">Times in {schedule.timeZone}.</p>
      <section aria-labelledby="shifts-title">
        <h2 id="shifts-title">Shifts, next 4 weeks</h2>
        <ShiftList schedule={schedule} shifts={detail.shifts} />
      </section>
      <section aria-labelledby="layers-title">
        <h2 id="layers-title">Layers</h2>
        <Layers schedule={schedule} staff={detail.staff} />
      </section>
      <section aria-labelledby="cover-title">
        <h2 id="cover-title">Cover and swaps</h2>
        <Overrides schedule={schedule} overrides={detail.overrides} onChanged={loaded.reload} />
        <div className="oncall-forms">
          <CoverShiftForm schedule={schedule} staff={detail.staff} onSaved={loaded.reload} />
          <SwapShiftsForm schedule={schedule} onSaved={loaded.reload} />
        </div>
      </section>
      <HandoffSection schedule={schedule} />
      <SubscribeSection schedule={schedule} />
    </>
  );
}
