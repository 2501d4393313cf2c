import { useContext } from "react";
import type { CalendarView } from "../../../src/modules/sla/manage-calendars.js";
import type { TargetInput } from "../../../src/modules/sla/manage-policies.js";
import type { StoredTarget } from "../../../src/modules/sla/sla-types.js";
import { metricNames } from "../ticket-labels.js";
import { FormProblemsContext, namesById, SelectField, TextField } from "./form-controls.js";

const HOUR_MS = 3_600_000;

/** A target as its inputs hold it: hours and a percentage read better than milliseconds and shares. */
export interface TargetDraft {
  metric: StoredTarget["metric"];
  hours: string;
  /** "" for calendar time (around the clock). */
  calendarId: string;
  pauseWhilePending: boolean;
  warnPercent: string;
  /** Target-level conditions are kept as they are: the form does not edit them. */
  conditions?: StoredTarget["conditions"];
}

export function draftOf(target: StoredTarget): TargetDraft {
  return {
    metric: target.metric,
    hours: String(target.durationMs / HOUR_MS),
    calendarId: target.calendarId ?? "",
    pauseWhilePending: target.pauseWhilePending,
    warnPercent: String(Math.round(target.warnAtShare * 100)),
    ...(target.conditions ? { conditions: target.conditions } : {}),
  };
}

export const newTargetDraft = (calendarId = ""): TargetDraft => ({
  metric: "first_response",
  hours: "4",
  calendarId,
  pauseWhilePending: true,
  warnPercent: "75",
});

/** What the API takes; a blank or malformed number is sent as is for the API to name. */
export function targetBody(draft: TargetDraft): TargetInput {
  return {
    metric: draft.metric,
    durationMs: Math.round(Number(draft.hours) * HOUR_MS),
    calendarId: draft.calendarId || null,
    pauseWhilePending: draft.pauseWhilePending,
    warnAtShare: Number(draft.warnPercent) / 100,
    ...(draft.conditions ? { conditions: draft.conditions } : {}),
  };
}

/** The fields the API may name in a refusal, for placing its errors. */
export function targetFieldNames(count: number): string[] {
  const names = ["targets"];
  for (let index = 0; index < count; index++) {
    for (const field of ["", "/metric", "/durationMs", "/calendarId", "/pauseWhilePending", "/warnAtShare"]) {
      names.push(`targets/${index}${field}`);
    }
  }
  return names;
}

function conditionText(conditions: StoredTarget["conditions"]): string {
  return Object.entries(conditions ?? {})
    .filter(([, values]) => values && values.length > 0)
    .map(([name, values]) => `${name}: ${values?.join(", ")}`)
    .join("; ");
}

/** A list of targets, each a metric, a duration, the calendar it is counted on and when it warns. */
export function TargetsEditor({
  targets,
  onChange,
  calendars,
}: {
  targets: TargetDraft[];
  onChange(next: TargetDraft[]): void;
  calendars: CalendarView[];
}) {
  const problems = useContext(FormProblemsContext);
  const set = (index: number, change: Partial<TargetDraft>) =>
    onChange(targets.map((target, i) => (i === index ? { ...target, ...change } : target)));
  const listMessages = problems?.byField.targets ?? [];
  return (
    <div className="targets">
      {listMessages.length > 0 && <p className="field-error">{listMessages.join("; ")}</p>}
      {targets.map((target, index) => {
        const at = `targets/${index}`;
        const rowMessages = problems?.byField[at] ?? [];
        const only = conditionText(target.conditions);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a target's identity is its place in the list (the API keys clocks by it)
          <fieldset key={index} className="target">
            <legend>
              Target {index + 1}: {metricNames[target.metric]}
            </legend>
            {only && <p className="hint">Applies only to tickets with {only} (kept as it is).</p>}
            {rowMessages.length > 0 && <p className="field-error">{rowMessages.join("; ")}</p>}
            <div className="target-controls">
              <SelectField
                label="Metric"
                name={`${at}/metric`}
                names={metricNames}
                value={target.metric}
                onChange={(metric) => set(index, { metric })}
              />
              <TextField
                label="Hours"
                name={`${at}/durationMs`}
                type="number"
                inputMode="decimal"
                step="any"
                min="0.01"
                max="8760"
                required
                value={target.hours}
                onChange={(hours) => set(index, { hours })}
              />
              <SelectField
                label="Counted on"
                name={`${at}/calendarId`}
                names={{ "": "Calendar time (around the clock)", ...namesById(calendars) }}
                value={target.calendarId}
                onChange={(calendarId) => set(index, { calendarId })}
              />
              <TextField
                label="Warn at %"
                name={`${at}/warnAtShare`}
                type="number"
                min="1"
                max="100"
                required
                value={target.warnPercent}
                onChange={(warnPercent) => set(index, { warnPercent })}
              />
              <label className="check">
                <input
                  type="checkbox"
                  checked={target.pauseWhilePending}
                  onChange={(e) => set(index, { pauseWhilePending: e.target.checked })}
                />{" "}
                Pause while pending
              </label>
              <button type="button" onClick={() => onChange(targets.filter((_, i) => i !== index))}>
                Remove target {index + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => onChange([...targets, newTargetDraft(calendars[0]?.id)])}>
        Add a target
      </button>
    </div>
  );
}
