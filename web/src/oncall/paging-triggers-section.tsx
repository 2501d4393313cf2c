import { Link } from "react-router";
import type { EscalationPolicyView } from "../../../src/modules/paging/paging-presenter.js";
import type {
  PagingTriggerListView,
  PagingTriggerView,
} from "../../../src/modules/paging/paging-trigger-presenter.js";
import {
  AdminForm,
  FormProblems,
  LoadState,
  namesById,
  SelectField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";

type Kind = PagingTriggerView["kind"];

function NewTriggerForm({
  kinds,
  policies,
  onAdded,
}: {
  kinds: PagingTriggerListView["kinds"];
  policies: EscalationPolicyView[];
  onAdded(): void;
}) {
  const submission = useSubmission(["kind", "policyId"]);
  const kindNames = Object.fromEntries(kinds.map((k) => [k.kind, k.description])) as Record<Kind, string>;
  const blank = { kind: (kinds[0]?.kind ?? "sev1_ticket_created") as Kind, policyId: policies[0]?.id ?? "" };
  const { draft, setDraft, bind } = useDraft(blank);
  return (
    <AdminForm
      submission={submission}
      title="Add a paging trigger"
      heading="h3"
      submitLabel="Add trigger"
      onSubmit={submission.submit(async () => {
        await api("POST", "/paging-triggers", { kind: draft.kind, policyId: draft.policyId });
        setDraft(blank);
        onAdded();
      })}
    >
      <SelectField label="When" names={kindNames} {...bind("kind")} />
      <SelectField label="Page" names={namesById(policies)} {...bind("policyId")} />
    </AdminForm>
  );
}

/**
 * On the pages page: what pages a policy without anyone pressing "Page" — a Sev 1 ticket created,
 * an SLA breach on one. Staff read it; admins switch triggers on and off, add and delete them.
 */
export function PagingTriggersSection() {
  const me = useMe();
  const admin = me.role === "admin";
  const loaded = useLoaded(async () => {
    const [list, { policies }] = await Promise.all([
      api<PagingTriggerListView>("GET", "/paging-triggers"),
      api<{ policies: EscalationPolicyView[] }>("GET", "/escalation-policies"),
    ]);
    return { ...list, policies };
  });
  const change = useSubmission([]);
  const value = loaded.value;
  const act = (work: () => Promise<unknown>) =>
    change.run(async () => {
      await work();
      loaded.reload();
    });
  return (
    <section aria-labelledby="paging-triggers-title">
      <h2 id="paging-triggers-title">Paging triggers</h2>
      <p className="hint">Tend pages a policy by itself when one of these happens, once per ticket.</p>
      {value === null && <LoadState error={loaded.error} what="Paging triggers" />}
      {value?.triggers.length === 0 && <p className="empty">No paging triggers: only people send pages.</p>}
      {value && value.triggers.length > 0 && (
        <ul className="config-list" aria-label="Paging triggers">
          {value.triggers.map((trigger) => (
            <li key={trigger.id}>
              <strong>{trigger.description}</strong>: page {trigger.policy.name}
              <span className="summary">{trigger.enabled ? "On" : "Off"}</span>
              {admin && (
                <div className="row-actions">
                  <button
                    type="button"
                    disabled={change.busy}
                    onClick={() =>
                      act(() => api("PATCH", `/paging-triggers/${trigger.id}`, { enabled: !trigger.enabled }))
                    }
                  >
                    {trigger.enabled ? "Turn off" : "Turn on"}
                    <span className="visually-hidden">
                      {" "}
                      {trigger.description}, {trigger.policy.name}
                    </span>
                  </button>
                  <button
                    type="button"
                    disabled={change.busy}
                    onClick={() => act(() => api("DELETE", `/paging-triggers/${trigger.id}`))}
                  >
                    Delete
                    <span className="visually-hidden">
                      {" "}
                      {trigger.description}, {trigger.policy.name}
                    </span>
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormProblems problems={change.problems} />
      {admin &&
        value &&
        (value.policies.length === 0 ? (
          <p className="muted">
            A trigger pages an escalation policy: define one in{" "}
            <Link to="/oncall/policies">escalation policies</Link> first.
          </p>
        ) : (
          <NewTriggerForm kinds={value.kinds} policies={value.policies} onAdded={loaded.reload} />
        ))}
    </section>
  );
}
