import { Link } from "react-router";
import { useLoaded } from "../admin/form-controls.js";
import { api, type Page } from "../api.js";
import { useMe } from "../session.js";
import { type DebriefView, debriefsAwaiting } from "./debrief-data.js";
import type { ScheduleView } from "./oncall-data.js";
import { atInZone } from "./schedule-draft.js";
import "./debrief.css";

/**
 * On the overview: the handoffs waiting for the signed-in person, to write up (outgoing) or to take
 * (incoming). Quiet when nothing waits, and when the list cannot load: the overview's own
 * content matters more than this reminder.
 */
export function DebriefsWaiting() {
  const me = useMe();
  const loaded = useLoaded(async () => {
    const [{ schedules }, ...pages] = await Promise.all([
      api<{ schedules: ScheduleView[] }>("GET", "/oncall/schedules"),
      ...(["prepared", "completed"] as const).map((status) =>
        api<Page<DebriefView>>("GET", `/oncall/debriefs?personId=${me.id}&status=${status}&limit=50`),
      ),
    ]);
    return {
      waiting: debriefsAwaiting(
        me.id,
        pages.flatMap((page) => page.items),
      ),
      schedules: new Map(schedules.map((schedule) => [schedule.id, schedule])),
    };
  }, [me.id]);
  const waiting = loaded.value?.waiting ?? [];
  if (waiting.length === 0) return null;
  const scheduleOf = (id: string) => loaded.value?.schedules.get(id);
  return (
    <section className="debrief-waiting" aria-labelledby="debriefs-waiting-title">
      <h2 id="debriefs-waiting-title">
        {waiting.length === 1
          ? "A handoff debrief is waiting for you"
          : `${waiting.length} handoff debriefs are waiting for you`}
      </h2>
      <ul>
        {waiting.map(({ debrief, duty }) => (
          <li key={debrief.id}>
            <Link to={`/oncall/debriefs/${debrief.id}`}>
              {duty === "complete"
                ? `Complete your debrief for ${debrief.incoming.name ?? "the incoming engineer"}`
                : `Acknowledge ${debrief.outgoing.name ?? "the outgoing engineer"}'s debrief`}
            </Link>{" "}
            <span className="muted">
              ({scheduleOf(debrief.scheduleId)?.name ?? "a deleted schedule"}, handoff{" "}
              <time dateTime={debrief.handoffAt}>
                {atInZone(
                  debrief.handoffAt,
                  scheduleOf(debrief.scheduleId)?.timeZone ??
                    Intl.DateTimeFormat().resolvedOptions().timeZone,
                )}
              </time>
              )
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
