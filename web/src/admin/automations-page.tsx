import { useState } from "react";
import { Link } from "react-router";
import {
  type AssignmentStrategy,
  type AutomationAction,
  type AutomationActionType,
  templatePlaceholders,
} from "../../../src/modules/automations/automation-actions.js";
import {
  type AutomationCondition,
  type AutomationEventKind,
  type ConditionField,
  type ConditionMatch,
  conditionOperators,
} from "../../../src/modules/automations/automation-conditions.js";
import type {
  AutomationRunView,
  AutomationView,
} from "../../../src/modules/automations/automation-presenter.js";
import type { EscalationPolicyView } from "../../../src/modules/paging/paging-presenter.js";
import type { WebhookEndpointView } from "../../../src/modules/webhooks/webhook-presenter.js";
import { api } from "../api.js";
import { type StaffDirectory, useStaffDirectory } from "../staff-directory.js";
import { categoryNames, planNames, severityNames, statusNames } from "../ticket-labels.js";
import { bodyOfDraft, draftOf, fieldsOfDraft, reordered, replaced, tagsOfText } from "./automation-draft.js";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  ConfirmDelete,
  EditButton,
  FormProblems,
  ListEditorForm,
  LoadState,
  namesById,
  SelectField,
  saveItem,
  TextField,
  useDraft,
  useFocusOnOpen,
  useListEditor,
  useLoaded,
  useSubmission,
} from "./form-controls.js";
import { channelNames } from "./labels.js";

const eventNames: Record<AutomationEventKind, string> = {
  "ticket.created": "A ticket is created",
  "ticket.updated": "A ticket is updated",
  "ticket.commented": "A ticket gets a comment",
};

const matchNames: Record<ConditionMatch, string> = {
  all: "All of the conditions",
  any: "Any of the conditions",
};

const fieldNames: Record<ConditionField, string> = {
  channel: "Channel",
  plan: "Plan",
  severity: "Severity",
  category: "Category",
  group: "Group",
  status: "Status",
  tags: "Tags",
  text: "Subject or text",
  business_hours: "Business hours",
};

type Operator = AutomationCondition["operator"];
const operatorNames: Record<Operator, string> = {
  is: "is",
  is_not: "is not",
  includes: "include",
  excludes: "do not include",
  contains: "contains",
  does_not_contain: "does not contain",
};

const businessHoursNames = { within: "Within business hours", outside: "Outside business hours" };

const actionNames: Record<AutomationActionType, string> = {
  set_group: "Set the group",
  set_severity: "Set the severity",
  set_assignee: "Set the assignee",
  set_status: "Set the status",
  add_tags: "Add tags",
  remove_tags: "Remove tags",
  add_internal_note: "Add an internal note",
  send_public_reply: "Send a public reply",
  notify_by_email: "Notify people by email",
  open_page: "Page an escalation policy",
  call_webhook: "Call a webhook",
  assign_in_group: "Assign within a group",
};

const strategyNames: Record<AssignmentStrategy, string> = {
  round_robin: "Round robin: take turns",
  least_loaded: "Least loaded: fewest New and Open tickets",
};

const outcomeNames: Record<AutomationRunView["outcome"], string> = {
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
};

const placeholderHint = `Placeholders: ${templatePlaceholders.map((name) => `{{${name}}}`).join(", ")}`;

/** What the form's selects offer: the desk's groups, staff, escalation policies and webhook endpoints. */
interface Choices {
  groups: Record<string, string>;
  staff: Record<string, string>;
  policies: Record<string, string>;
  endpoints: Record<string, string>;
}

/** A condition's possible values, for the fields that have a fixed set; text and tags are typed. */
function valueNames(field: ConditionField, choices: Choices): Record<string, string> | null {
  switch (field) {
    case "channel":
      return channelNames;
    case "plan":
      return planNames;
    case "severity":
      return severityNames;
    case "category":
      return categoryNames;
    case "status":
      return statusNames;
    case "group":
      return choices.groups;
    case "business_hours":
      return businessHoursNames;
    default:
      return null;
  }
}

