import { Link } from "react-router";
import { AdminTable, ListEditorForm, LoadState, useListEditor, useLoaded } from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { BudgetBar, StateBadge, windowNames } from "./availability-figures.js";
import { ComponentForm } from "./component-form.js";
import {
  availabilityText,
  byGroup,
  type ComponentAvailabilityView,
  type StatusComponent,
  shownState,
} from "./status-figures.js";

/** A component's figures, or why they could not be read: one failing component leaves the others shown. */
type Figures = { availability: ComponentAvailabilityView } | { error: string };

async function loadOverview() {
  const { components } = await api<{ components: StatusComponent[] }>("GET", "/status/components");
  const figures = await Promise.all(
    components.map((component) =>
      api<ComponentAvailabilityView>("GET", `/status/components/${component.id}/availability`).then(
        (availability): Figures => ({ availability }),
        (error: Error): Figures => ({ error: error.message }),
      ),
    ),
  );
  return { components, figures: new Map(components.map((component, i) => [component.id, figures[i]])) };
}

function ComponentRow({ component, figures }: { component: StatusComponent; figures: Figures | undefined }) {
  const availability = figures && "availability" in figures ? figures.availability : null;
  return (
    <tr>
      <th scope="row">
        <Link to={`/statuspage/components/${component.id}`}>{component.name}</Link>
        {component.manualState && <span className="muted"> (set by hand)</span>}
      </th>
      <td>
        <StateBadge state={shownState(component)} />
      </td>
      {figures && "error" in figures ? (
        <td colSpan={windowNames.length + 2} className="error">
          Availability could not load: {figures.error}
        </td>
      ) : (
        <>
          {windowNames.map(([key]) => (
            <td key={key} className="figure">
              {availability ? availabilityText(availability.rolling[key].availability) : "…"}
            </td>
          ))}
          <td className="figure">{availability ? availabilityText(availability.month.availability) : "…"}</td>
          <td>{availability && <BudgetBar availability={availability} name={component.name} />}</td>
        </>
      )}
    </tr>
  );
}

/** `/statuspage`: every component by group with its state, availability and this month's error budget. */
export function StatusOverviewPage() {
  const admin = useMe().role === "admin";
  const loaded = useLoaded(loadOverview);
  const editor = useListEditor(loaded.reload);
  const value = loaded.value;
  return (
    <>
      <div className="statuspage-head">
        <h1>Status page</h1>
        <a href="/status">Open the public status page</a>
      </div>
      {value === null && <LoadState error={loaded.error} what="Components" />}
      {value?.components.length === 0 && (
        <p className="empty">
          No components yet.{" "}
          {admin ? "Add one below, then the monitors that measure it." : "An admin sets them up."}
        </p>
      )}
      {value &&
        byGroup(value.components).map((group) => (
          <section key={group.groupName} aria-label={group.groupName}>
            <h2>{group.groupName}</h2>
            <div className="status-table-scroll">
              <AdminTable
                columns={[
                  "Component",
                  "State",
                  ...windowNames.map(([, label]) => label),
                  "This month",
                  "Error budget this month",
                ]}
              >
                {group.components.map((component) => (
                  <ComponentRow
                    key={component.id}
                    component={component}
                    figures={value.figures.get(component.id)}
                  />
                ))}
              </AdminTable>
            </div>
          </section>
        ))}
      {admin && value && (
        <ListEditorForm editor={editor} newLabel="New component">
          {() => <ComponentForm component={null} onSaved={editor.saved} />}
        </ListEditorForm>
      )}
    </>
  );
}
