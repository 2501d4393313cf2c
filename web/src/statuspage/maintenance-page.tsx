import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  FormProblems,
  FormProblemsContext,
  LoadState,
  namesById,
  TextField,
  useDraft,
  useFocusOnOpen,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { ApiError, api, type Page } from "../api.js";
import { useMe } from "../session.js";
import { conflictProblem } from "./incident-drafts.js";
import { loadComponents } from "./incidents-page.js";
import {
  blankMaintenanceDraft,
  browserTimeZone,
  draftOfMaintenance,
  draftOfPolicy,
  type MaintenancePolicyView,
  type MaintenanceView,
  maintenanceBodyOfDraft,
  maintenanceFields,
  maintenanceStateNames,
  overrideText,
  policyBodyOfDraft,
  policyFields,
  policyRefusal,
  policyText,
  weekdayNames,
} from "./maintenance-drafts.js";
import type { StatusComponent } from "./status-figures.js";

const loadPolicy = () => api<MaintenancePolicyView>("GET", "/status/maintenance-policy");

function PolicyForm({ policy, onSaved }: { policy: MaintenancePolicyView; onSaved(): void }) {
  const { draft, bind } = useDraft(() => draftOfPolicy(policy));
  const submission = useSubmission(policyFields);
  useFocusOnOpen(submission.formRef);
  return (
    <AdminForm
      submission={submission}
      title="Edit the maintenance policy"
      heading="h3"
      submitLabel="Save policy"
      onSubmit={submission.submit(async () => {
        await api("PUT", "/status/maintenance-policy", policyBodyOfDraft(draft));
        onSaved();
      })}
    >
      <CheckboxGroup
        legend="Weekdays maintenance may run on"
        names={weekdayNames}
        {...bind("allowedWeekdays")}
      />
      <TextField
        label="Notice (hours)"
        hint="How long before its start a window must be scheduled."
        inputMode="decimal"
        {...bind("noticeHours", "minimumNoticeMinutes")}
      />
      <TextField
        label="Longest window (hours)"
        inputMode="decimal"
        {...bind("maximumHours", "maximumDurationMinutes")}
      />
      <TextField
        label="Time zone"
        hint="The IANA zone the weekdays are read in, e.g. Europe/Berlin or UTC."
        maxLength={64}
        {...bind("timeZone")}
      />
    </AdminForm>
  );
}

function PolicySection({ admin }: { admin: boolean }) {
  const loaded = useLoaded(loadPolicy);
  const [editing, setEditing] = useState(false);
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">Policy</h2>
      {loaded.value ? <p>{policyText(loaded.value)}</p> : <LoadState error={loaded.error} what="Policy" />}
      {admin && loaded.value && !editing && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit the policy
        </button>
      )}
      {admin && loaded.value && editing && (
        <>
          <PolicyForm
            policy={loaded.value}
            onSaved={() => {
              setEditing(false);
              loaded.reload();
            }}
          />
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </>
      )}
    </section>
  );
}

type Refusal = NonNullable<ReturnType<typeof policyRefusal>>;

/**
 * Schedule a window, or edit `window`. A policy refusal lists every broken rule; an admin may then send it
 * again with a written reason, an agent is told only an admin can.
 */