/** The names of `values` only, in their order: the operators one condition field takes. */
const namesOf = <Value extends string>(values: readonly Value[], names: Record<Value, string>) =>
  Object.fromEntries(values.map((value) => [value, names[value]])) as Record<Value, string>;

const firstKey = (names: Record<string, string>) => Object.keys(names)[0] ?? "";

function blankCondition(field: ConditionField, choices: Choices): AutomationCondition {
  const names = valueNames(field, choices);
  return { field, operator: conditionOperators[field][0], value: names ? firstKey(names) : "" };
}

function blankAction(type: AutomationActionType, choices: Choices): AutomationAction {
  const groupId = firstKey(choices.groups);
  switch (type) {
    case "set_group":
      return { type, groupId };
    case "set_severity":
      return { type, severity: "sev2" };
    case "set_assignee":
      return { type, assigneeId: null };
    case "set_status":
      return { type, status: "open" };
    case "add_tags":
    case "remove_tags":
      return { type, tags: [] };
    case "add_internal_note":
    case "send_public_reply":
      return { type, body: "" };
    case "notify_by_email":
      return { type, personIds: [], subject: "", body: "" };
    case "open_page":
      return { type, policyId: firstKey(choices.policies) };
    case "call_webhook":
      return { type, endpointId: firstKey(choices.endpoints) };
    case "assign_in_group":
      return { type, groupId, strategy: "round_robin" };
  }
}

function ConditionRow({
  condition,
  index,
  choices,
  onChange,
  onRemove,
}: {
  condition: AutomationCondition;
  index: number;
  choices: Choices;
  onChange(condition: AutomationCondition): void;
  onRemove(): void;
}) {
  const at = `conditions/${index}`;
  const operators = namesOf<Operator>(conditionOperators[condition.field], operatorNames);
  const values = valueNames(condition.field, choices);
  const bindValue = { label: "Value", name: `${at}/value`, value: condition.value };
  return (
    <fieldset>
      <legend>Condition {index + 1}</legend>
      <div className="target-controls">
        <SelectField
          label="Field"
          name={`${at}/field`}
          names={fieldNames}
          value={condition.field}
          onChange={(field) => onChange(blankCondition(field, choices))}
        />
        <SelectField
          label="Operator"
          name={`${at}/operator`}
          names={operators}
          value={condition.operator}
          onChange={(operator) => onChange({ ...condition, operator })}
        />
        {values ? (
          <SelectField
            {...bindValue}
            names={values}
            onChange={(value) => onChange({ ...condition, value })}
          />
        ) : (
          <TextField {...bindValue} maxLength={500} onChange={(value) => onChange({ ...condition, value })} />
        )}
        <button type="button" onClick={onRemove}>
          Remove<span className="visually-hidden"> condition {index + 1}</span>
        </button>
      </div>
    </fieldset>
  );
}

