import { useEffect, useRef, useState } from "react";
import {
  AdminForm,
  SelectField,
  TextField,
  useDraft,
  useFocusOnOpen,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import {
  blankMonitorDraft,
  draftOfMonitor,
  kindNames,
  monitorBodyOfDraft,
  monitorFields,
  pushInstructions,
} from "./status-drafts.js";
import type { StatusMonitorView } from "./status-figures.js";

/** What creating a monitor answers: a push monitor's token, this once. */
export type CreatedMonitor = StatusMonitorView & { pushToken?: string };

const methodNames = { GET: "GET", HEAD: "HEAD" } as const;

/** Create a monitor on `componentId`, or edit `monitor` (its kind stays what it was made as). */
export function MonitorForm({
  componentId,
  monitor,
  onSaved,
}: {
  componentId: string;
  monitor: StatusMonitorView | null;
  onSaved(created: CreatedMonitor | null): void;
}) {
  const { draft, setDraft, bind } = useDraft(() => (monitor ? draftOfMonitor(monitor) : blankMonitorDraft()));
  const submission = useSubmission(monitorFields);
  useFocusOnOpen(submission.formRef);
  const timeoutName = draft.kind === "tcp" ? "tcp/timeoutMs" : "http/timeoutMs";
  return (
    <AdminForm
      submission={submission}
      title={monitor ? `Edit ${monitor.name}` : "New monitor"}
      heading="h3"
      submitLabel={monitor ? "Save monitor" : "Create monitor"}
      onSubmit={submission.submit(async () => {
        if (monitor) {
          await api("PATCH", `/status/monitors/${monitor.id}`, monitorBodyOfDraft(draft, null));
          onSaved(null);
        } else {
          onSaved(
            await api<CreatedMonitor>("POST", "/status/monitors", monitorBodyOfDraft(draft, { componentId })),
          );
        }
      })}
    >
      <TextField label="Monitor name" required maxLength={200} {...bind("name")} />
      {monitor ? (
        <p>Kind: {kindNames[monitor.kind]}</p>
      ) : (
        <SelectField
          label="Kind"
          hint="HTTP and TCP monitors are checked by Tend's worker; a push monitor is told by your system."
          names={kindNames}
          {...bind("kind")}
        />
      )}
      <TextField
        label="Interval (seconds)"
        hint={
          draft.kind === "push"
            ? "How often your system reports: silence longer than this counts as unknown. 10 to 86400."
            : "How often to check: 10 to 86400."
        }
        type="number"
        min={10}
        max={86400}
        {...bind("intervalSeconds")}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => {
            const enabled = event.currentTarget.checked;
            setDraft((current) => ({ ...current, enabled }));
          }}
        />{" "}
        Enabled
      </label>
      {draft.kind === "http" && (
        <fieldset>
          <legend>HTTP check</legend>
          <TextField label="URL" type="url" required maxLength={2000} {...bind("url", "http/url")} />
          <SelectField label="Method" names={methodNames} {...bind("method", "http/method")} />
          <TextField
            label="Expected status"
            hint="Codes, ranges or families, separated by commas: 2xx, 301, 400-404."
            {...bind("expectedStatus", "http/expectedStatus")}
          />
          <TextField
            label="Keyword"
            hint="Optional: the body must contain it."
            maxLength={500}
            {...bind("keyword", "http/keyword")}
          />
          <TextField
            label="JSON path"
            hint="Optional, e.g. $.status: the value there must equal the next field."
            maxLength={200}
            {...bind("jsonPath", "http/jsonPath/path")}
          />
          <TextField label="JSON value" maxLength={500} {...bind("jsonEquals", "http/jsonPath/equals")} />
          <TextField
            label="Certificate warning (days)"
            hint="Warn this many days before an HTTPS certificate expires: 0 to 365."
            type="number"
            min={0}
            max={365}
            {...bind("certificateWarningDays", "http/certificateWarningDays")}
          />
        </fieldset>
      )}
      {draft.kind === "tcp" && (
        <fieldset>
          <legend>TCP connect</legend>
          <TextField label="Host" required maxLength={255} {...bind("host", "tcp/host")} />
          <TextField label="Port" type="number" min={1} max={65535} required {...bind("port", "tcp/port")} />
        </fieldset>
      )}
      {draft.kind !== "push" && (
        <TextField
          label="Timeout (seconds)"
          hint="Optional: 10 s by default, never longer than the interval."
          inputMode="decimal"
          {...bind("timeoutSeconds", timeoutName)}
        />
      )}
    </AdminForm>
  );
}

/** A new push monitor's token, its URL and a curl line: shown once, as Tend keeps only the hash. */
export function PushTokenPanel({ monitor, onDone }: { monitor: CreatedMonitor; onDone(): void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState("");
  useEffect(() => field.current?.focus(), []);
  if (!monitor.pushToken) return null;
  const push = pushInstructions(window.location.origin, monitor.pushToken);
  return (
    <section className="new-secret" aria-labelledby="push-token-title">
      <h3 id="push-token-title">Push monitor “{monitor.name}” created</h3>
      <p>Copy its push URL now: the token in it is its only credential, and Tend cannot show it again.</p>
      <label htmlFor="push-url">Push URL</label>
      <input ref={field} id="push-url" readOnly value={push.url} onFocus={(e) => e.currentTarget.select()} />
      <p>Report a result from your system, at least once per interval:</p>
      <pre>
        <code>{push.curl}</code>
      </pre>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() =>
            navigator.clipboard
              .writeText(push.url)
              .then(() => setCopied("Copied."))
              .catch(() => setCopied("Copying was refused: select the URL and copy it yourself."))
          }
        >
          Copy push URL
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}
