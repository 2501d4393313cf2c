import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  AdminTable,
  EditButton,
  FormProblems,
  ListEditorForm,
  LoadState,
  useListEditor,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { useNow } from "../use-now.js";
import { AvailabilityList, BudgetBar, StateBadge } from "./availability-figures.js";
import { ComponentForm } from "./component-form.js";
import { type CreatedMonitor, MonitorForm, PushTokenPanel } from "./monitor-form.js";
import { kindNames, monitorSettingsText } from "./status-drafts.js";
import {
  type ComponentAvailabilityView,
  durationText,
  lastResultText,
  percentOfFraction,
  type StatusComponent,
  type StatusMonitorView,
  shownState,
  stateNames,
} from "./status-figures.js";

/** Monitors report every 10 s at the most: a page left open shows their results as they come. */
const refreshMs = 10_000;

/** A Delete asked twice; the API's refusal, if any, is said beside it. */
function ConfirmDelete({ what, path, onDeleted }: { what: string; path: string; onDeleted(): void }) {
  const [asking, setAsking] = useState(false);
  const deletion = useSubmission([]);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Delete<span className="visually-hidden"> {what}</span>
      </button>
    );
  return (
    <>
      <span role="alert">Delete {what} with its measurements for good?</span>
      <button
        type="button"
        disabled={deletion.busy}
        onClick={() =>
          deletion.run(async () => {
            await api("DELETE", path);
            onDeleted();
          })
        }
      >
        Yes, delete<span className="visually-hidden"> {what}</span>
      </button>
      <button type="button" className="link" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <FormProblems problems={deletion.problems} />
    </>
  );
}

function MonitorsSection({
  component,
  monitors,
  admin,
  onChanged,
}: {
  component: StatusComponent;
  monitors: StatusMonitorView[];
  admin: boolean;
  onChanged(): void;
}) {
  const now = useNow(refreshMs);
  const [created, setCreated] = useState<CreatedMonitor | null>(null);
  const editor = useListEditor(onChanged);
  return (
    <section aria-labelledby="monitors-title">
      <h2 id="monitors-title">Monitors</h2>
      {monitors.length === 0 ? (
        <p className="empty">
          No monitors yet: the component's state is what an admin sets, and it has no availability figures.
        </p>
      ) : (
        <AdminTable
          columns={[
            "Monitor",
            "Kind",
            "Interval",
            "Last result",
            "Settings",
            ...(admin
              ? [
                  <span key="actions" className="visually-hidden">
                    Actions
                  </span>,
                ]
              : []),
          ]}
        >
          {monitors.map((monitor) => (
            <tr key={monitor.id} className={monitor.enabled ? undefined : "deactivated"}>
              <th scope="row">
                {monitor.name}
                {!monitor.enabled && <span className="muted"> (switched off)</span>}
              </th>
              <td>{kindNames[monitor.kind]}</td>
              <td>every {durationText(monitor.intervalSeconds * 1000)}</td>
              <td
                className={
                  monitor.lastResult ? (monitor.lastResult.up ? "monitor-up" : "monitor-down") : undefined
                }
              >
                {lastResultText(monitor.lastResult, now)}
              </td>
              <td className="monitor-settings">{monitorSettingsText(monitor)}</td>
              {admin && (
                <td>
                  <div className="row-actions">
                    <EditButton editor={editor} id={monitor.id} name={monitor.name} />
                    <ConfirmDelete
                      what={monitor.name}
                      path={`/status/monitors/${monitor.id}`}
                      onDeleted={onChanged}
                    />
                  </div>
                </td>
              )}
            </tr>
          ))}
        </AdminTable>
      )}
      {created && <PushTokenPanel monitor={created} onDone={() => setCreated(null)} />}
      {admin && (
        <ListEditorForm editor={editor} newLabel="New monitor">
          {(open) => (
            <MonitorForm
              componentId={component.id}
              monitor={monitors.find((monitor) => monitor.id === open) ?? null}
              onSaved={(made) => {
                if (made?.pushToken) setCreated(made);
                editor.saved();
              }}
            />
          )}
        </ListEditorForm>
      )}
    </section>
  );
}

/** `/statuspage/components/:id`: the component's state, figures and monitors; admins change them. */
export function StatusComponentPage() {
  const { id = "" } = useParams();
  const admin = useMe().role === "admin";
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const loaded = useLoaded(async () => {
    const [component, { monitors }, availability] = await Promise.all([
      api<StatusComponent>("GET", `/status/components/${id}`),
      api<{ monitors: StatusMonitorView[] }>("GET", `/status/monitors?componentId=${encodeURIComponent(id)}`),
      api<ComponentAvailabilityView>("GET", `/status/components/${id}/availability`),
    ]);
    return { component, monitors, availability };
  }, [id]);
  const { reload } = loaded;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload is a new function each render; the timer is per page
  useEffect(() => {
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [id]);
  const value = loaded.value;
  if (!value)
    return (
      <>
        <p className="crumbs">
          <Link to="/statuspage">Status page</Link>
        </p>
        <LoadState error={loaded.error} what="The component" />
      </>
    );
  const { component, monitors, availability } = value;
  return (
    <>
      <p className="crumbs">
        <Link to="/statuspage">Status page</Link> › {component.groupName}
      </p>
      <div className="statuspage-head">
        <h1>{component.name}</h1>
        <StateBadge state={shownState(component)} />
      </div>
      {component.description && <p>{component.description}</p>}
      <dl className="status-facts">
        <div>
          <dt>Group</dt>
          <dd>
            {component.groupName}, position {component.position}
          </dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            {component.manualState
              ? `${stateNames[component.manualState]}, set by hand`
              : "Decided by monitors"}
          </dd>
        </div>
        <div>
          <dt>Uptime target</dt>
          <dd>{percentOfFraction(component.uptimeTarget)}% a month</dd>
        </div>
      </dl>
      {admin && !editing && (
        <div className="row-actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit component
          </button>
          <ConfirmDelete
            what={component.name}
            path={`/status/components/${component.id}`}
            onDeleted={() => navigate("/statuspage")}
          />
        </div>
      )}
      {admin && editing && (
        <>
          <ComponentForm
            component={component}
            onSaved={() => {
              setEditing(false);
              reload();
            }}
          />
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </>
      )}
      <section aria-labelledby="availability-title">
        <h2 id="availability-title">Availability</h2>
        <AvailabilityList availability={availability} />
        <h3>Error budget this month</h3>
        <BudgetBar availability={availability} name={component.name} />
      </section>
      <MonitorsSection component={component} monitors={monitors} admin={admin} onChanged={reload} />
    </>
  );
}