/** The inputs one kind of action takes, named by their paths in the API's refusals. */
function ActionInputs({
  action,
  at,
  choices,
  onChange,
}: {
  action: AutomationAction;
  at: string;
  choices: Choices;
  onChange(action: AutomationAction): void;
}) {
  switch (action.type) {
    case "set_group":
      return (
        <SelectField
          label="Group"
          name={`${at}/groupId`}
          names={choices.groups}
          value={action.groupId}
          onChange={(groupId) => onChange({ ...action, groupId })}
        />
      );
    case "set_severity":
      return (
        <SelectField
          label="Severity"
          name={`${at}/severity`}
          names={severityNames}
          value={action.severity}
          onChange={(severity) => onChange({ ...action, severity })}
        />
      );
    case "set_assignee":
      return (
        <SelectField
          label="Assignee"
          name={`${at}/assigneeId`}
          names={{ "": "Nobody", ...choices.staff }}
          value={action.assigneeId ?? ""}
          onChange={(assigneeId) => onChange({ ...action, assigneeId: assigneeId || null })}
        />
      );
    case "set_status":
      return (
        <SelectField
          label="Status"
          name={`${at}/status`}
          names={statusNames}
          value={action.status}
          onChange={(status) => onChange({ ...action, status })}
        />
      );
    case "add_tags":
    case "remove_tags":
      return (
        <TextField
          label="Tags"
          name={`${at}/tags`}
          hint="Separated by commas."
          value={action.tags.join(", ")}
          onChange={(text) => onChange({ ...action, tags: tagsOfText(text) })}
        />
      );
    case "add_internal_note":
    case "send_public_reply":
      return (
        <TextField
          label={action.type === "add_internal_note" ? "Note" : "Reply"}
          name={`${at}/body`}
          hint={placeholderHint}
          rows={4}
          value={action.body}
          onChange={(body) => onChange({ ...action, body })}
        />
      );
    case "notify_by_email":
      return (
        <>
          <CheckboxGroup
            legend="People"
            name={`${at}/personIds`}
            names={choices.staff}
            value={action.personIds}
            onChange={(personIds) => onChange({ ...action, personIds })}
          />
          <TextField
            label="Subject"
            name={`${at}/subject`}
            hint={placeholderHint}
            value={action.subject}
            onChange={(subject) => onChange({ ...action, subject })}
          />
          <TextField
            label="Message"
            name={`${at}/body`}
            rows={4}
            value={action.body}
            onChange={(body) => onChange({ ...action, body })}
          />
        </>
      );
    case "open_page":
      return (
        <SelectField
          label="Escalation policy"
          name={`${at}/policyId`}
          names={choices.policies}
          value={action.policyId}
          onChange={(policyId) => onChange({ ...action, policyId })}
        />
      );
    case "call_webhook":
      return (
        <>
          <SelectField
            label="Webhook endpoint"
            name={`${at}/endpointId`}
            names={choices.endpoints}
            value={action.endpointId}
            onChange={(endpointId) => onChange({ ...action, endpointId })}
          />
          <TextField
            label="Body (optional)"
            name={`${at}/bodyTemplate`}
            hint={`JSON to post instead of Tend's own message, for a receiver that expects its own format (a chat tool's incoming webhook). Placeholders go inside its strings. ${placeholderHint}`}
            rows={4}
            value={action.bodyTemplate ?? ""}
            onChange={(text) => {
              // Left empty, the action sends Tend's own message: the field is not sent at all.
              const { bodyTemplate: _, ...rest } = action;
              onChange(text.trim() === "" ? rest : { ...rest, bodyTemplate: text });
            }}
          />
        </>
      );
    case "assign_in_group":
      return (
        <>
          <SelectField
            label="Group"
            name={`${at}/groupId`}
            names={choices.groups}
            value={action.groupId}
            onChange={(groupId) => onChange({ ...action, groupId })}
          />
          <SelectField
            label="Strategy"
            name={`${at}/strategy`}
            hint="Only agents on duty are assigned."
            names={strategyNames}
            value={action.strategy}
            onChange={(strategy) => onChange({ ...action, strategy })}
          />
        </>
      );
  }
}

function ActionRow({
  action,
  index,
  choices,
  onChange,
  onRemove,
}: {
  action: AutomationAction;
  index: number;
  choices: Choices;
  onChange(action: AutomationAction): void;
  onRemove(): void;
}) {
  const at = `actions/${index}`;
  return (
    <fieldset>
      <legend>Action {index + 1}</legend>
      <SelectField
        label="Do"
        name={`${at}/type`}
        names={actionNames}
        value={action.type}
        onChange={(type) => onChange(blankAction(type, choices))}
      />
      <ActionInputs action={action} at={at} choices={choices} onChange={onChange} />
      <button type="button" onClick={onRemove}>
        Remove<span className="visually-hidden"> action {index + 1}</span>
      </button>
    </fieldset>
  );
}

