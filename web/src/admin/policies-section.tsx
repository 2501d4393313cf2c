import type { CalendarView } from "../../../src/modules/sla/manage-calendars.js";
import type { PolicyView } from "../../../src/modules/sla/manage-policies.js";
import { api } from "../api.js";
import { stageNames } from "../organization-panel.js";
import { categoryNames, metricNames, planNames, severityNames } from "../ticket-labels.js";
import {
  AdminForm,
  CheckboxGroup,
  EditButton,
  FormProblems,
  ListEditorForm,
  saveItem,
  TextField,
  useDraft,
  useFocusOnOpen,
  useListEditor,
  useSubmission,
} from "./form-controls.js";
import { channelNames } from "./labels.js";
import {
  newTargetDraft,
  type TargetDraft,
  TargetsEditor,
  targetBody,
  draftOf as targetDraftOf,
  targetFieldNames,
} from "./targets-editor.js";

type Conditions = PolicyView["conditions"];

/** The conditions the form edits as checkboxes; organizations and tags are kept or typed. */
const vocabularies = {
  plans: { legend: "Plans", names: planNames },
  stages: { legend: "Stages", names: stageNames },
  severities: { legend: "Severities", names: severityNames },
  categories: { legend: "Categories", names: categoryNames },
  channels: { legend: "Channels", names: channelNames },
} as const;
type Vocabulary = keyof typeof vocabularies;

interface PolicyDraft {
  name: string;
  description: string;
  active: boolean;
  conditions: Conditions;
  tags: string;
  targets: TargetDraft[];
}

function draftOf(policy: PolicyView | null, calendars: CalendarView[]): PolicyDraft {
  return {
    name: policy?.name ?? "",
    description: policy?.description ?? "",
    active: policy?.active ?? true,
    conditions: policy?.conditions ?? {},
    tags: (policy?.conditions.tags ?? []).join(", "),
    targets: policy ? policy.targets.map(targetDraftOf) : [newTargetDraft(calendars[0]?.id)],
  };
}

function PolicyForm({
  policy,
  calendars,
  onSaved,
}: {
  policy: PolicyView | null;
  calendars: CalendarView[];
  onSaved(): void;
}) {
  const { draft, setDraft, bind } = useDraft(() => draftOf(policy, calendars));
  const submission = useSubmission([
    "name",
    "description",
    "active",
    "conditions",
    ...Object.keys(vocabularies).map((name) => `conditions/${name}`),
    "conditions/tags",
    ...targetFieldNames(draft.targets.length),
  ]);
  useFocusOnOpen(submission.formRef);
  const title = policy ? `Edit ${policy.name}` : "New policy";
  return (
    <AdminForm
      submission={submission}
      title={title}
      heading="h3"
      submitLabel={policy ? "Save policy" : "Add policy"}
      onSubmit={submission.submit(async () => {
        const tags = draft.tags.split(/[\s,]+/).filter(Boolean);
        const body = {
          name: draft.name,
          description: draft.description,
          active: draft.active,
          conditions: { ...draft.conditions, tags },
          targets: draft.targets.map(targetBody),
        };
        await saveItem("/sla/policies", policy, body);
        onSaved();
      })}
    >
      <TextField label="Policy name" required maxLength={200} {...bind("name")} />
      <TextField label="Description" maxLength={4000} {...bind("description")} />
      <label className="check">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(e) => setDraft({ ...draft, active: e.target.checked })}
        />{" "}
        Active (an inactive policy promises nothing)
      </label>
      <h4>Applies to tickets with</h4>
      <p className="hint">Every condition ticked must hold; a group left empty matches any ticket.</p>
      <div className="conditions">
        {(Object.keys(vocabularies) as Vocabulary[]).map((name) => (
          <CheckboxGroup
            key={name}
            legend={vocabularies[name].legend}
            name={`conditions/${name}`}
            names={vocabularies[name].names as Record<string, string>}
            value={draft.conditions[name] ?? []}
            onChange={(next) => setDraft({ ...draft, conditions: { ...draft.conditions, [name]: next } })}
          />
        ))}
      </div>
      <TextField
        label="Tags"
        hint="The ticket carries at least one of these; separated by commas."
        {...bind("tags", "conditions/tags")}
      />
      {(draft.conditions.organizationIds?.length ?? 0) > 0 && (
        <p className="hint">
          Limited to {draft.conditions.organizationIds?.length} organizations (kept as they are).
        </p>
      )}
      <h4>Targets</h4>
      <TargetsEditor
        targets={draft.targets}
        onChange={(targets) => setDraft({ ...draft, targets })}
        calendars={calendars}
      />
    </AdminForm>
  );
}

