import { type FormEvent, useState } from "react";
import type { SlaClock, TicketSlaView, TicketView } from "./api.js";
import { EngineeringPanel } from "./engineering/engineering-panel.js";
import { SuggestedArticlesPanel } from "./knowledge/suggested-articles-panel.js";
import { OrganizationPanel } from "./organization-panel.js";
import { SatisfactionPanel } from "./satisfaction/satisfaction-panel.js";
import { SlaBadge } from "./sla-badge.js";
import type { StaffDirectory } from "./staff-directory.js";
import { categoryNames, metricNames, severityNames, statusNames } from "./ticket-labels.js";

/** The fields the side panel changes with PATCH /tickets/:number. */
export interface TicketChanges {
  status?: TicketView["status"];
  severity?: TicketView["severity"];
  category?: TicketView["category"];
  groupId?: string | null;
  assigneeId?: string | null;
}

const stateNames: Record<SlaClock["state"], string> = {
  running: "Running",
  paused: "Paused",
  achieved: "Achieved",
  breached: "Breached",
};

function SlaClocks({ sla }: { sla: TicketSlaView | null }) {
  if (!sla) return <p className="muted">Loading SLA clocks…</p>;
  if (sla.clocks.length === 0) return <p className="muted">No SLA policy applies to this ticket.</p>;
  return (
    <ul className="clocks">
      {sla.clocks.map((clock) => (
        <li
          key={`${clock.policyId}-${clock.metric}-${clock.cycle}`}
          className={`clock clock-${clock.state}`}
          data-metric={clock.metric}
        >
          <div className="clock-head">
            <strong>{metricNames[clock.metric]}</strong>
            <span className={`clock-state state-${clock.state}`}>{stateNames[clock.state]}</span>
            {(clock.state === "running" || clock.state === "breached") && (
              <SlaBadge dueAt={clock.dueAt} warnAt={clock.warnAt} label={metricNames[clock.metric]} />
            )}
          </div>
          <details>
            <summary>
              Why? {clock.policyName} · {clock.calendar || "calendar time"}
            </summary>
            <ol className="explanation">
              {clock.explanation.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
          </details>
        </li>
      ))}
    </ul>
  );
}

const platformExperts = "Platform experts";

/** A labelled select over a fixed vocabulary (status, severity, category), saved on change. */
function FieldSelect<Value extends string>({
  id,
  label,
  value,
  names,
  onChange,
}: {
  id: string;
  label: string;
  value: Value;
  names: Record<Value, string>;
  onChange: (value: Value) => void;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Value)}>
        {(Object.entries(names) as [Value, string][]).map(([option, name]) => (
          <option key={option} value={option}>
            {name}
          </option>
        ))}
      </select>
    </>
  );
}

function EscalateForm({ onEscalate }: { onEscalate: (note: string) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="escalate" onClick={() => setOpen(true)}>
        Escalate to Platform experts
      </button>
    );
  }
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const done = await onEscalate(note.trim());
    setBusy(false);
    if (done) {
      setOpen(false);
      setNote("");
    }
  }
  return (
    <form className="escalate-form" onSubmit={submit}>
      <label htmlFor="escalation-note">Internal note for Platform experts (required)</label>
      <textarea
        id="escalation-note"
        rows={4}
        required
        value={note}
        onChange={(event) => setNote(event.target.value)}
        placeholder="What you found, what you tried, what you need from them"
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || note.trim() === ""}>
          Escalate
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function TicketSidePanel({
  ticket,
  sla,
  directory,
  meId,
  onChange,
  onEscalate,
  onInsertLink,
}: {
  ticket: TicketView;
  sla: TicketSlaView | null;
  directory: StaffDirectory;
  meId: string;
  onChange: (changes: TicketChanges) => void;
  onEscalate: (note: string) => Promise<boolean>;
  /** Puts an article's link into the reply being written. */
  onInsertLink: (text: string) => void;
}) {
  const groupMembers = new Set(
    directory.groups.find((group) => group.id === ticket.group?.id)?.memberIds ?? [],
  );
  // A deactivated agent is not offered (the API refuses them), but stays shown while still assigned.
  const assignable = directory.staff.filter(
    (person) =>
      person.id === ticket.assignee?.id ||
      (person.deactivatedAt === null && (groupMembers.size === 0 || groupMembers.has(person.id))),
  );
  return (
    <aside className="side-panel" aria-label="Ticket details">
      <section aria-labelledby="requester-title">
        <h2 id="requester-title">Requester</h2>
        <p>
          {ticket.requester.name} <span className="muted">{ticket.requester.email}</span>
        </p>
        {!ticket.organization && <p className="muted">No organization</p>}
      </section>
      <OrganizationPanel ticket={ticket} />
      <section aria-labelledby="fields-title" className="fields">
        <h2 id="fields-title">Ticket</h2>
        {directory.error && <p className="error">Groups and agents could not load: {directory.error}</p>}
        <FieldSelect
          id="field-status"
          label="Status"
          value={ticket.status}
          names={statusNames}
          onChange={(status) => onChange({ status })}
        />
        <FieldSelect
          id="field-severity"
          label="Severity"
          value={ticket.severity}
          names={severityNames}
          onChange={(severity) => onChange({ severity })}
        />
        <FieldSelect
          id="field-category"
          label="Category"
          value={ticket.category}
          names={categoryNames}
          onChange={(category) => onChange({ category })}
        />
        <label htmlFor="field-group">Group</label>
        <select
          id="field-group"
          value={ticket.group?.id ?? ""}
          onChange={(event) => onChange({ groupId: event.target.value || null })}
        >
          <option value="">No group</option>
          {directory.groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
        <label htmlFor="field-assignee">Assignee</label>
        <select
          id="field-assignee"
          value={ticket.assignee?.id ?? ""}
          onChange={(event) => onChange({ assigneeId: event.target.value || null })}
        >
          <option value="">Unassigned</option>
          {assignable.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name}
            </option>
          ))}
        </select>
        <p className="tags">
          Tags: {ticket.tags.length > 0 ? ticket.tags.join(", ") : <span className="muted">none</span>}
        </p>
        {ticket.assignee?.id !== meId && (
          <button type="button" className="primary" onClick={() => onChange({ assigneeId: meId })}>
            Take it
          </button>
        )}
        {ticket.group?.name !== platformExperts && <EscalateForm onEscalate={onEscalate} />}
      </section>
      <section aria-labelledby="sla-title">
        <h2 id="sla-title">SLA clocks</h2>
        <SlaClocks sla={sla} />
      </section>
      <EngineeringPanel number={ticket.number} version={ticket.version} />
      <SatisfactionPanel number={ticket.number} version={ticket.version} />
      <SuggestedArticlesPanel subject={ticket.subject} onInsertLink={onInsertLink} />
    </aside>
  );
}
