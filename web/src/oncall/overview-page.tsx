import { Link } from "react-router";
import { LoadState, useLoaded } from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { DebriefsWaiting } from "./debriefs-waiting.js";
import { MyFeedsSection } from "./my-feeds-section.js";
import { type OnCallView, range, type ScheduleView, type ShiftView, WEEK } from "./oncall-data.js";
import { atInZone } from "./schedule-draft.js";

interface ScheduleNow {
  schedule: ScheduleView;
  onCall: OnCallView;
  /** The first shift after the current one: who takes over at the handoff. */
  next: ShiftView | null;
  gaps: ShiftView[];
}

async function scheduleNow(schedule: ScheduleView): Promise<ScheduleNow> {
  const base = `/oncall/schedules/${schedule.id}`;
  const [onCall, { gaps }] = await Promise.all([
    api<OnCallView>("GET", `${base}/on-call`),
    api<{ gaps: ShiftView[] }>("GET", `${base}/gaps`),
  ]);
  let next: ShiftView | null = null;
  if (onCall.until) {
    const handoff = Date.parse(onCall.until);
    const { shifts } = await api<{ shifts: ShiftView[] }>(
      "GET",
      `${base}/shifts?${range(handoff, handoff + WEEK)}`,
    );
    next = shifts[0] ?? null;
  }
  return { schedule, onCall, next, gaps };
}

const Instant = ({ iso, timeZone }: { iso: string; timeZone: string }) => (
  <time dateTime={iso}>{atInZone(iso, timeZone)}</time>
);

function GapWarning({ gaps, timeZone }: { gaps: ShiftView[]; timeZone: string }) {
  if (gaps.length === 0) return <p className="muted">Covered for the next 8 weeks.</p>;
  const [first] = gaps;
  return (
    <p className="oncall-gap">
      <strong>{gaps.length === 1 ? "1 gap" : `${gaps.length} gaps`} in the next 8 weeks:</strong> nobody from{" "}
      {first && <Instant iso={first.start} timeZone={timeZone} />} to{" "}
      {first && <Instant iso={first.end} timeZone={timeZone} />}
      {gaps.length > 1 && ", and later"}.
    </p>
  );
}

function ScheduleCard({ now }: { now: ScheduleNow }) {
  const { schedule, onCall, next, gaps } = now;
  const zone = schedule.timeZone;
  return (
    <li className="oncall-card">
      <h2 className="oncall-card-title">
        <Link to={`/oncall/schedules/${schedule.id}`}>{schedule.name}</Link>
      </h2>
      {onCall.person ? (
        <p className="oncall-now">
          <span className="oncall-person">{onCall.person.name}</span> is on call
          {onCall.until ? (
            <>
              {" "}
              until <Instant iso={onCall.until} timeZone={zone} />
            </>
          ) : null}
          {onCall.source?.kind === "override" && " (covering)"}.
        </p>
      ) : (
        <p className="oncall-now oncall-gap">
          <strong>Nobody is on call now</strong>
          {onCall.until && (
            <>
              {" "}
              until <Instant iso={onCall.until} timeZone={zone} />
            </>
          )}
          .
        </p>
      )}
      {next && (
        <p>
          Next: {next.person ? next.person.name : "nobody"} from <Instant iso={next.start} timeZone={zone} />.
        </p>
      )}
      <GapWarning gaps={gaps} timeZone={zone} />
      <p className="muted">Times in {zone}.</p>
    </li>
  );
}

/** `/oncall`: every schedule with who is on call now, the next handoff and any gap ahead. */
export function OnCallOverviewPage() {
  const me = useMe();
  const loaded = useLoaded(async () => {
    const { schedules } = await api<{ schedules: ScheduleView[] }>("GET", "/oncall/schedules");
    return Promise.all(schedules.map(scheduleNow));
  });
  return (
    <>
      <div className="oncall-head">
        <h1>On call</h1>
        <span className="row-actions">
          <Link to="/oncall/pages">Pages</Link>
          <Link to="/oncall/policies">Escalation policies</Link>
          <Link to="/oncall/debriefs">Debriefs</Link>
          {me.role === "admin" && <Link to="/oncall/schedules/new">New schedule</Link>}
        </span>
      </div>
      <DebriefsWaiting />
      {loaded.value === null && <LoadState error={loaded.error} what="Schedules" />}
      {loaded.value?.length === 0 && (
        <section className="empty">
          <p>No on-call schedules yet.</p>
          <p>
            {me.role === "admin" ? (
              <>
                <Link to="/oncall/schedules/new">Create a schedule</Link>: who takes turns, how often they
                hand off, and in which time zone.
              </>
            ) : (
              "An admin sets them up: ask one to create a schedule for your team."
            )}
          </p>
        </section>
      )}
      {loaded.value && loaded.value.length > 0 && (
        <ul className="oncall-cards">
          {loaded.value.map((now) => (
            <ScheduleCard key={now.schedule.id} now={now} />
          ))}
        </ul>
      )}
      {loaded.value && loaded.value.length > 0 && <MyFeedsSection />}
    </>
  );
}
