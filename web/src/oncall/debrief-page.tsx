import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { FormProblems, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { ApiError, api, type SlaClock, type TicketView } from "../api.js";
import { useMe } from "../session.js";
import { SlaBadge } from "../sla-badge.js";
import { metricNames, SeverityLabel, StatusLabel } from "../ticket-labels.js";
import {
  acknowledgementEffect,
  type DebriefClockSnapshot,
  type DebriefItemView,
  type DebriefView,
  debriefStatusNames,
  type NotesDraft,
  notesChanges,
  notesDraftOf,
  outcomeNames,
} from "./debrief-data.js";
import type { ScheduleView } from "./oncall-data.js";
import { atInZone } from "./schedule-draft.js";
import "./debrief.css";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const nameOf = (person: { name: string | null } | null) => person?.name ?? "a former staff member";

const clockStateNames: Record<string, string> = {
  running: "Running",
  paused: "Paused",
  breached: "Breached",
};

/**
 * A clock as it stood when the debrief was prepared, counting down live from its due time, under
 * its policy's name as the ticket's SLA panel shows it: several policies may each run a first
 * response. Debriefs prepared before the name was recorded show the metric alone.
 */
function ClockLine({ clock }: { clock: DebriefClockSnapshot }) {
  const metric = metricNames[clock.metric as SlaClock["metric"]] ?? clock.metric;
  const label = clock.policyName ? `${metric} · ${clock.policyName}` : metric;
  return (
    <li data-metric={clock.metric}>
      <strong>{metric}</strong>
      {clock.policyName ? <span className="clock-policy"> · {clock.policyName}</span> : null}{" "}
      <span className="muted">{clockStateNames[clock.state] ?? clock.state}</span>{" "}
      {clock.state === "paused" ? null : <SlaBadge dueAt={clock.dueAt} label={label} />}
    </li>
  );
}

/** The most urgent promise first; a paused clock (no due time) last. */
const soonestFirst = (clocks: DebriefClockSnapshot[]) =>
  [...clocks].sort(
    (a, b) => (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity),
  );

function UpdateLine({
  update,
  zone,
}: {
  update: DebriefItemView["ticket"]["lastPublicUpdate"];
  zone: string;
}) {
  if (!update) return <span className="muted">None</span>;
  return (
    <>
      <q>{update.excerpt}</q>{" "}
      <span className="muted">
        {update.author}, <time dateTime={update.at}>{atInZone(update.at, zone)}</time>
      </span>
    </>
  );
}

function MatterRow({
  item,
  zone,
  editable,
  notes,
  onNotes,
}: {
  item: DebriefItemView;
  zone: string;
  editable: boolean;
  notes: string;
  onNotes(notes: string): void;
}) {
  const { ticket } = item;
  const notesId = `notes-${item.ticketId}`;
  return (
    <li className="debrief-matter">
      <h3>
        <Link to={`/tickets/${ticket.number}`}>
          #{ticket.number} {ticket.subject}
        </Link>
      </h3>
      <p className="debrief-matter-facts">
        <StatusLabel status={ticket.status as TicketView["status"]} />{" "}
        <SeverityLabel severity={ticket.severity as TicketView["severity"]} />
        {item.outcome && (
          <span className={`debrief-outcome outcome-${item.outcome}`}>{outcomeNames[item.outcome]}</span>
        )}
      </p>
      {ticket.slaClocks.length > 0 ? (
        <ul className="debrief-clocks" aria-label={`SLA clocks of #${ticket.number}`}>
          {soonestFirst(ticket.slaClocks).map((clock, index) => (
            // Two policies may each owe the same metric: the place in the list tells them apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: a frozen snapshot never reorders
            <ClockLine key={`${clock.metric}-${index}`} clock={clock} />
          ))}
        </ul>
      ) : (
        <p className="muted">No SLA clock owed.</p>
      )}
      <dl className="debrief-updates">
        <dt>Last public update</dt>
        <dd>
          <UpdateLine update={ticket.lastPublicUpdate} zone={zone} />
        </dd>
        <dt>Last internal update</dt>
        <dd>
          <UpdateLine update={ticket.lastInternalUpdate} zone={zone} />
        </dd>
      </dl>
      {editable ? (
        <div className="field">
          <label htmlFor={notesId}>Notes on #{ticket.number}</label>
          <textarea id={notesId} rows={3} value={notes} onChange={(e) => onNotes(e.target.value)} />
        </div>
      ) : (
        <div className="debrief-notes">
          <strong>Notes</strong>
          <p>{item.notes || <span className="muted">None written.</span>}</p>
        </div>
      )}
    </li>
  );
}

/** Who did each step of the handoff, and when. */
function Steps({ debrief, zone }: { debrief: DebriefView; zone: string }) {
  const at = (iso: string) => <time dateTime={iso}>{atInZone(iso, zone)}</time>;
  return (
    <ol className="debrief-steps" aria-label="Handoff steps">
      <li>
        Prepared {at(debrief.createdAt)} for the handoff {at(debrief.handoffAt)}.
      </li>
      <li>
        {debrief.completedAt ? (
          <>
            {nameOf(debrief.outgoing)}'s debrief completed {at(debrief.completedAt)}.
          </>
        ) : (
          <>Waiting for {nameOf(debrief.outgoing)} to complete it.</>
        )}
      </li>
      <li>
        {debrief.acknowledgedAt ? (
          <>
            Acknowledged by {nameOf(debrief.acknowledgedBy)} {at(debrief.acknowledgedAt)}.
          </>
        ) : (
          <>Waiting for {nameOf(debrief.incoming)} to acknowledge it.</>
        )}
      </li>
      {debrief.leadNotifiedAt && (
        <li>The support lead was told it was not acknowledged in time, {at(debrief.leadNotifiedAt)}.</li>
      )}
    </ol>
  );
}

type SaveState = "saved" | "unsaved" | "saving";
const saveStateText: Record<SaveState, string> = {
  saved: "All notes saved.",
  unsaved: "Unsaved changes.",
  saving: "Saving…",
};

function DebriefBody({ initial, schedule }: { initial: DebriefView; schedule: ScheduleView | null }) {
  const me = useMe();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<NotesDraft>(() => notesDraftOf(initial));
  const [saving, setSaving] = useState(false);
  const submission = useSubmission(["overallNotes", "reassignMode"]);
  const zone = schedule?.timeZone ?? browserZone();
  const isAdmin = me.role === "admin";
  const mayWrite = saved.status !== "acknowledged" && (saved.outgoing.id === me.id || isAdmin);
  const mayComplete = saved.status === "prepared" && (saved.outgoing.id === me.id || isAdmin);
  const mayAcknowledge = saved.status !== "acknowledged" && (saved.incoming.id === me.id || isAdmin);
  const changes = notesChanges(saved, draft);
  const saveState: SaveState = saving ? "saving" : changes ? "unsaved" : "saved";

  /** Saves the draft; on a conflict keeps it over the newer version, so saving again writes it. */
  const saveNotes = async (): Promise<DebriefView> => {
    if (!changes) return saved;
    setSaving(true);
    try {
      const next = await api<DebriefView>("PATCH", `/oncall/debriefs/${saved.id}`, changes);
      setSaved(next);
      return next;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409)
        setSaved(await api<DebriefView>("GET", `/oncall/debriefs/${saved.id}`));
      throw error;
    } finally {
      setSaving(false);
    }
  };
  const act = (step: "completion" | "acknowledgement") =>
    submission.run(async () => {
      if (step === "completion") await saveNotes();
      const next = await api<DebriefView>("POST", `/oncall/debriefs/${saved.id}/${step}`);
      setSaved(next);
      setDraft(notesDraftOf(next));
    });

  // Leaving with unsaved notes asks first: an afternoon's handoff notes are not retyped lightly.
  useEffect(() => {
    if (!changes) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [changes]);

  return (
    <>
      <div className="oncall-head">
        <h1>
          Handoff debrief: {nameOf(saved.outgoing)} → {nameOf(saved.incoming)}
        </h1>
        <span className="row-actions">
          <Link to="/oncall/debriefs">All debriefs</Link>
        </span>
      </div>
      <p>
        <span className={`debrief-status debrief-${saved.status}`}>{debriefStatusNames[saved.status]}</span>{" "}
        {schedule ? (
          <Link to={`/oncall/schedules/${schedule.id}`}>{schedule.name}</Link>
        ) : (
          "A deleted schedule"
        )}
        , handoff <time dateTime={saved.handoffAt}>{atInZone(saved.handoffAt, zone)}</time>.{" "}
        <span className="muted">Times in {zone}. SLA clocks count down from their due time as prepared.</span>
      </p>
      <Steps debrief={saved} zone={zone} />

      <form
        ref={submission.formRef}
        aria-label="Debrief notes"
        onSubmit={submission.submit(async () => {
          await saveNotes();
        })}
      >
        <section aria-labelledby="matters-title">
          <h2 id="matters-title">Open matters ({saved.items.length})</h2>
          {saved.items.length === 0 ? (
            <p className="muted">{nameOf(saved.outgoing)} owned no open ticket when this was prepared.</p>
          ) : (
            <ol className="debrief-matters">
              {saved.items.map((item) => (
                <MatterRow
                  key={item.ticketId}
                  item={item}
                  zone={zone}
                  editable={mayWrite}
                  notes={draft.itemNotes[item.ticketId] ?? ""}
                  onNotes={(notes) =>
                    setDraft((current) => ({
                      ...current,
                      itemNotes: { ...current.itemNotes, [item.ticketId]: notes },
                    }))
                  }
                />
              ))}
            </ol>
          )}
        </section>

        <section aria-labelledby="overall-title">
          <h2 id="overall-title">Overall</h2>
          {mayWrite ? (
            <>
              <div className="field">
                <label htmlFor="overall-notes">Overall notes</label>
                <textarea
                  id="overall-notes"
                  name="overallNotes"
                  rows={5}
                  value={draft.overallNotes}
                  onChange={(e) => setDraft((current) => ({ ...current, overallNotes: e.target.value }))}
                />
              </div>
              <div className="field">
                <label htmlFor="reassign-mode">On acknowledgement</label>
                <select
                  id="reassign-mode"
                  name="reassignMode"
                  value={draft.reassignMode}
                  onChange={(e) =>
                    setDraft((current) => ({
                      ...current,
                      reassignMode: e.target.value as NotesDraft["reassignMode"],
                    }))
                  }
                >
                  <option value="reassign">Reassign the tickets to {nameOf(saved.incoming)}</option>
                  <option value="follow">Keep them; {nameOf(saved.incoming)} follows them</option>
                </select>
              </div>
              <div className="row-actions">
                <button type="submit" disabled={saving || !changes}>
                  Save notes
                </button>
                <span role="status" className="muted">
                  {saveStateText[saveState]}
                </span>
              </div>
            </>
          ) : (
            <div className="debrief-notes">
              <p>{saved.overallNotes || <span className="muted">No overall notes.</span>}</p>
            </div>
          )}
        </section>
        <FormProblems problems={submission.problems} />
      </form>

      {(mayComplete || mayAcknowledge) && (
        <section aria-labelledby="handoff-title">
          <h2 id="handoff-title">Hand off</h2>
          {mayComplete && (
            <div className="debrief-step">
              <p>
                Completing tells {nameOf(saved.incoming)} the notes are ready to rely on
                {changes ? "; your unsaved notes are saved first" : ""}.
              </p>
              <button
                type="button"
                className="primary"
                disabled={submission.busy || saving}
                onClick={() => act("completion")}
              >
                Complete debrief
              </button>
            </div>
          )}
          {mayAcknowledge && (
            <div className="debrief-step">
              {saved.status === "prepared" && (
                <p className="oncall-gap">{nameOf(saved.outgoing)} has not completed the notes yet.</p>
              )}
              <p id="acknowledge-effect">{acknowledgementEffect(saved)}</p>
              <button
                type="button"
                className="primary"
                aria-describedby="acknowledge-effect"
                disabled={submission.busy || saving}
                onClick={() => act("acknowledgement")}
              >
                {saved.incoming.id === me.id ? "Acknowledge" : `Acknowledge for ${nameOf(saved.incoming)}`}
              </button>
            </div>
          )}
        </section>
      )}
    </>
  );
}

/** `/oncall/debriefs/:id`: one handoff's open matters, notes, completion and acknowledgement. */
export function DebriefPage() {
  const { id = "" } = useParams();
  const loaded = useLoaded(async () => {
    const debrief = await api<DebriefView>("GET", `/oncall/debriefs/${id}`);
    // A deleted schedule keeps its debriefs: they show in the reader's zone then.
    const schedule = await api<ScheduleView>("GET", `/oncall/schedules/${debrief.scheduleId}`).catch(
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      },
    );
    return { debrief, schedule };
  }, [id]);
  if (!loaded.value) return <LoadState error={loaded.error} what="Debrief" />;
  return (
    <DebriefBody
      key={loaded.value.debrief.id}
      initial={loaded.value.debrief}
      schedule={loaded.value.schedule}
    />
  );
}