function conditionsText(conditions: Conditions): string {
  const parts = (Object.keys(vocabularies) as Vocabulary[])
    .filter((name) => conditions[name]?.length)
    .map((name) => {
      const names = vocabularies[name].names as Record<string, string>;
      return conditions[name]?.map((value) => names[value] ?? value).join(" or ");
    });
  if (conditions.tags?.length) parts.push(`tagged ${conditions.tags.join(" or ")}`);
  if (conditions.organizationIds?.length) parts.push(`${conditions.organizationIds.length} organizations`);
  return parts.length > 0 ? parts.join(", ") : "every ticket";
}

/** The SLA policies in the order they are listed and their clocks shown, each with its conditions and targets. */
export function PoliciesSection({
  policies,
  calendars,
  onSaved,
}: {
  policies: PolicyView[];
  calendars: CalendarView[];
  onSaved(): void;
}) {
  const editor = useListEditor(onSaved);
  const reorder = useSubmission(["policyIds"]);
  const calendarName = (id: string | null) =>
    calendars.find((calendar) => calendar.id === id)?.name ?? "calendar time";
  const move = (index: number, by: -1 | 1) => {
    const order = policies.map((policy) => policy.id);
    const [moved] = order.splice(index, 1);
    if (moved === undefined) return;
    order.splice(index + by, 0, moved);
    reorder.run(async () => {
      await api("PUT", "/sla/policies/order", { policyIds: order });
      onSaved();
    });
  };
  return (
    <section aria-labelledby="policies-title">
      <h2 id="policies-title">SLA policies</h2>
      {policies.length === 0 ? (
        <p className="muted">
          No policies: tickets get no SLA clocks. Add one to promise response and resolution times.
        </p>
      ) : (
        <ol className="config-list policies">
          {policies.map((policy, index) => (
            <li key={policy.id}>
              <strong>{policy.name}</strong> {!policy.active && <span className="muted">(inactive)</span>}
              <span className="summary">For {conditionsText(policy.conditions)}:</span>
              <ul className="plain">
                {policy.targets.map((target, targetIndex) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a target is keyed by its place in the policy
                  <li key={targetIndex}>
                    {metricNames[target.metric]} {target.durationMs / 3_600_000} h on{" "}
                    {calendarName(target.calendarId)}
                    {target.conditions && ` (${conditionsText(target.conditions)})`}
                  </li>
                ))}
              </ul>
              <div className="row-actions">
                <EditButton editor={editor} id={policy.id} name={policy.name} />
                <button type="button" disabled={index === 0 || reorder.busy} onClick={() => move(index, -1)}>
                  Move up<span className="visually-hidden"> {policy.name}</span>
                </button>
                <button
                  type="button"
                  disabled={index === policies.length - 1 || reorder.busy}
                  onClick={() => move(index, 1)}
                >
                  Move down<span className="visually-hidden"> {policy.name}</span>
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      <FormProblems problems={reorder.problems} />
      <ListEditorForm editor={editor} newLabel="New policy">
        {(open) => (
          <PolicyForm
            policy={policies.find((policy) => policy.id === open) ?? null}
            calendars={calendars}
            onSaved={editor.saved}
          />
        )}
      </ListEditorForm>
    </section>
  );
}