export function MaintenanceForm({
  window,
  components,
  onSaved,
  onConflict,
}: {
  window: MaintenanceView | null;
  components: StatusComponent[];
  onSaved(saved: MaintenanceView): void;
  /** A 409 on an edit: someone changed the window since it was read. */
  onConflict?(): void;
}) {
  const admin = useMe().role === "admin";
  const { draft, bind } = useDraft(() => (window ? draftOfMaintenance(window) : blankMaintenanceDraft()));
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const submission = useSubmission(maintenanceFields);
  const zone = browserTimeZone();
  const send = (override: boolean) =>
    submission.run(async () => {
      const body = maintenanceBodyOfDraft(draft, override);
      try {
        const saved = window
          ? await api<MaintenanceView>("PATCH", `/status/maintenances/${window.id}`, {
              version: window.version,
              ...body,
            })
          : await api<MaintenanceView>("POST", "/status/maintenances", body);
        setRefusal(null);
        onSaved(saved);
      } catch (error) {
        if (error instanceof ApiError) {
          setRefusal(policyRefusal(error.problem) ?? (override ? refusal : null));
          if (error.status === 409) {
            onConflict?.();
            throw new ApiError(conflictProblem(error.problem, "maintenance window"));
          }
        }
        throw error;
      }
    });
  return (
    <div className="maintenance-form">
      <AdminForm
        submission={submission}
        title={window ? `Edit ${window.title}` : "Schedule maintenance"}
        heading="h2"
        submitLabel={window ? "Save window" : "Schedule maintenance"}
        onSubmit={(event) => {
          event.preventDefault();
          send(false);
        }}
      >
        <TextField label="Title" required maxLength={200} {...bind("title")} />
        <TextField label="Description" rows={3} maxLength={5000} {...bind("description")} />
        <TextField
          label={`Start (your local time, ${zone})`}
          type="datetime-local"
          required
          {...bind("startsAt")}
        />
        <TextField
          label={`End (your local time, ${zone})`}
          type="datetime-local"
          required
          {...bind("endsAt")}
        />
        <CheckboxGroup legend="Components" names={namesById(components)} {...bind("componentIds")} />
      </AdminForm>
      {refusal && refusal.length > 0 && (
        <section className="policy-refusal" aria-labelledby="refusal-title">
          <h3 id="refusal-title">The policy refuses this window</h3>
          <ul>
            {refusal.map((broken) => (
              <li key={broken.rule}>
                <strong>{broken.ruleName}:</strong> {broken.message}
              </li>
            ))}
          </ul>
          {admin ? (
            <form
              aria-labelledby="override-title"
              onSubmit={(event) => {
                event.preventDefault();
                send(true);
              }}
            >
              <h3 id="override-title">Override the policy</h3>
              <FormProblemsContext value={submission.problems}>
                <TextField
                  label="Why this window may break the policy"
                  hint="At least 10 characters. Staff see it beside the window; the public page never does."
                  rows={3}
                  required
                  maxLength={2000}
                  {...bind("overrideReason", "override")}
                />
              </FormProblemsContext>
              <button type="submit" className="primary" disabled={submission.busy}>
                {window ? "Save with override" : "Schedule with override"}
              </button>
            </form>
          ) : (
            <p>Only an admin can override the maintenance policy: move the window, or ask an admin.</p>
          )}
        </section>
      )}
    </div>
  );
}

function WindowsTable({
  windows,
  componentNames,
}: {
  windows: MaintenanceView[];
  componentNames: Map<string, string>;
}) {
  return (
    <AdminTable columns={["Window", "When", "State", "Components", "Policy"]}>
      {windows.map((window) => (
        <tr key={window.id}>
          <th scope="row">
            <Link to={`/statuspage/maintenance/${window.id}`}>{window.title}</Link>
          </th>
          <td>
            {new Date(window.startsAt).toLocaleString()} – {new Date(window.endsAt).toLocaleString()}
          </td>
          <td>{maintenanceStateNames[window.state]}</td>
          <td>{window.componentIds.map((id) => componentNames.get(id) ?? id).join(", ")}</td>
          <td>{window.override ? overrideText(window.override) : "Within the policy"}</td>
        </tr>
      ))}
    </AdminTable>
  );
}

const lists = [
  ["in_progress", "In progress"],
  ["upcoming", "Upcoming"],
  ["past", "Past"],
] as const;

async function loadWindows() {
  const [components, ...pages] = await Promise.all([
    loadComponents(),
    ...lists.map(([when]) => api<Page<MaintenanceView>>("GET", `/status/maintenances?when=${when}&limit=50`)),
  ]);
  return { components, pages };
}

