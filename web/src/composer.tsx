import { type FormEvent, type RefObject, useEffect, useState } from "react";
import type { UploadView } from "../../src/modules/attachments/attachment-presenter.js";
import type { AddCommentResult } from "../../src/modules/tickets/add-comment.js";
import { ApiError, api } from "./api.js";
import { AttachmentPicker, maxFilesPerMessage } from "./portal/attachment-picker.js";

export type ComposerTab = "public" | "internal";

/** The problem's message for one field (`/body/summary` or `summary`), shown beside it. */
function fieldError(error: ApiError | null, field: string): string | undefined {
  return error?.problem.errors?.find(
    (problem) => problem.field === field || problem.field.endsWith(`/${field}`),
  )?.message;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** One of the two sections that make a public reply a qualifying response, with the API's complaint. */
function QualificationField({
  field,
  label,
  value,
  onChange,
  error,
}: {
  field: "summary" | "nextSteps";
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: ApiError | null;
}) {
  const message = fieldError(error, field);
  const id = `composer-${field}`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error qualification` : "qualification"}
      />
      <FieldError id={`${id}-error`} message={message} />
    </>
  );
}

const composerTabs = [
  { tab: "public", label: "Public reply", key: "r" },
  { tab: "internal", label: "Internal note", key: "n" },
] as const;

const submitStatuses = [
  { status: "open", label: "Send as Open" },
  { status: "pending", label: "Send as Pending" },
  { status: "solved", label: "Send as Solved" },
] as const;

/**
 * Public reply or internal note. A public reply with a *Summary of troubleshooting* and *Next
 * steps* is a qualifying response (it meets the response SLA); the composer says which it will be
 * before it is sent, because "we're on it" leaves the clock running.
 */
export function Composer({
  ticketNumber,
  tab,
  onTab,
  bodyRef,
  onSent,
  insertion,
}: {
  ticketNumber: number;
  tab: ComposerTab;
  onTab: (tab: ComposerTab) => void;
  bodyRef: RefObject<HTMLTextAreaElement | null>;
  onSent: (result: AddCommentResult) => void;
  /** Text to add to the message (an article's link from the side panel); a new `id` adds it again. */
  insertion?: { id: number; text: string } | null;
}) {
  const [body, setBody] = useState("");
  useEffect(() => {
    if (!insertion) return;
    setBody((current) =>
      current.trim() === "" ? insertion.text : `${current.trimEnd()}\n\n${insertion.text}`,
    );
  }, [insertion]);
  const [summary, setSummary] = useState("");
  const [nextSteps, setNextSteps] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploads, setUploads] = useState<UploadView[]>([]);
  const [uploading, setUploading] = useState(false);
  const qualifying = summary.trim() !== "" && nextSteps.trim() !== "";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const status = submitter?.value || undefined;
    setBusy(true);
    setError(null);
    const attached = uploads.length > 0 ? { uploadIds: uploads.map((upload) => upload.id) } : {};
    try {
      const result = await api<AddCommentResult>(
        "POST",
        `/tickets/${ticketNumber}/comments`,
        tab === "public"
          ? {
              body,
              visibility: "public",
              ...(summary.trim() ? { summary } : {}),
              ...(nextSteps.trim() ? { nextSteps } : {}),
              ...(status ? { status } : {}),
              ...attached,
            }
          : { body, visibility: "internal", ...attached },
      );
      setBody("");
      setSummary("");
      setNextSteps("");
      setUploads([]);
      onSent(result);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : null);
      if (!(caught instanceof ApiError)) throw caught;
    } finally {
      setBusy(false);
    }
  }

  const bodyError = fieldError(error, "body");
  return (
    <section className="composer" aria-label="Reply">
      <div role="tablist" aria-label="Reply or note">
        {composerTabs.map((choice) => (
          <button
            key={choice.tab}
            type="button"
            role="tab"
            id={`tab-${choice.tab}`}
            aria-selected={tab === choice.tab}
            aria-controls="composer-panel"
            aria-keyshortcuts={choice.key}
            onClick={() => onTab(choice.tab)}
          >
            {choice.label} <kbd>{choice.key}</kbd>
          </button>
        ))}
      </div>
      <form
        id="composer-panel"
        role="tabpanel"
        aria-labelledby={`tab-${tab}`}
        className={tab === "internal" ? "internal" : "public"}
        onSubmit={submit}
      >
        <label htmlFor="composer-body">
          {tab === "public" ? "Message to the requester" : "Note for the team"}
        </label>
        <textarea
          id="composer-body"
          ref={bodyRef}
          rows={5}
          required
          value={body}
          onChange={(event) => setBody(event.target.value)}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={bodyError ? "composer-body-error" : undefined}
        />
        <FieldError id="composer-body-error" message={bodyError} />
        {tab === "public" && (
          <>
            <QualificationField
              field="summary"
              label="Summary of troubleshooting"
              value={summary}
              onChange={setSummary}
              error={error}
            />
            <QualificationField
              field="nextSteps"
              label="Next steps"
              value={nextSteps}
              onChange={setNextSteps}
              error={error}
            />
            <p
              id="qualification"
              className={qualifying ? "qualifies yes" : "qualifies no"}
              aria-live="polite"
            >
              {qualifying
                ? "This reply qualifies as a response: it meets the response SLA."
                : "Not a qualifying response: the SLA clock keeps running. Add a summary of troubleshooting and next steps to meet it."}
            </p>
          </>
        )}
        <AttachmentPicker
          uploads={uploads}
          onChange={setUploads}
          onBusy={setUploading}
          label={`Attach files (up to ${maxFilesPerMessage})`}
        />
        {error && !bodyError && (
          <p className="error" role="alert">
            {error.problem.detail || error.problem.title}
          </p>
        )}
        <div className="actions">
          {tab === "public" ? (
            submitStatuses.map((choice) => (
              <button
                key={choice.status}
                type="submit"
                name="status"
                value={choice.status}
                disabled={busy || uploading}
              >
                {choice.label}
              </button>
            ))
          ) : (
            <button type="submit" disabled={busy || uploading}>
              Add internal note
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
