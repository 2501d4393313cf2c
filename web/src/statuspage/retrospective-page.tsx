import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  AdminForm,
  AdminTable,
  FormProblems,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { ApiError, api } from "../api.js";
import { useStaffDirectory } from "../staff-directory.js";
import {
  blankFollowUpDraft,
  conflictProblem,
  draftOfRetrospective,
  type FollowUpView,
  followUpBodyOfDraft,
  followUpFields,
  followUpStatusText,
  type IncidentDetailView,
  type RetrospectiveDraft,
  type RetrospectiveView,
  retrospectiveBodyOfDraft,
  retrospectiveFields,
} from "./incident-drafts.js";
import { isoOfLocalInput, localInputOfIso } from "./maintenance-drafts.js";

function RetrospectiveForm({
  retrospective,
  onSaved,
}: {
  retrospective: RetrospectiveView;
  onSaved(conflict: boolean): void;
}) {
  const { draft, bind, setDraft } = useDraft<RetrospectiveDraft>(() => draftOfRetrospective(retrospective));
  const submission = useSubmission(retrospectiveFields);
  const changeEntry = (index: number, patch: Partial<RetrospectiveDraft["timeline"][number]>) =>
    setDraft((current) => ({
      ...current,
      timeline: current.timeline.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)),
    }));
  return (
    <AdminForm
      submission={submission}
      title={retrospective.saved ? "Retrospective" : "Retrospective (draft from the log, not saved yet)"}
      heading="h2"
      submitLabel="Save retrospective"
      onSubmit={submission.submit(async () => {
        try {
          await api(
            "PUT",
            `/status/incidents/${retrospective.incidentId}/retrospective`,
            retrospectiveBodyOfDraft(draft, retrospective.version),
          );
          onSaved(false);
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) {
            onSaved(true);
            throw new ApiError(conflictProblem(error.problem, "retrospective"));
          }
          throw error;
        }
      })}
    >
      <TextField label="Summary" rows={4} maxLength={50_000} {...bind("summary")} />
      <fieldset className="retrospective-timeline">
        <legend>Timeline</legend>
        <p className="hint">Times in your browser's zone. Entries left blank are dropped when saved.</p>
        <ol>
          {draft.timeline.map((entry, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id; their place names them
            <li key={index} className={`log-${entry.visibility}`}>
              <label>
                When{" "}
                <input
                  type="datetime-local"
                  value={localInputOfIso(entry.at)}
                  onChange={(e) => changeEntry(index, { at: isoOfLocalInput(e.target.value) })}
                />
              </label>{" "}
              <label>
                Visibility{" "}
                <select
                  value={entry.visibility}
                  onChange={(e) =>
                    changeEntry(index, { visibility: e.target.value as "public" | "internal" })
                  }
                >
                  <option value="public">Public</option>
                  <option value="internal">Internal</option>
                </select>
              </label>
              <label className="timeline-entry-body">
                What happened <span className="visually-hidden">(entry {index + 1})</span>
                <textarea
                  rows={2}
                  value={entry.body}
                  onChange={(e) => changeEntry(index, { body: e.target.value })}
                />
              </label>
              <button
                type="button"
                onClick={() =>
                  setDraft((current) => ({
                    ...current,
                    timeline: current.timeline.filter((_, i) => i !== index),
                  }))
                }
              >
                Remove<span className="visually-hidden"> entry {index + 1}</span>
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          onClick={() =>
            setDraft((current) => ({
              ...current,
              timeline: [
                ...current.timeline,
                {
                  at: current.timeline.at(-1)?.at ?? new Date().toISOString(),
                  body: "",
                  visibility: "internal",
                },
              ],
            }))
          }
        >
          Add a timeline entry
        </button>
      </fieldset>
      <TextField label="Contributing factors" rows={4} maxLength={50_000} {...bind("contributingFactors")} />
      <TextField label="Lessons learned" rows={4} maxLength={50_000} {...bind("lessonsLearned")} />
    </AdminForm>
  );
}

function FollowUpForm({ incidentId, onAdded }: { incidentId: string; onAdded(): void }) {
  const staff = useStaffDirectory();
  const { draft, bind, setDraft } = useDraft(() => blankFollowUpDraft());
  const submission = useSubmission(followUpFields);
  const owners = { "": "Choose someone", ...namesById(staff.staff) };
  return (
    <AdminForm
      submission={submission}
      title="New follow-up"
      heading="h3"
      submitLabel="Add follow-up"
      onSubmit={submission.submit(async () => {
        await api("POST", `/status/incidents/${incidentId}/follow-ups`, followUpBodyOfDraft(draft));
        setDraft(blankFollowUpDraft());
        onAdded();
      })}
    >
      <TextField label="What to do" required maxLength={200} {...bind("title")} />
      <SelectField label="Owner" names={owners} {...bind("ownerId")} />
      {staff.error && <p className="error">Staff could not load: {staff.error}</p>}
      <TextField label="Due day" type="date" {...bind("dueOn")} />
      <TextField
        label="Ticket number or URL"
        hint="A ticket number such as #1234, or an http(s) link to where the work is tracked."
        maxLength={2000}
        {...bind("reference", "url")}
      />
    </AdminForm>
  );
}

function FollowUps({
  incidentId,
  followUps,
  onChanged,
}: {
  incidentId: string;
  followUps: FollowUpView[];
  onChanged(): void;
}) {
  const action = useSubmission([]);
  const path = (followUp: FollowUpView) => `/status/incidents/${incidentId}/follow-ups/${followUp.id}`;
  return (
    <section aria-labelledby="follow-ups-title">
      <h2 id="follow-ups-title">Follow-ups</h2>
      {followUps.length === 0 ? (
        <p className="empty">No follow-ups yet.</p>
      ) : (
        <AdminTable
          columns={[
            "Follow-up",
            "Owner",
            "Status",
            "Tracked in",
            <span key="a" className="visually-hidden">
              Actions
            </span>,
          ]}
        >
          {followUps.map((followUp) => (
            <tr key={followUp.id} className={followUp.overdue ? "overdue" : undefined}>
              <th scope="row">{followUp.title}</th>
              <td>{followUp.owner.name}</td>
              <td>{followUpStatusText(followUp)}</td>
              <td>
                {followUp.ticketNumber !== null && (
                  <Link to={`/tickets/${followUp.ticketNumber}`}>#{followUp.ticketNumber}</Link>
                )}
                {followUp.url && (
                  <a href={followUp.url} rel="noreferrer noopener">
                    {followUp.url}
                  </a>
                )}
              </td>
              <td>
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api("PATCH", path(followUp), { done: !followUp.done });
                      onChanged();
                    })
                  }
                >
                  {followUp.done ? "Mark not done" : "Mark done"}
                  <span className="visually-hidden"> {followUp.title}</span>
                </button>{" "}
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api("DELETE", path(followUp));
                      onChanged();
                    })
                  }
                >
                  Delete<span className="visually-hidden"> {followUp.title}</span>
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <FormProblems problems={action.problems} />
      <FollowUpForm incidentId={incidentId} onAdded={onChanged} />
    </section>
  );
}