/** `/statuspage/maintenance`: the policy in words, windows in progress, upcoming and past, and scheduling. */
export function MaintenanceListPage() {
  const admin = useMe().role === "admin";
  const loaded = useLoaded(loadWindows);
  const [scheduling, setScheduling] = useState(false);
  const value = loaded.value;
  const componentNames = new Map((value?.components ?? []).map((c) => [c.id, c.name]));
  return (
    <>
      <h1>Maintenance</h1>
      <PolicySection admin={admin} />
      {value === null && <LoadState error={loaded.error} what="Maintenance windows" />}
      {value &&
        lists.map(([when, title], index) => (
          <section key={when} aria-labelledby={`maintenance-${when}`}>
            <h2 id={`maintenance-${when}`}>{title}</h2>
            {value.pages[index]?.items.length ? (
              <WindowsTable windows={value.pages[index].items} componentNames={componentNames} />
            ) : (
              <p className="empty">None.</p>
            )}
            {value.pages[index]?.nextCursor && <p className="muted">Showing the first 50.</p>}
          </section>
        ))}
      {value && (
        <section aria-label="Schedule maintenance">
          {scheduling ? (
            <>
              <MaintenanceForm
                window={null}
                components={value.components}
                onSaved={() => {
                  setScheduling(false);
                  loaded.reload();
                }}
              />
              <button type="button" className="link" onClick={() => setScheduling(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setScheduling(true)}>
              Schedule maintenance
            </button>
          )}
        </section>
      )}
    </>
  );
}

function CancelWindow({ window, onCancelled }: { window: MaintenanceView; onCancelled(): void }) {
  const [asking, setAsking] = useState(false);
  const cancelling = useSubmission([]);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Cancel this window
      </button>
    );
  return (
    <div>
      <span role="alert">Cancel {window.title}? Subscribers are told.</span>{" "}
      <button
        type="button"
        disabled={cancelling.busy}
        onClick={() =>
          cancelling.run(async () => {
            await api("POST", `/status/maintenances/${window.id}/cancel`);
            onCancelled();
          })
        }
      >
        Yes, cancel it
      </button>{" "}
      <button type="button" className="link" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <FormProblems problems={cancelling.problems} />
    </div>
  );
}

/** `/statuspage/maintenance/:id`: one window with its state and any override; edit and cancel. */
export function MaintenanceWindowPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const loaded = useLoaded(
    () => Promise.all([api<MaintenanceView>("GET", `/status/maintenances/${id}`), loadComponents()]),
    [id],
  );
  const [editing, setEditing] = useState(false);
  if (!loaded.value) return <LoadState error={loaded.error} what="Maintenance window" />;
  const [window, components] = loaded.value;
  const componentNames = new Map(components.map((c) => [c.id, c.name]));
  const changeable = window.state === "scheduled" || window.state === "in_progress";
  return (
    <>
      <p>
        <Link to="/statuspage/maintenance">All maintenance</Link>
      </p>
      <div className="statuspage-head">
        <h1>{window.title}</h1>
        <a href={`/status/maintenances/${window.id}`}>Open the public page</a>
      </div>
      <dl className="status-facts">
        <div>
          <dt>State</dt>
          <dd>{maintenanceStateNames[window.state]}</dd>
        </div>
        <div>
          <dt>Starts</dt>
          <dd>{new Date(window.startsAt).toLocaleString()}</dd>
        </div>
        <div>
          <dt>Ends</dt>
          <dd>{new Date(window.endsAt).toLocaleString()}</dd>
        </div>
        <div>
          <dt>Components</dt>
          <dd>{window.componentIds.map((c) => componentNames.get(c) ?? c).join(", ")}</dd>
        </div>
      </dl>
      {window.description && <p>{window.description}</p>}
      {window.override && (
        <p className="maintenance-override">
          <strong>Internal:</strong> {overrideText(window.override)}
        </p>
      )}
      {changeable &&
        (editing ? (
          <>
            <MaintenanceForm
              window={window}
              components={components}
              onSaved={() => {
                setEditing(false);
                loaded.reload();
              }}
              onConflict={loaded.reload}
            />
            <button type="button" className="link" onClick={() => setEditing(false)}>
              Stop editing
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        ))}{" "}
      {window.state === "scheduled" && (
        <CancelWindow window={window} onCancelled={() => navigate("/statuspage/maintenance")} />
      )}
    </>
  );
}