function AutomationForm({
  automation,
  choices,
  onSaved,
}: {
  automation: AutomationView | null;
  choices: Choices;
  onSaved(): void;
}) {
  const { draft, setDraft, bind } = useDraft(() => draftOf(automation));
  const submission = useSubmission(fieldsOfDraft(draft));
  useFocusOnOpen(submission.formRef);
  const setConditions = (conditions: AutomationCondition[]) =>
    setDraft((current) => ({ ...current, conditions }));
  const setActions = (actions: AutomationAction[]) => setDraft((current) => ({ ...current, actions }));
  return (
    <AdminForm
      submission={submission}
      title={automation ? `Edit ${automation.name}` : "New automation"}
      heading="h2"
      submitLabel={automation ? "Save automation" : "Add automation"}
      onSubmit={submission.submit(async () => {
        await saveItem("/automations", automation, bodyOfDraft(draft));
        onSaved();
      })}
    >
      <TextField label="Name" required maxLength={200} {...bind("name")} />
      <CheckboxGroup legend="Runs when" names={eventNames} {...bind("events")} />
      <SelectField
        label="Acts when"
        hint="With no conditions it acts on every event it runs on."
        names={matchNames}
        {...bind("match")}
      />
      {draft.conditions.map((condition, index) => (
        <ConditionRow
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; their place is what the API names
          key={index}
          condition={condition}
          index={index}
          choices={choices}
          onChange={(changed) => setConditions(replaced(draft.conditions, index, changed))}
          onRemove={() => setConditions(draft.conditions.filter((_, at) => at !== index))}
        />
      ))}
      <div className="row-actions">
        <button
          type="button"
          onClick={() => setConditions([...draft.conditions, blankCondition("text", choices)])}
        >
          Add a condition
        </button>
      </div>
      {draft.actions.map((action, index) => (
        <ActionRow
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; their place is what the API names
          key={index}
          action={action}
          index={index}
          choices={choices}
          onChange={(changed) => setActions(replaced(draft.actions, index, changed))}
          onRemove={() => setActions(draft.actions.filter((_, at) => at !== index))}
        />
      ))}
      <div className="row-actions">
        <button
          type="button"
          onClick={() => setActions([...draft.actions, blankAction("add_tags", choices)])}
        >
          Add an action
        </button>
      </div>
    </AdminForm>
  );
}

/** What a run's actions that succeeded (or failed) did, in the order they ran. */
const resultsWhere = (run: AutomationRunView, ok: boolean) =>
  run.results
    .filter((result) => result.ok === ok)
    .map((result) => `${actionNames[result.action]}: ${result.detail}`)
    .join("; ");

