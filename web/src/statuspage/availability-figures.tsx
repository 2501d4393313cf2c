import {
  availabilityText,
  budgetWording,
  type ComponentAvailabilityView,
  type ComponentState,
  percentOfFraction,
  stateNames,
} from "./status-figures.js";

/** The windows the overview and a component's page show, in the order they are read. */
export const windowNames = [
  ["1h", "1 h"],
  ["24h", "24 h"],
  ["7d", "7 d"],
  ["30d", "30 d"],
  ["90d", "90 d"],
] as const;

export function StateBadge({ state }: { state: ComponentState }) {
  return <span className={`status-state status-${state}`}>{stateNames[state]}</span>;
}

/** The month's error budget as a bar of what is left, with the words a bar cannot carry. */
export function BudgetBar({ availability, name }: { availability: ComponentAvailabilityView; name: string }) {
  const wording = budgetWording(availability.month.errorBudget);
  return (
    <div className={wording.overspent ? "status-budget overspent" : "status-budget"}>
      <meter
        min={0}
        max={1}
        low={0.25}
        optimum={1}
        value={wording.leftShare}
        aria-label={`Error budget left for ${name}`}
      />
      <span>{wording.summary}</span>
      <span className="muted">
        {wording.used} · {wording.burn} · target {percentOfFraction(availability.uptimeTarget)}%
      </span>
    </div>
  );
}

/** A component's figures as a list of terms: the component page's version of the overview's row. */
export function AvailabilityList({ availability }: { availability: ComponentAvailabilityView }) {
  return (
    <dl className="status-figures">
      {windowNames.map(([key, label]) => (
        <div key={key}>
          <dt>Last {label}</dt>
          <dd>{availabilityText(availability.rolling[key].availability)}</dd>
        </div>
      ))}
      <div>
        <dt>This month</dt>
        <dd>{availabilityText(availability.month.availability)}</dd>
      </div>
      <div>
        <dt>Uptime target</dt>
        <dd>{percentOfFraction(availability.uptimeTarget)}%</dd>
      </div>
    </dl>
  );
}