/** `/statuspage/incidents/:id/retrospective`: what happened, why, what we learned, and what we will do. */
export function RetrospectivePage() {
  const { id = "" } = useParams();
  const loaded = useLoaded(
    () =>
      Promise.all([
        api<IncidentDetailView>("GET", `/status/incidents/${id}`),
        api<RetrospectiveView>("GET", `/status/incidents/${id}/retrospective`),
      ]),
    [id],
  );
  // The form starts from what was read; after a save or a conflict it starts again from the reloaded one.
  const [formKey, setFormKey] = useState(0);
  const [notice, setNotice] = useState<"saved" | "conflict" | null>(null);
  if (!loaded.value) return <LoadState error={loaded.error} what="Retrospective" />;
  const [incident, retrospective] = loaded.value;
  return (
    <>
      <p>
        <Link to={`/statuspage/incidents/${incident.id}`}>Back to {incident.title}</Link>
      </p>
      <h1>Retrospective: {incident.title}</h1>
      {retrospective.updatedAt && (
        <p className="muted">
          Last saved {new Date(retrospective.updatedAt).toLocaleString()}
          {retrospective.updatedBy && ` by ${retrospective.updatedBy.name}`}.
        </p>
      )}
      {notice === "saved" && (
        <p role="status" className="saved">
          Retrospective saved.
        </p>
      )}
      {notice === "conflict" && (
        <p role="alert" className="error">
          Someone saved this retrospective while you were editing: it now shows their version. Make your
          change again, then save.
        </p>
      )}
      <RetrospectiveForm
        key={`${formKey}-${retrospective.version}`}
        retrospective={retrospective}
        onSaved={(conflict) => {
          setNotice(conflict ? "conflict" : "saved");
          setFormKey((n) => n + 1);
          loaded.reload();
        }}
      />
      <FollowUps incidentId={incident.id} followUps={retrospective.followUps} onChanged={loaded.reload} />
    </>
  );
}