/** An automation's last runs, newest first: which ticket, how it ended, what each action did. */
function Runs({ automation }: { automation: AutomationView }) {
  const loaded = useLoaded(
    () => api<AutomationRunView[]>("GET", `/automations/${automation.id}/runs`),
    [automation.id],
  );
  return (
    <section aria-label={`Runs of ${automation.name}`}>
      <h2>Recent runs of {automation.name}</h2>
      {loaded.value === null && <LoadState error={loaded.error} what="Runs" />}
      {loaded.value?.length === 0 && <p className="empty">It has not run yet.</p>}
      {loaded.value && loaded.value.length > 0 && (
        <AdminTable columns={["When", "Ticket", "Outcome", "Done", "Failed"]}>
          {loaded.value.map((run) => (
            <tr key={run.id}>
              <td>
                <time dateTime={run.ranAt}>{new Date(run.ranAt).toLocaleString()}</time>
              </td>
              <td>
                {run.ticketNumber === null ? (
                  "Deleted"
                ) : (
                  <Link to={`/tickets/${run.ticketNumber}`}>#{run.ticketNumber}</Link>
                )}
              </td>
              <td>{outcomeNames[run.outcome]}</td>
              <td>{resultsWhere(run, true)}</td>
              <td>{resultsWhere(run, false)}</td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function choicesOf(
  directory: StaffDirectory,
  policies: EscalationPolicyView[],
  endpoints: WebhookEndpointView[],
): Choices {
  return {
    groups: namesById(directory.groups),
    staff: namesById(directory.staff),
    policies: namesById(policies),
    endpoints: Object.fromEntries(
      endpoints.map((endpoint) => [endpoint.id, endpoint.description || endpoint.url]),
    ),
  };
}

/** `/admin/automations`: what the desk does by itself on ticket events, in the order it runs. */
export function AutomationsPage() {
  const directory = useStaffDirectory();
  const loaded = useLoaded(async () => {
    const [automations, { policies }, endpoints] = await Promise.all([
      api<AutomationView[]>("GET", "/automations"),
      api<{ policies: EscalationPolicyView[] }>("GET", "/escalation-policies"),
      api<{ items: WebhookEndpointView[] }>("GET", "/webhooks/endpoints?limit=200"),
    ]);
    return { automations, policies, endpoints: endpoints.items };
  });
  const editor = useListEditor(loaded.reload);
  const action = useSubmission([]);
  const [shownRuns, setShownRuns] = useState<string | null>(null);
  const automations = loaded.value?.automations;
  const change = (request: () => Promise<unknown>) =>
    action.run(async () => {
      await request();
      loaded.reload();
    });
  return (
    <div className="admin-page">
      <h1>Automations</h1>
      <p className="hint">
        On each ticket event, the enabled automations run top to bottom; a later one sees what an earlier one
        changed.
      </p>
      {!automations && <LoadState error={loaded.error ?? directory.error} what="Automations" />}
      {automations?.length === 0 && <p className="empty">No automations yet.</p>}
      {automations && automations.length > 0 && (
        <AdminTable columns={["Name", "Runs when", "State", "Actions"]}>
          {automations.map((automation, index) => (
            <tr key={automation.id}>
              <td>{automation.name}</td>
              <td>{automation.events.map((event) => eventNames[event]).join(", ")}</td>
              <td>{automation.enabled ? "On" : "Off"}</td>
              <td>
                <div className="row-actions">
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() =>
                      change(() =>
                        api("PATCH", `/automations/${automation.id}`, { enabled: !automation.enabled }),
                      )
                    }
                  >
                    {automation.enabled ? "Turn off" : "Turn on"}
                    <span className="visually-hidden"> {automation.name}</span>
                  </button>
                  <button
                    type="button"
                    disabled={action.busy || index === 0}
                    onClick={() =>
                      change(() =>
                        api("PUT", "/automations/order", { ids: reordered(automations, index, -1) }),
                      )
                    }
                  >
                    Move up<span className="visually-hidden"> {automation.name}</span>
                  </button>
                  <button
                    type="button"
                    disabled={action.busy || index === automations.length - 1}
                    onClick={() =>
                      change(() =>
                        api("PUT", "/automations/order", { ids: reordered(automations, index, 1) }),
                      )
                    }
                  >
                    Move down<span className="visually-hidden"> {automation.name}</span>
                  </button>
                  <EditButton editor={editor} id={automation.id} name={automation.name} />
                  <button
                    type="button"
                    aria-expanded={shownRuns === automation.id}
                    onClick={() => setShownRuns(shownRuns === automation.id ? null : automation.id)}
                  >
                    Runs<span className="visually-hidden"> of {automation.name}</span>
                  </button>
                  <ConfirmDelete
                    name={automation.name}
                    path={`/automations/${automation.id}`}
                    onDeleted={loaded.reload}
                  />
                </div>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <FormProblems problems={action.problems} />
      {automations?.map(
        (automation) => shownRuns === automation.id && <Runs key={automation.id} automation={automation} />,
      )}
      {loaded.value && (
        <ListEditorForm editor={editor} newLabel="New automation">
          {(open) => (
            <AutomationForm
              automation={automations?.find((automation) => automation.id === open) ?? null}
              choices={choicesOf(directory, loaded.value?.policies ?? [], loaded.value?.endpoints ?? [])}
              onSaved={editor.saved}
            />
          )}
        </ListEditorForm>
      )}
    </div>
  );
}
