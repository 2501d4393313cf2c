import { Link } from "react-router";
import type { GroupView } from "../../../src/modules/identity/manage-groups.js";
import {
  AdminForm,
  ConfirmDelete,
  EditButton,
  Field,
  ListEditorForm,
  LoadState,
  saveItem,
  TextField,
  useDraft,
  useFocusOnOpen,
  useListEditor,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api, type PersonView } from "../api.js";
import { useMe } from "../session.js";
import {
  blankPolicyDraft,
  draftOfPolicy,
  type EscalationPolicyView,
  type EscalationTarget,
  type LevelDraft,
  moveLevel,
  newLevel,
  policyBodyOfDraft,
  policyFields,
  policySummary,
  type TargetDirectory,
  targetKey,
  targetName,
  targetOfKey,
  withTarget,
} from "./escalation-policy-draft.js";
import { activeStaff, type ScheduleView } from "./oncall-data.js";

/** What a policy's targets can name, with the names the pickers offer. */
export interface TargetChoices {
  schedules: ScheduleView[];
  staff: PersonView[];
  groups: GroupView[];
  directory: TargetDirectory;
}

export async function loadTargetChoices(): Promise<TargetChoices> {
  const [{ schedules }, staff, groups] = await Promise.all([
    api<{ schedules: ScheduleView[] }>("GET", "/oncall/schedules"),
    activeStaff(),
    api<GroupView[]>("GET", "/groups"),
  ]);
  const byId = (items: { id: string; name: string }[]) => new Map(items.map((item) => [item.id, item.name]));
  return {
    schedules,
    staff,
    groups,
    directory: { schedules: byId(schedules), people: byId(staff), groups: byId(groups) },
  };
}

/**
 * Who a level (or the fallback) notifies, picked by name from one list grouped by kind: a
 * schedule stands for whoever is on call when the step runs.
 */
