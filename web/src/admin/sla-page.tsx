import { useEffect, useState } from "react";
import type { CalendarView } from "../../../src/modules/sla/manage-calendars.js";
import type { PolicyView } from "../../../src/modules/sla/manage-policies.js";
import type { PreviewView } from "../../../src/modules/sla/resolve-targets.js";
import { ApiError, api, type TicketView } from "../api.js";
import { stageNames } from "../organization-panel.js";
import { categoryNames, metricNames, planNames, severityNames } from "../ticket-labels.js";
import { CalendarsSection } from "./calendars-section.js";
import { type PlacedProblems, placeProblems } from "./field-errors.js";
import {
  FormProblems,
  FormProblemsContext,
  LoadState,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
} from "./form-controls.js";
import { channelNames } from "./labels.js";
import { PoliciesSection } from "./policies-section.js";

type Plan = NonNullable<TicketView["organization"]>["plan"];
type Stage = NonNullable<TicketView["organization"]>["stage"];

interface PreviewTicket {
  plan: Plan;
  stage: Stage;
  severity: TicketView["severity"];
  category: TicketView["category"];
  channel: TicketView["channel"];
  /** A datetime-local value, in the browser's zone. */
  start: string;
}

/** Now, to the minute, as a datetime-local input holds it. */
function localNow(): string {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

const instant = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

const previewFields = [
  "ticket/plan",
  "ticket/stage",
  "ticket/severity",
  "ticket/category",
  "ticket/channel",
  "start",
];

/**
 * What a ticket like this would be promised if it opened then: each target's warning and due time,
 * asked again whenever the ticket or the configuration (`revision`) changes.
 */
function DueTimePreview({ revision }: { revision: number }) {
  const { draft: ticket, bind } = useDraft<PreviewTicket>({
    plan: "cloud",
    stage: "customer",
    severity: "sev1",
    category: "availability",
    channel: "email",
    start: localNow(),
  });
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [problems, setProblems] = useState<PlacedProblems | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a saved calendar or policy (revision) changes the answer too
  useEffect(() => {
    const start = new Date(ticket.start);
    let current = true;
    const { start: _local, ...attributes } = ticket;
    api<PreviewView>("POST", "/sla/preview", {
      ticket: attributes,
      ...(Number.isNaN(start.getTime()) ? {} : { start: start.toISOString() }),
    })
      .then((answer) => {
        if (!current) return;
        setPreview(answer);
        setProblems(null);
      })
      .catch((error: unknown) => {
        if (!current) return;
        setProblems(
          error instanceof ApiError
            ? placeProblems(error.problem, previewFields)
            : { byField: {}, general: ["The preview could not load."] },
        );
      });
    return () => {
      current = false;
    };
  }, [ticket, revision]);
  return (
    <section aria-labelledby="preview-title" className="preview">
      <h2 id="preview-title">Preview due times</h2>
      <p className="hint">A ticket like this, opened then and never paused, would be promised:</p>
      <FormProblemsContext value={problems}>
        <form className="preview-ticket" onSubmit={(e) => e.preventDefault()}>
          <SelectField label="Plan" names={planNames} {...bind("plan", "ticket/plan")} />
          <SelectField label="Stage" names={stageNames} {...bind("stage", "ticket/stage")} />
          <SelectField label="Severity" names={severityNames} {...bind("severity", "ticket/severity")} />
          <SelectField label="Category" names={categoryNames} {...bind("category", "ticket/category")} />
          <SelectField label="Channel" names={channelNames} {...bind("channel", "ticket/channel")} />
          <TextField label="Opened at (your time)" type="datetime-local" {...bind("start")} />
        </form>
      </FormProblemsContext>
      <FormProblems problems={problems} />
      <div aria-live="polite">
        {preview && (
          <p className="preview-start">
            Opened <time dateTime={preview.start}>{instant.format(new Date(preview.start))}</time>
          </p>
        )}
        {preview && preview.targets.length === 0 && (
          <p className="empty">No policy applies to such a ticket: it would have no SLA clocks.</p>
        )}
        {preview && preview.targets.length > 0 && (
          <table className="admin-table due-times">
            <caption className="visually-hidden">Due times for this ticket</caption>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Target</th>
                <th scope="col">Counted on</th>
                <th scope="col">Warns at</th>
                <th scope="col">Due at</th>
              </tr>
            </thead>
            <tbody>
              {preview.targets.map((target) => (
                <tr
                  key={`${target.policyId}-${target.targetKey}`}
                  data-target={`${target.policyName} ${target.metric}`}
                >
                  <td>{target.policyName}</td>
                  <td>
                    {metricNames[target.metric]} · {target.durationMs / 3_600_000} h
                  </td>
                  <td>{target.calendarName}</td>
                  <td>
                    <time dateTime={target.warnAt}>{instant.format(new Date(target.warnAt))}</time>
                  </td>
                  <td>
                    <time dateTime={target.dueAt}>{instant.format(new Date(target.dueAt))}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** Calendars, policies and what they promise, side by side, so a change shows its effect at once. */
export function SlaPage() {
  const configuration = useLoaded(async () => {
    const [calendars, policies] = await Promise.all([
      api<CalendarView[]>("GET", "/sla/calendars"),
      api<PolicyView[]>("GET", "/sla/policies"),
    ]);
    return { calendars, policies };
  });
  const [revision, setRevision] = useState(0);
  const saved = () => {
    configuration.reload();
    setRevision((n) => n + 1);
  };
  return (
    <div className="admin-page sla-page">
      <h1>Calendars and SLA policies</h1>
      <DueTimePreview revision={revision} />
      {configuration.value ? (
        <>
          <PoliciesSection
            policies={configuration.value.policies}
            calendars={configuration.value.calendars}
            onSaved={saved}
          />
          <CalendarsSection calendars={configuration.value.calendars} onSaved={saved} />
        </>
      ) : (
        <LoadState error={configuration.error} what="The SLA configuration" />
      )}
    </div>
  );
}
