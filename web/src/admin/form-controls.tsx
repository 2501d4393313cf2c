import {
  createContext,
  type FormEvent,
  type FormEventHandler,
  Fragment,
  type InputHTMLAttributes,
  type ReactNode,
  type RefObject,
  type TextareaHTMLAttributes,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { ApiError, api, type Page } from "../api.js";
import { type PlacedProblems, placeProblems } from "./field-errors.js";

/** What a control needs to be named by its label and described by its error. */
export interface ControlProps {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

function describedBy(...ids: (string | false)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

/** The refusal a form shows: its fields find their own messages in it by name. */
export const FormProblemsContext = createContext<PlacedProblems | null>(null);

/** A field's messages: from `problems` when given, else from the enclosing form's refusal. */
function useFieldMessages(name: string, problems: PlacedProblems | null | undefined): string[] {
  const formProblems = useContext(FormProblemsContext);
  return (problems === undefined ? formProblems : problems)?.byField[name] ?? [];
}

/** A labelled control with its hint and the API's messages for it, tied together for screen readers. */
export function Field({
  label,
  name,
  problems,
  hint,
  children,
}: {
  label: string;
  name: string;
  /** By default the enclosing form's (`FormProblemsContext`). */
  problems?: PlacedProblems | null;
  hint?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const messages = useFieldMessages(name, problems);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {children({
        id,
        name,
        "aria-invalid": messages.length > 0 ? true : undefined,
        "aria-describedby": describedBy(Boolean(hint) && `${id}-hint`, messages.length > 0 && `${id}-error`),
      })}
      {messages.length > 0 && (
        <p id={`${id}-error`} className="field-error">
          {messages.join("; ")}
        </p>
      )}
    </div>
  );
}

/** One value of a draft in a labelled control; `bind(key)` of `useDraft` gives `name`, `value`, `onChange`. */
interface BoundField<Value> {
  label: string;
  /** The field's path in the API's refusals, which places its messages. */
  name: string;
  hint?: string;
  value: Value;
  onChange(value: Value): void;
}

/** What `Field` sets on the control, so a caller cannot set it differently. */
type FieldOwned = "id" | "name" | "value" | "onChange" | "aria-invalid" | "aria-describedby";

type TextAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement> & TextareaHTMLAttributes<HTMLTextAreaElement>,
  FieldOwned
>;

/** A text input, or a textarea when it is given `rows`. */
export function TextField({
  label,
  name,
  hint,
  value,
  onChange,
  ...attributes
}: BoundField<string> & TextAttributes) {
  const Control = attributes.rows ? "textarea" : "input";
  return (
    <Field label={label} name={name} hint={hint}>
      {(control) => (
        <Control {...attributes} {...control} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

/** A choice among `names` (label by value), offered in the order `names` lists them. */
export function SelectField<Value extends string>({
  label,
  name,
  hint,
  value,
  onChange,
  names,
}: BoundField<Value> & { names: Record<Value, string> }) {
  return (
    <Field label={label} name={name} hint={hint}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value as Value)}>
          {(Object.keys(names) as Value[]).map((option) => (
            <option key={option} value={option}>
              {names[option]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/**
 * Items (policies, calendars) as `SelectField` names, in list order: their ids are UUIDs, never the
 * integer-like keys an object would move to the front.
 */
export const namesById = (items: readonly { id: string; name: string }[]): Record<string, string> =>
  Object.fromEntries(items.map((item) => [item.id, item.name]));

/**
 * A form's draft, and `bind(key)`: what ties one of its values to a `TextField`, `SelectField` or
 * `CheckboxGroup`, named `name` in the API's refusals (by default the key itself).
 */
export function useDraft<Draft extends object>(initial: Draft | (() => Draft)) {
  const [draft, setDraft] = useState<Draft>(initial);
  const bind = <Key extends keyof Draft & string>(key: Key, name: string = key) => ({
    name,
    value: draft[key],
    onChange: (value: Draft[Key]) => setDraft((current) => ({ ...current, [key]: value })),
  });
  return { draft, setDraft, bind };
}

/** Checkboxes over a fixed vocabulary (plans, severities, scopes): none ticked means "any" where the API says so. */
export function CheckboxGroup<Value extends string>({
  legend,
  name,
  names,
  value: selected,
  onChange,
  hint,
}: {
  legend: string;
  name: string;
  names: Record<Value, string>;
  value: readonly Value[];
  onChange(next: Value[]): void;
  hint?: string;
}) {
  const id = useId();
  const messages = useFieldMessages(name, undefined);
  const values = Object.keys(names) as Value[];
  return (
    <fieldset
      className="checkboxes"
      aria-invalid={messages.length > 0 ? true : undefined}
      aria-describedby={describedBy(Boolean(hint) && `${id}-hint`, messages.length > 0 && `${id}-error`)}
    >
      <legend>{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {values.map((value) => (
        <label key={value} className="check">
          <input
            type="checkbox"
            name={name}
            value={value}
            checked={selected.includes(value)}
            onChange={(event) =>
              onChange(
                event.currentTarget.checked
                  ? values.filter((v) => v === value || selected.includes(v))
                  : selected.filter((v) => v !== value),
              )
            }
          />{" "}
          {names[value]}
        </label>
      ))}
      {messages.length > 0 && (
        <p id={`${id}-error`} className="field-error">
          {messages.join("; ")}
        </p>
      )}
    </fieldset>
  );
}

/** The refusal's messages no field shows, announced when they appear. */
export function FormProblems({ problems }: { problems: PlacedProblems | null }) {
  if (!problems || problems.general.length === 0) return null;
  return (
    <div className="error" role="alert">
      {problems.general.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/**
 * An admin form: named by its heading, with the refusal's messages no field claims just above its submit
 * button, where the user is looking when the API answers.
 */
export function AdminForm({
  submission,
  title,
  heading: Heading,
  submitLabel,
  onSubmit,
  children,
}: {
  submission: Submission;
  title: string;
  heading: "h2" | "h3";
  submitLabel: string;
  onSubmit: FormEventHandler<HTMLFormElement>;
  children: ReactNode;
}) {
  const titleId = useId();
  return (
    <form ref={submission.formRef} className="admin-form" aria-labelledby={titleId} onSubmit={onSubmit}>
      <Heading id={titleId}>{title}</Heading>
      <FormProblemsContext value={submission.problems}>{children}</FormProblemsContext>
      <FormProblems problems={submission.problems} />
      <button type="submit" className="primary" disabled={submission.busy}>
        {submitLabel}
      </button>
    </form>
  );
}

export interface Submission {
  problems: PlacedProblems | null;
  busy: boolean;
  formRef: RefObject<HTMLFormElement | null>;
  /** Runs `action`; on a refusal places its errors on `fields`. */
  run(action: () => Promise<void>): void;
  /** `run` as a form's onSubmit handler. */
  submit(action: () => Promise<void>): (event: FormEvent<HTMLFormElement>) => void;
  /** Shows a problem found before asking the API (a malformed time), the way the API's are shown. */
  refuse(problems: PlacedProblems): void;
}

/**
 * A form's round trip to the API. After a refusal, focus moves to the first field in error, so a
 * keyboard or screen reader user lands on what to fix.
 */
export function useSubmission(fields: readonly string[]): Submission {
  const [problems, setProblems] = useState<PlacedProblems | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!problems) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [problems]);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    action()
      .then(() => setProblems(null))
      .catch((error: unknown) =>
        setProblems(
          error instanceof ApiError
            ? placeProblems(error.problem, fields)
            : { byField: {}, general: ["Something went wrong. Try again."] },
        ),
      )
      .finally(() => setBusy(false));
  };
  return {
    problems,
    busy,
    formRef,
    refuse: setProblems,
    run,
    submit: (action) => (event) => {
      event.preventDefault();
      run(action);
    },
  };
}

/** A form opened on request (edit, new) takes the keyboard to its first field, not the page's end. */
export function useFocusOnOpen(formRef: RefObject<HTMLFormElement | null>): void {
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }, [formRef]);
}

/** Which form below a list is open: "new", the id of the item being edited, or none. */
export function useListEditor(onSaved: () => void) {
  const [open, setOpen] = useState<string | null>(null);
  return {
    open,
    setOpen,
    saved: () => {
      setOpen(null);
      onSaved();
    },
  };
}
type ListEditor = ReturnType<typeof useListEditor>;

/** What a list's form does on submit: create the new item in `collection`, or update the one open. */
export async function saveItem(
  collection: string,
  item: { id: string } | null,
  body: unknown,
): Promise<void> {
  if (item) await api("PATCH", `${collection}/${item.id}`, body);
  else await api("POST", collection, body);
}

/** An item's Edit button; a screen reader hears which item, and whether its form is open. */
export function EditButton({ editor, id, name }: { editor: ListEditor; id: string; name: string }) {
  return (
    <button type="button" onClick={() => editor.setOpen(id)} aria-expanded={editor.open === id}>
      Edit<span className="visually-hidden"> {name}</span>
    </button>
  );
}

/** Below a list: the button for a new item, or the open form with a Cancel. */
export function ListEditorForm({
  editor,
  newLabel,
  children,
}: {
  editor: ListEditor;
  newLabel: string;
  children(open: string): ReactNode;
}) {
  if (editor.open === null)
    return (
      <button type="button" onClick={() => editor.setOpen("new")}>
        {newLabel}
      </button>
    );
  // Keyed by what is open, so switching items starts a fresh draft of the other item.
  return (
    <Fragment key={editor.open}>
      {children(editor.open)}
      <button type="button" className="link" onClick={() => editor.setOpen(null)}>
        Cancel
      </button>
    </Fragment>
  );
}

/** An item's Delete, asked twice: the second click deletes `path` and calls `onDeleted`. */
export function ConfirmDelete({ name, path, onDeleted }: { name: string; path: string; onDeleted(): void }) {
  const [asking, setAsking] = useState(false);
  const deletion = useSubmission([]);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Delete<span className="visually-hidden"> {name}</span>
      </button>
    );
  return (
    <>
      <span role="alert">Delete {name} for good?</span>
      <button
        type="button"
        disabled={deletion.busy}
        onClick={() =>
          deletion.run(async () => {
            await api("DELETE", path);
            onDeleted();
          })
        }
      >
        Yes, delete<span className="visually-hidden"> {name}</span>
      </button>
      <button type="button" className="link" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <FormProblems problems={deletion.problems} />
    </>
  );
}

/** Every page of a cursor-paged list: admin lists are read whole (a desk has hundreds, not millions). */
export async function everyPage<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page: Page<T> = await api<Page<T>>(
      "GET",
      `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Loads with `load` now and whenever `reload()` is called; `error` says why it could not. */
export function useLoaded<T>(load: () => Promise<T>, dependencies: readonly unknown[] = []) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on
  useEffect(() => {
    let current = true;
    latest
      .current()
      .then((loaded) => {
        if (!current) return;
        setValue(loaded);
        setError(null);
      })
      .catch((caught: Error) => current && setError(caught.message));
    return () => {
      current = false;
    };
  }, [revision, ...dependencies]);
  return { value, error, reload: () => setRevision((n) => n + 1) };
}

/** A list of items as rows under a header row; a column's name may be for screen readers only. */
export function AdminTable({ columns, children }: { columns: readonly ReactNode[]; children: ReactNode }) {
  return (
    <table className="admin-table">
      <thead>
        <tr>
          {columns.map((column, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a table's columns are fixed, so their place names them
            <th key={index} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** Plain "Loading…" or the reason a list could not load. */
export function LoadState({ error, what }: { error: string | null; what: string }) {
  if (error)
    return (
      <p className="error" role="alert">
        {what} could not load: {error}
      </p>
    );
  return <p className="muted">Loading {what.toLowerCase()}…</p>;
}
