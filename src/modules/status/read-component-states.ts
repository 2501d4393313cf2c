import type { DbExecutor } from "../../db/database.js";
import { type ComponentState, deriveComponentState, type IncidentImpact } from "./component-state.js";
import { componentStateFacts, componentsUnderMaintenance } from "./maintenance-repository.js";

/**
 * Every component's current state (or only `componentIds`'), derived by `deriveComponentState` from
 * what an admin set by hand, the maintenance in progress at `now`, the latest result of each enabled
 * monitor and the impacts of the open, published incidents naming it. Four reads whatever the number
 * of components, so the public page can call it on every refresh.
 */
export async function readComponentStates(
  db: DbExecutor,
  now: Date,
  componentIds?: readonly string[],
): Promise<Map<string, ComponentState>> {
  const [facts, underMaintenance] = await Promise.all([
    componentStateFacts(db, componentIds),
    componentsUnderMaintenance(db, now.toISOString()),
  ]);
  const monitorsUp = new Map<string, (boolean | null)[]>();
  for (const monitor of facts.monitors) {
    const list = monitorsUp.get(monitor.component_id) ?? [];
    list.push(monitor.last_result_up === null ? null : monitor.last_result_up === 1);
    monitorsUp.set(monitor.component_id, list);
  }
  const impacts = new Map<string, IncidentImpact[]>();
  for (const incident of facts.incidents) {
    const list = impacts.get(incident.component_id) ?? [];
    list.push(incident.impact as IncidentImpact);
    impacts.set(incident.component_id, list);
  }
  const states = new Map<string, ComponentState>();
  for (const component of facts.components) {
    states.set(
      component.id,
      deriveComponentState({
        manualState: component.manual_state as ComponentState | null,
        underMaintenance: underMaintenance.has(component.id),
        monitorsUp: monitorsUp.get(component.id) ?? [],
        openIncidentImpacts: impacts.get(component.id) ?? [],
      }),
    );
  }
  return states;
}
