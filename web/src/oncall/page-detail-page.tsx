import { Link, useParams } from "react-router";
import { FormProblems, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { loadTargetChoices } from "./escalation-policies-page.js";
import { type EscalationPolicyView, targetName } from "./escalation-policy-draft.js";
import {
  eventKindName,
  eventSentence,
  type PageEventView,
  type PageView,
  plannedSteps,
  severityNames,
  statusNames,
} from "./page-log.js";

type PageWithLog = PageView & { log: PageEventView[] };

const when = (iso: string | number) => {
  const at = new Date(iso);
  return <time dateTime={at.toISOString()}>{at.toLocaleString()}</time>;
};

const stepStateNames = {
  done: "paged",
  next: "next, unless acknowledged",
  later: "later, unless acknowledged",
  skipped: "not needed",
};

/** `/oncall/pages/:id`: one page, who answered it, its escalation as planned and as it happened. */
export function PageDetailPage() {
  const { id = "" } = useParams();
  const loaded = useLoaded(async () => {
    const page = await api<PageWithLog>("GET", `/pages/${id}`);
    const [policy, choices] = await Promise.all([
      api<EscalationPolicyView>("GET", `/escalation-policies/${page.policy.id}`),
      loadTargetChoices(),
    ]);
    // Who opened and answered: the log names them even when they have left the staff since.
    const names = new Map(choices.staff.map((person) => [person.id, person.name]));
    for (const event of page.log) if (event.person) names.set(event.person.id, event.person.name);
    return { page, policy, choices, names };
  }, [id]);
  const response = useSubmission([]);
  const value = loaded.value;
  if (!value)
    return (
      <>
        <p className="crumbs">
          <Link to="/oncall">On call</Link> › <Link to="/oncall/pages">Pages</Link>
        </p>
        <LoadState error={loaded.error} what="The page" />
      </>
    );
  const { page, policy, choices, names } = value;
  const nameOf = (personId: string | null, actor: string | null) =>
    (personId && names.get(personId)) || actor || "someone";
  const respond = (what: "acknowledgement" | "resolution") =>
    response.run(async () => {
      await api("POST", `/pages/${page.id}/${what}`);
      loaded.reload();
    });
  const steps = plannedSteps(policy, page, page.log);
  return (
    <>
      <p className="crumbs">
        <Link to="/oncall">On call</Link> › <Link to="/oncall/pages">Pages</Link>
      </p>
      <h1>{page.title}</h1>
      <dl className="paging-facts">
        <dt>Status</dt>
        <dd>
          <strong className={`paging-status paging-status-${page.status}`}>{statusNames[page.status]}</strong>
        </dd>
        <dt>Severity</dt>
        <dd>{severityNames[page.severity as keyof typeof severityNames] ?? page.severity}</dd>
        <dt>Ticket</dt>
        <dd>
          {page.ticketNumber === null ? (
            "None"
          ) : (
            <Link to={`/tickets/${page.ticketNumber}`}>Ticket #{page.ticketNumber}</Link>
          )}
        </dd>
        <dt>Policy</dt>
        <dd>
          <Link to="/oncall/policies">{page.policy.name}</Link>
        </dd>
        <dt>Opened</dt>
        <dd>
          by {nameOf(page.openedBy, page.openedByActor)} {when(page.openedAt)}
        </dd>
        <dt>Acknowledged</dt>
        <dd>
          {page.acknowledgedAt ? (
            <>
              by {nameOf(page.acknowledgedBy, page.acknowledgedByActor)} {when(page.acknowledgedAt)}
            </>
          ) : (
            "Not yet"
          )}
        </dd>
        <dt>Resolved</dt>
        <dd>
          {page.resolvedAt ? (
            <>
              by {nameOf(page.resolvedBy, page.resolvedByActor)} {when(page.resolvedAt)}
            </>
          ) : (
            "Not yet"
          )}
        </dd>
      </dl>
      {page.details && <p className="paging-details">{page.details}</p>}
      {page.status !== "resolved" && (
        <div className="row-actions paging-answer">
          {page.status === "open" && (
            <button
              type="button"
              className="primary"
              disabled={response.busy}
              onClick={() => respond("acknowledgement")}
            >
              Acknowledge
            </button>
          )}
          <button type="button" disabled={response.busy} onClick={() => respond("resolution")}>
            Resolve
          </button>
        </div>
      )}
      <FormProblems problems={response.problems} />

      <section aria-labelledby="page-log-title">
        <h2 id="page-log-title">Log</h2>
        <ol className="paging-log" aria-label="Page log">
          {page.log.map((event, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows at its end and has no ids
            <li key={index}>
              {when(event.at)} <strong>{eventKindName(event.kind)}</strong>
              {eventSentence(event)}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="page-plan-title">
        <h2 id="page-plan-title">Escalation</h2>
        <ol className="paging-log" aria-label="Escalation steps">
          {steps.map((step) => (
            <li key={step.label} className={`paging-step-${step.state}`}>
              <strong>{step.label}</strong> at {when(step.at)}:{" "}
              {step.targets.map((target) => targetName(target, choices.directory)).join(", ")}
              {step.waitMinutes !== null && <>, waits {step.waitMinutes} min</>} —{" "}
              {stepStateNames[step.state]}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
