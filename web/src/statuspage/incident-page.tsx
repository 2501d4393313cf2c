import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import {
  AdminForm,
  CheckboxGroup,
  FormProblems,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useFocusOnOpen,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { ApiError, api } from "../api.js";
import {
  blankComposerDraft,
  type ComposerDraft,
  composerFields,
  composerRequest,
  conflictProblem,
  detailsBodyOfDraft,
  detailsFields,
  draftOfIncidentDetails,
  type IncidentDetailView,
  impactNames,
  incidentKindNames,
  incidentStateNames,
  openedByText,
  timelineDays,
} from "./incident-drafts.js";
import { IncidentBadges, loadComponents } from "./incidents-page.js";
import type { StatusComponent } from "./status-figures.js";

/** Runs a versioned save; a 409 reloads the incident and is said in words (`conflictProblem`). */
async function versioned(save: () => Promise<unknown>, reload: () => void, what = "incident"): Promise<void> {
  try {
    await save();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      reload();
      throw new ApiError(conflictProblem(error.problem, what));
    }
    throw error;
  }
}

const localDay = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "full" });
const localTime = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { timeStyle: "short" });

function Timeline({ incident, onResolve }: { incident: IncidentDetailView; onResolve(): void }) {
  const days = timelineDays(incident.log, incident.state, localDay);
  return (
    <section aria-labelledby="incident-log-title">
      <h2 id="incident-log-title">Log</h2>
      {days.map((day) => (
        <div key={day.day}>
          <h3 className="timeline-day">{day.day}</h3>
          <ol className="incident-timeline">
            {day.entries.map((entry) => (
              <li key={entry.id} className={`log-${entry.visibility} log-${entry.kind}`}>
                <p className="log-head">
                  <strong>{entry.label}</strong> <time dateTime={entry.at}>{localTime(entry.at)}</time>
                  {entry.author && <span className="muted"> by {entry.author.name}</span>}
                  {!entry.author && <span className="muted"> by Tend</span>}
                </p>
                <p className="log-body">{entry.body}</p>
                {entry.resolvable && (
                  <button type="button" onClick={onResolve}>
                    Resolve
                  </button>
                )}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}

function Composer({
  incident,
  initial,
  onPosted,
}: {
  incident: IncidentDetailView;
  initial: ComposerDraft;
  onPosted(): void;
}) {
  const { draft, bind, setDraft } = useDraft(initial);
  const submission = useSubmission(composerFields);
  const isPublic = draft.visibility === "public";
  return (
    <AdminForm
      submission={submission}
      title="Add to the log"
      heading="h2"
      submitLabel={isPublic ? "Post public update" : "Add internal note"}
      onSubmit={submission.submit(() =>
        versioned(async () => {
          const request = composerRequest(draft, incident);
          await api("POST", request.path, request.body);
          setDraft(blankComposerDraft());
          onPosted();
        }, onPosted),
      )}
    >
      <fieldset className="checkboxes">
        <legend>What it is</legend>
        <label className="check">
          <input
            type="radio"
            name="visibility"
            checked={isPublic}
            onChange={() => setDraft((d) => ({ ...d, visibility: "public" }))}
          />{" "}
          Public update
          {incident.published ? " (on the public page, sent to subscribers)" : " (public once published)"}
        </label>
        <label className="check">
          <input
            type="radio"
            name="visibility"
            checked={!isPublic}
            onChange={() => setDraft((d) => ({ ...d, visibility: "internal" }))}
          />{" "}
          Internal note (staff only, never announced)
        </label>
      </fieldset>
      {isPublic && (
        <>
          <SelectField
            label="New state"
            names={{ same: `Keep ${incidentStateNames[incident.state]}`, ...incidentStateNames }}
            {...bind("state")}
          />
          <SelectField
            label="New impact"
            names={{ same: `Keep ${impactNames[incident.impact]}`, ...impactNames }}
            {...bind("impact")}
          />
        </>
      )}
      <TextField
        label={isPublic ? "Update" : "Note"}
        rows={3}
        required
        maxLength={20_000}
        {...bind("body")}
      />
    </AdminForm>
  );
}

function DetailsForm({
  incident,
  components,
  onSaved,
  onConflict,
}: {
  incident: IncidentDetailView;
  components: StatusComponent[];
  onSaved(): void;
  onConflict(): void;
}) {
  const { draft, bind } = useDraft(() => draftOfIncidentDetails(incident));
  const submission = useSubmission(detailsFields);
  useFocusOnOpen(submission.formRef);
  return (
    <AdminForm
      submission={submission}
      title="Edit details"
      heading="h2"
      submitLabel="Save details"
      onSubmit={submission.submit(() =>
        versioned(async () => {
          await api("PATCH", `/status/incidents/${incident.id}`, detailsBodyOfDraft(draft, incident));
          onSaved();
        }, onConflict),
      )}
    >
      <TextField label="Title" required maxLength={200} {...bind("title")} />
      <SelectField label="Impact" names={impactNames} {...bind("impact")} />
      <CheckboxGroup legend="Affected components" names={namesById(components)} {...bind("componentIds")} />
    </AdminForm>
  );
}

function PublishSection({ incident, onPublished }: { incident: IncidentDetailView; onPublished(): void }) {
  const [asking, setAsking] = useState(false);
  const { draft, bind } = useDraft({ body: "" });
  const submission = useSubmission(["body"]);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Publish
      </button>
    );
  return (
    <AdminForm
      submission={submission}
      title="Publish this incident"
      heading="h2"
      submitLabel="Yes, publish it"
      onSubmit={submission.submit(() =>
        versioned(async () => {
          await api("POST", `/status/incidents/${incident.id}/publish`, {
            version: incident.version,
            body: draft.body.trim(),
          });
          onPublished();
        }, onPublished),
      )}
    >
      <p role="alert">
        Publishing shows this incident and this statement on the public page and tells subscribers. It cannot
        be undone; internal notes stay internal.
      </p>
      <TextField label="First public statement" rows={3} required maxLength={20_000} {...bind("body")} />
      <button type="button" className="link" onClick={() => setAsking(false)}>
        Keep it private
      </button>
    </AdminForm>
  );
}

function ChecklistSection({ incident, onChanged }: { incident: IncidentDetailView; onChanged(): void }) {
  const ticking = useSubmission([]);
  // A tick shows at once; the step's done-by and time come with the incident reread, which clears it.
  const [ticked, setTicked] = useState<Record<number, boolean>>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: a reread incident is a new object, which is the signal
  useEffect(() => setTicked({}), [incident]);
  if (!incident.checklist) return null;
  return (
    <section aria-labelledby="checklist-title">
      <h2 id="checklist-title">Security checklist</h2>
      <ul className="incident-checklist">
        {incident.checklist.map((step) => (
          <li key={step.position} className={step.overdue ? "overdue" : undefined}>
            <label className="check">
              <input
                type="checkbox"
                checked={ticked[step.position] ?? step.done}
                disabled={ticking.busy}
                onChange={(event) => {
                  const done = event.currentTarget.checked;
                  setTicked((current) => ({ ...current, [step.position]: done }));
                  ticking.run(async () => {
                    try {
                      await api("PUT", `/status/incidents/${incident.id}/checklist`, {
                        position: step.position,
                        done,
                      });
                    } catch (error) {
                      setTicked({});
                      throw error;
                    }
                    onChanged();
                  });
                }}
              />{" "}
              {step.title}
            </label>
            <span className="muted">
              {step.dueAt && ` — due ${new Date(step.dueAt).toLocaleString()}`}
              {step.done &&
                ` — done${step.doneBy ? ` by ${step.doneBy.name}` : ""}${step.doneAt ? ` ${new Date(step.doneAt).toLocaleString()}` : ""}${step.doneLate ? " (late)" : ""}`}
            </span>
            {step.overdue && <strong className="overdue-flag"> Overdue</strong>}
          </li>
        ))}
      </ul>
      <FormProblems problems={ticking.problems} />
    </section>
  );
}

/** `/statuspage/incidents/:id`: one incident, its log, the composer, its details, checklist and publishing. */
export function IncidentPage() {
  const { id = "" } = useParams();
  const loaded = useLoaded(
    () => Promise.all([api<IncidentDetailView>("GET", `/status/incidents/${id}`), loadComponents()]),
    [id],
  );
  const [editing, setEditing] = useState(false);
  const [composerSeed, setComposerSeed] = useState<{ key: number; draft: ComposerDraft }>({
    key: 0,
    draft: blankComposerDraft(),
  });
  if (!loaded.value) return <LoadState error={loaded.error} what="Incident" />;
  const [incident, components] = loaded.value;
  const componentNames = new Map(components.map((c) => [c.id, c.name]));
  // "Resolve" from a recovery suggestion: the composer, set to a public update moving to resolved.
  const resolve = () => {
    setComposerSeed((seed) => ({
      key: seed.key + 1,
      draft: { visibility: "public", state: "resolved", impact: "same", body: "" },
    }));
    setTimeout(() => document.getElementById("incident-composer")?.querySelector("textarea")?.focus(), 0);
  };

  return (
    <>
      <p>
        <Link to="/statuspage/incidents">All incidents</Link>
      </p>
      <div className="statuspage-head">
        <h1>{incident.title}</h1>
        {incident.published && <a href={`/status/incidents/${incident.id}`}>Open the public incident page</a>}
      </div>
      <dl className="status-facts">
        <div>
          <dt>State</dt>
          <dd>
            <IncidentBadges incident={incident} />
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{incidentKindNames[incident.kind]}</dd>
        </div>
        <div>
          <dt>Impact</dt>
          <dd>{impactNames[incident.impact]}</dd>
        </div>
        <div>
          <dt>Components</dt>
          <dd>{incident.componentIds.map((c) => componentNames.get(c) ?? c).join(", ") || "None"}</dd>
        </div>
        <div>
          <dt>Opened by</dt>
          <dd>{openedByText(incident)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{new Date(incident.startedAt).toLocaleString()}</dd>
        </div>
        {incident.resolvedAt && (
          <div>
            <dt>Resolved</dt>
            <dd>{new Date(incident.resolvedAt).toLocaleString()}</dd>
          </div>
        )}
      </dl>
      {!incident.published && (
        <div className="incident-private-note">
          <p>Private: nothing of this incident is on the public page.</p>
          <PublishSection incident={incident} onPublished={loaded.reload} />
        </div>
      )}
      <p>
        <Link to={`/statuspage/incidents/${incident.id}/retrospective`}>Retrospective</Link>
      </p>
      <Timeline incident={incident} onResolve={resolve} />
      <div id="incident-composer">
        <Composer
          key={composerSeed.key}
          incident={incident}
          initial={composerSeed.draft}
          onPosted={loaded.reload}
        />
      </div>
      <ChecklistSection incident={incident} onChanged={loaded.reload} />
      <section aria-label="Details">
        {editing ? (
          <>
            <DetailsForm
              incident={incident}
              components={components}
              onSaved={() => {
                setEditing(false);
                loaded.reload();
              }}
              onConflict={loaded.reload}
            />
            <button type="button" className="link" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            Edit details
          </button>
        )}
      </section>
    </>
  );
}
