import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useFocusOnOpen,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api, type Page } from "../api.js";
import { useMe } from "../session.js";
import {
  blankIncidentDraft,
  type IncidentDetailView,
  type IncidentKind,
  type IncidentState,
  type IncidentView,
  impactNames,
  incidentBodyOfDraft,
  incidentFields,
  incidentKindNames,
  incidentStateNames,
} from "./incident-drafts.js";
import { SecurityChecklistSection } from "./security-checklist-section.js";
import type { StatusComponent } from "./status-figures.js";

export const loadComponents = () =>
  api<{ components: StatusComponent[] }>("GET", "/status/components").then(({ components }) => components);

export function IncidentBadges({
  incident,
}: {
  incident: Pick<IncidentView, "state" | "published" | "kind">;
}) {
  return (
    <>
      <span className={`incident-state incident-${incident.state}`}>
        {incidentStateNames[incident.state]}
      </span>{" "}
      <span className={incident.published ? "incident-published" : "incident-private"}>
        {incident.published ? "Published" : "Private"}
      </span>
      {incident.kind === "security" && <span className="incident-security"> Security</span>}
    </>
  );
}

function DeclareIncidentForm({ components }: { components: StatusComponent[] }) {
  const navigate = useNavigate();
  const { draft, bind } = useDraft(blankIncidentDraft);
  const submission = useSubmission(incidentFields);
  useFocusOnOpen(submission.formRef);
  return (
    <AdminForm
      submission={submission}
      title="Declare incident"
      heading="h2"
      submitLabel="Declare incident"
      onSubmit={submission.submit(async () => {
        const created = await api<IncidentDetailView>(
          "POST",
          "/status/incidents",
          incidentBodyOfDraft(draft),
        );
        navigate(`/statuspage/incidents/${created.id}`);
      })}
    >
      <TextField label="Title" required maxLength={200} {...bind("title")} />
      <SelectField
        label="Kind"
        hint="A security incident stays private, with its first entry internal and the security checklist, until someone publishes it."
        names={incidentKindNames}
        {...bind("kind")}
      />
      <SelectField label="Impact" names={impactNames} {...bind("impact")} />
      <CheckboxGroup legend="Affected components" names={namesById(components)} {...bind("componentIds")} />
      <TextField
        label="First update"
        hint={
          draft.kind === "security"
            ? "Kept internal: the public hears nothing until the incident is published."
            : "Shown on the public page at once, and sent to subscribers."
        }
        rows={4}
        required
        maxLength={20_000}
        {...bind("body")}
      />
    </AdminForm>
  );
}

type StateFilter = IncidentState | "any";
type KindFilter = IncidentKind | "any";

/** `/statuspage/incidents`: open incidents first, filtered by state and kind, a cursor page at a time. */
export function IncidentsPage() {
  const admin = useMe().role === "admin";
  const [state, setState] = useState<StateFilter>("any");
  const [kind, setKind] = useState<KindFilter>("any");
  const [items, setItems] = useState<IncidentView[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [declaring, setDeclaring] = useState(false);
  const components = useLoaded(loadComponents);

  const pageOf = (cursor: string | null) => {
    const query = new URLSearchParams({ limit: "50" });
    if (state !== "any") query.set("state", state);
    if (kind !== "any") query.set("kind", kind);
    if (cursor) query.set("cursor", cursor);
    return api<Page<IncidentView>>("GET", `/status/incidents?${query}`);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are what the first page depends on
  useEffect(() => {
    let current = true;
    setItems(null);
    pageOf(null)
      .then((page) => {
        if (!current) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setError(null);
      })
      .catch((caught: Error) => current && setError(caught.message));
    return () => {
      current = false;
    };
  }, [state, kind]);
  const more = () =>
    pageOf(nextCursor).then(
      (page) => {
        setItems((shown) => [...(shown ?? []), ...page.items]);
        setNextCursor(page.nextCursor);
      },
      (caught: Error) => setError(caught.message),
    );
  // Open incidents first: the list is newest first, and the open ones are what someone is working on.
  const ordered = items && [
    ...items.filter((incident) => incident.state !== "resolved"),
    ...items.filter((incident) => incident.state === "resolved"),
  ];
  const componentNames = new Map((components.value ?? []).map((c) => [c.id, c.name]));

  return (
    <>
      <div className="statuspage-head">
        <h1>Incidents</h1>
      </div>
      <fieldset className="incident-filters">
        <legend className="visually-hidden">Filter incidents</legend>
        <label>
          State{" "}
          <select value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
            <option value="any">Any state</option>
            {Object.entries(incidentStateNames).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind{" "}
          <select value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
            <option value="any">Any kind</option>
            {Object.entries(incidentKindNames).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      {ordered === null && <LoadState error={error} what="Incidents" />}
      {ordered?.length === 0 && <p className="empty">No incidents match.</p>}
      {ordered && ordered.length > 0 && (
        <AdminTable columns={["Incident", "State", "Impact", "Components", "Started"]}>
          {ordered.map((incident) => (
            <tr key={incident.id}>
              <th scope="row">
                <Link to={`/statuspage/incidents/${incident.id}`}>{incident.title}</Link>
              </th>
              <td>
                <IncidentBadges incident={incident} />
              </td>
              <td>{impactNames[incident.impact]}</td>
              <td>{incident.componentIds.map((id) => componentNames.get(id) ?? "…").join(", ") || "None"}</td>
              <td>{new Date(incident.startedAt).toLocaleString()}</td>
            </tr>
          ))}
        </AdminTable>
      )}
      {ordered && error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {nextCursor && (
        <button type="button" onClick={() => void more()}>
          More incidents
        </button>
      )}
      <section aria-label="Declare incident">
        {declaring && components.value ? (
          <>
            <DeclareIncidentForm components={components.value} />
            <button type="button" className="link" onClick={() => setDeclaring(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setDeclaring(true)} disabled={!components.value}>
            Declare incident
          </button>
        )}
      </section>
      <SecurityChecklistSection admin={admin} />
    </>
  );
}
