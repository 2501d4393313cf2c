import {
  AdminForm,
  SelectField,
  saveItem,
  TextField,
  useDraft,
  useFocusOnOpen,
  useSubmission,
} from "../admin/form-controls.js";
import {
  blankComponentDraft,
  componentBodyOfDraft,
  componentFields,
  draftOfComponent,
  type StateChoice,
} from "./status-drafts.js";
import { type StatusComponent, stateNames } from "./status-figures.js";

const stateChoices: Record<StateChoice, string> = { auto: "Decided by monitors", ...stateNames };

/** Create a component, or edit `component`: its group, place, manual state and uptime target. */
export function ComponentForm({
  component,
  onSaved,
}: {
  component: StatusComponent | null;
  onSaved(): void;
}) {
  const { draft, bind } = useDraft(() => (component ? draftOfComponent(component) : blankComponentDraft()));
  const submission = useSubmission(componentFields);
  useFocusOnOpen(submission.formRef);
  return (
    <AdminForm
      submission={submission}
      title={component ? `Edit ${component.name}` : "New component"}
      heading="h2"
      submitLabel={component ? "Save component" : "Create component"}
      onSubmit={submission.submit(async () => {
        await saveItem("/status/components", component, componentBodyOfDraft(draft));
        onSaved();
      })}
    >
      <TextField
        label="Group"
        hint="Components are listed under their group on the public page, e.g. Core or Email."
        required
        maxLength={200}
        {...bind("groupName")}
      />
      <TextField label="Component name" required maxLength={200} {...bind("name")} />
      <TextField label="Description" rows={2} maxLength={2000} {...bind("description")} />
      <TextField
        label="Position in its group"
        hint="Lower comes first: 0 to 10000."
        type="number"
        min={0}
        max={10000}
        {...bind("position")}
      />
      <SelectField
        label="State"
        hint="Set by hand, it stays until you choose “Decided by monitors” again."
        names={stateChoices}
        {...bind("state", "manualState")}
      />
      <TextField
        label="Uptime target (%)"
        hint="The monthly objective the error budget is measured against: 50 to 99.999."
        inputMode="decimal"
        {...bind("uptimePercent", "uptimeTarget")}
      />
    </AdminForm>
  );
}
