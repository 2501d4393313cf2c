import { Link, useNavigate } from "react-router";
import { FormProblems, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import type { DebriefView } from "./debrief-data.js";
import type { ScheduleView } from "./oncall-data.js";

/**
 * On a schedule's page: its debriefs, and preparing the next handoff's now. Tend prepares each
 * debrief a day before its handoff; an engineer leaving early starts theirs by hand.
 */
export function HandoffSection({ schedule }: { schedule: ScheduleView }) {
  const navigate = useNavigate();
  const submission = useSubmission([]);
  const prepare = () =>
    submission.run(async () => {
      const debrief = await api<DebriefView>("POST", `/oncall/schedules/${schedule.id}/debriefs`);
      navigate(`/oncall/debriefs/${debrief.id}`);
    });
  return (
    <section aria-labelledby="handoff-title">
      <h2 id="handoff-title">Handoff debriefs</h2>
      <p className="muted">
        Tend prepares the outgoing engineer's debrief a day before each handoff. Leaving early? Prepare it
        now.
      </p>
      <div className="row-actions">
        <button type="button" disabled={submission.busy} onClick={prepare}>
          Prepare the next handoff's debrief
        </button>
        <Link to={`/oncall/debriefs?scheduleId=${encodeURIComponent(schedule.id)}`}>
          Debriefs of this schedule
        </Link>
      </div>
      <FormProblems problems={submission.problems} />
    </section>
  );
}