function TargetsPicker({
  label,
  listLabel,
  name,
  targets,
  choices,
  onChange,
}: {
  label: string;
  listLabel: string;
  name: string;
  targets: EscalationTarget[];
  choices: TargetChoices;
  onChange(next: EscalationTarget[]): void;
}) {
  const chosen = new Set(targets.map(targetKey));
  const offer = (key: string, text: string) =>
    chosen.has(key) ? null : (
      <option key={key} value={key}>
        {text}
      </option>
    );
  return (
    <div className="paging-targets">
      {targets.length > 0 && (
        <ul aria-label={listLabel}>
          {targets.map((target) => {
            const who = targetName(target, choices.directory);
            return (
              <li key={targetKey(target)}>
                {who}{" "}
                <button
                  type="button"
                  className="link"
                  onClick={() => onChange(targets.filter((t) => targetKey(t) !== targetKey(target)))}
                >
                  Remove<span className="visually-hidden"> {who}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <Field label={label} name={name}>
        {(control) => (
          <select
            {...control}
            value=""
            onChange={(event) => {
              const added = targetOfKey(event.target.value);
              if (added) onChange(withTarget(targets, added));
            }}
          >
            <option value="">Pick who to notify…</option>
            <optgroup label="Whoever is on call for">
              {choices.schedules.map((s) => offer(targetKey({ kind: "schedule", scheduleId: s.id }), s.name))}
            </optgroup>
            <optgroup label="A person">
              {choices.staff.map((p) => offer(targetKey({ kind: "person", personId: p.id }), p.name))}
            </optgroup>
            <optgroup label="Everyone in a group">
              {choices.groups.map((g) => offer(targetKey({ kind: "group", groupId: g.id }), g.name))}
            </optgroup>
          </select>
        )}
      </Field>
    </div>
  );
}

function LevelEditor({
  index,
  count,
  level,
  choices,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  count: number;
  level: LevelDraft;
  choices: TargetChoices;
  onChange(next: LevelDraft): void;
  onMove(direction: -1 | 1): void;
  onRemove(): void;
}) {
  const number = index + 1;
  return (
    <fieldset className="paging-level">
      <legend>Level {number}</legend>
      <TargetsPicker
        label={`Add to level ${number}`}
        listLabel={`Level ${number} notifies`}
        name={`levels/${index}/targets`}
        targets={level.targets}
        choices={choices}
        onChange={(targets) => onChange({ ...level, targets })}
      />
      <TextField
        label={`Level ${number} waits (minutes)`}
        hint="For an acknowledgement, before the next level is paged: 1 to 1440."
        type="number"
        min={1}
        max={1440}
        name={`levels/${index}/timeoutMinutes`}
        value={level.timeoutMinutes}
        onChange={(timeoutMinutes) => onChange({ ...level, timeoutMinutes })}
      />
      <div className="row-actions">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)}>
          Move level {number} earlier
        </button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)}>
          Move level {number} later
        </button>
        {count > 1 && (
          <button type="button" onClick={onRemove}>
            Remove level {number}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function PolicyForm({
  policy,
  choices,
  onSaved,
}: {
  policy: EscalationPolicyView | null;
  choices: TargetChoices;
  onSaved(): void;
}) {
  const { draft, setDraft, bind } = useDraft(() => (policy ? draftOfPolicy(policy) : blankPolicyDraft()));
  const submission = useSubmission(policyFields(draft));
  useFocusOnOpen(submission.formRef);
  const setLevels = (levels: LevelDraft[]) => setDraft((current) => ({ ...current, levels }));
  return (
    <AdminForm
      submission={submission}
      title={policy ? `Edit ${policy.name}` : "New escalation policy"}
      heading="h2"
      submitLabel={policy ? "Save policy" : "Create policy"}
      onSubmit={submission.submit(async () => {
        await saveItem("/escalation-policies", policy, policyBodyOfDraft(draft, policy !== null));
        onSaved();
      })}
    >
      <TextField
        label="Policy name"
        hint="What people page by, e.g. support-leadership: the CLI and chat name it."
        required
        maxLength={100}
        {...bind("name")}
      />
      <p className="hint">
        A page notifies level 1 at once; whoever is not answered in time, the next level.
      </p>
      {draft.levels.map((level, index) => (
        <LevelEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: levels have no id; the API names them by place
          key={index}
          index={index}
          count={draft.levels.length}
          level={level}
          choices={choices}
          onChange={(next) => setLevels(draft.levels.map((l, i) => (i === index ? next : l)))}
          onMove={(direction) => setLevels(moveLevel(draft.levels, index, direction))}
          onRemove={() => setLevels(draft.levels.filter((_, i) => i !== index))}
        />
      ))}
      <div className="row-actions">
        <button
          type="button"
          disabled={draft.levels.length >= 10}
          onClick={() => setLevels([...draft.levels, newLevel()])}
        >
          Add a level
        </button>
      </div>
      <TextField
        label="Repeat the levels"
        hint="How many more times to go through every level when nobody answers: 0 to 9."
        type="number"
        min={0}
        max={9}
        {...bind("repeats")}
      />
      <fieldset className="paging-fallback">
        <legend>Final fallback</legend>
        <p className="hint">Notified once, when every pass went unanswered. Optional.</p>
        <TargetsPicker
          label="Add to the final fallback"
          listLabel="The final fallback notifies"
          name="fallback"
          targets={draft.fallback}
          choices={choices}
          onChange={(fallback) => setDraft((current) => ({ ...current, fallback }))}
        />
      </fieldset>
      <TextField
        label="Chat webhook URL"
        hint={
          policy?.chatWebhookConfigured
            ? "One is set (it stays secret). Type a new URL to replace it."
            : "Optional: a Slack-compatible incoming webhook each step is posted to."
        }
        type="url"
        maxLength={2000}
        disabled={draft.removeChatWebhook}
        {...bind("chatWebhookUrl")}
      />
      {policy?.chatWebhookConfigured && (
        <label className="check">
          <input
            type="checkbox"
            checked={draft.removeChatWebhook}
            onChange={(event) => {
              const removeChatWebhook = event.currentTarget.checked;
              setDraft((current) => ({ ...current, removeChatWebhook }));
            }}
          />{" "}
          Stop posting to chat
        </label>
      )}
    </AdminForm>
  );
}

/** `/oncall/policies`: who is paged, in which order and how long each has; admins edit them. */
export function EscalationPoliciesPage() {
  const me = useMe();
  const admin = me.role === "admin";
  const loaded = useLoaded(async () => {
    const [{ policies }, choices] = await Promise.all([
      api<{ policies: EscalationPolicyView[] }>("GET", "/escalation-policies"),
      loadTargetChoices(),
    ]);
    return { policies, choices };
  });
  const editor = useListEditor(loaded.reload);
  const value = loaded.value;
  return (
    <>
      <p className="crumbs">
        <Link to="/oncall">On call</Link> › <Link to="/oncall/pages">Pages</Link>
      </p>
      <h1>Escalation policies</h1>
      {value === null && <LoadState error={loaded.error} what="Escalation policies" />}
      {value?.policies.length === 0 && (
        <p className="empty">
          No escalation policies yet.{" "}
          {admin ? "Create one below: who is paged first, and who next." : "An admin sets them up."}
        </p>
      )}
      {value && value.policies.length > 0 && (
        <ul className="config-list" aria-label="Escalation policies">
          {value.policies.map((policy) => (
            <li key={policy.id}>
              <strong>{policy.name}</strong>
              <ol className="paging-summary">
                {policySummary(policy, value.choices.directory).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ol>
              {policy.chatWebhookConfigured && <span className="summary">Each step is posted to chat.</span>}
              {admin && (
                <div className="row-actions">
                  <EditButton editor={editor} id={policy.id} name={policy.name} />
                  <ConfirmDelete
                    name={policy.name}
                    path={`/escalation-policies/${policy.id}`}
                    onDeleted={loaded.reload}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {admin && value && (
        <ListEditorForm editor={editor} newLabel="New escalation policy">
          {(open) => (
            <PolicyForm
              policy={value.policies.find((policy) => policy.id === open) ?? null}
              choices={value.choices}
              onSaved={editor.saved}
            />
          )}
        </ListEditorForm>
      )}
    </>
  );
}
