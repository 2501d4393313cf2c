import { useState } from "react";
import { AdminForm, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { type ChecklistStepDraft, checklistBodyOfDraft } from "./incident-drafts.js";

interface SecurityChecklistView {
  steps: Array<{ title: string; deadlineHours: number | null }>;
  configured: boolean;
  updatedAt: string | null;
}

const loadChecklist = () => api<SecurityChecklistView>("GET", "/status/security-checklist");

function ChecklistForm({ checklist, onSaved }: { checklist: SecurityChecklistView; onSaved(): void }) {
  const [steps, setSteps] = useState<ChecklistStepDraft[]>(() =>
    checklist.steps.map((step) => ({
      title: step.title,
      deadlineHours: step.deadlineHours?.toString() ?? "",
    })),
  );
  // No field claims a step's refusal: it is said above the button with its path, "steps/2/deadlineHours".
  const submission = useSubmission([]);
  const change = (index: number, patch: Partial<ChecklistStepDraft>) =>
    setSteps((current) => current.map((step, i) => (i === index ? { ...step, ...patch } : step)));
  return (
    <AdminForm
      submission={submission}
      title="Edit the security checklist"
      heading="h3"
      submitLabel="Save checklist"
      onSubmit={submission.submit(async () => {
        await api("PUT", "/status/security-checklist", checklistBodyOfDraft(steps));
        onSaved();
      })}
    >
      <ol className="checklist-editor">
        {steps.map((step, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are ordered and have no id of their own
          <li key={index}>
            <label>
              Step {index + 1}{" "}
              <input
                value={step.title}
                required
                maxLength={200}
                onChange={(e) => change(index, { title: e.target.value })}
              />
            </label>{" "}
            <label>
              Due within (hours; blank: no deadline){" "}
              <input
                inputMode="numeric"
                value={step.deadlineHours}
                onChange={(e) => change(index, { deadlineHours: e.target.value })}
              />
            </label>{" "}
            <button
              type="button"
              onClick={() => setSteps((current) => current.filter((_, i) => i !== index))}
            >
              Remove<span className="visually-hidden"> step {index + 1}</span>
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() => setSteps((current) => [...current, { title: "", deadlineHours: "" }])}
      >
        Add a step
      </button>
    </AdminForm>
  );
}

/** The steps every new security incident copies, with their deadlines from its start; admins change them. */
export function SecurityChecklistSection({ admin }: { admin: boolean }) {
  const loaded = useLoaded(loadChecklist);
  const [editing, setEditing] = useState(false);
  const checklist = loaded.value;
  return (
    <section aria-labelledby="security-checklist-title">
      <h2 id="security-checklist-title">Security checklist</h2>
      <p className="hint">
        Every new security incident gets a copy of these steps; a change here leaves open incidents as they
        are.
      </p>
      {checklist === null ? (
        <LoadState error={loaded.error} what="Checklist" />
      ) : (
        <ol>
          {checklist.steps.map((step) => (
            <li key={step.title}>
              {step.title}
              {step.deadlineHours !== null && (
                <span className="muted"> — within {step.deadlineHours} h of the start</span>
              )}
            </li>
          ))}
        </ol>
      )}
      {checklist && !checklist.configured && <p className="muted">These are Tend's default steps.</p>}
      {admin && checklist && !editing && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit the security checklist
        </button>
      )}
      {admin && checklist && editing && (
        <>
          <ChecklistForm
            checklist={checklist}
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
