import { type ChangeEvent, useId, useState } from "react";
import type { UploadView } from "../../../src/modules/attachments/attachment-presenter.js";
import { ApiError, api } from "../api.js";

/** The API takes at most this many `uploadIds` with one message. */
export const maxFilesPerMessage = 10;

function sizeInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Files for a request or a reply: each is uploaded as soon as it is picked (`POST /uploads`), and
 * the message sends the ids. A refused file says why beside the picker; the others stay.
 */
export function AttachmentPicker({
  uploads,
  onChange,
  onBusy,
  label = `Attachments (optional: screenshots, logs; up to ${maxFilesPerMessage})`,
}: {
  uploads: UploadView[];
  onChange: (uploads: UploadView[]) => void;
  onBusy: (busy: boolean) => void;
  /** The picker's label; the agent composer says "Attach files". */
  label?: string;
}) {
  const inputId = useId();
  const [problems, setProblems] = useState<string[]>([]);
  const [uploading, setUploading] = useState(0);

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    input.value = "";
    const room = maxFilesPerMessage - uploads.length;
    const refused = files.slice(room).map((f) => `${f.name}: at most ${maxFilesPerMessage} files a message`);
    const accepted = files.slice(0, Math.max(room, 0));
    setUploading(accepted.length);
    onBusy(true);
    const added: UploadView[] = [];
    for (const file of accepted) {
      const form = new FormData();
      form.append("file", file);
      try {
        added.push(await api<UploadView>("POST", "/uploads", form));
      } catch (caught) {
        refused.push(
          `${file.name}: ${caught instanceof ApiError ? caught.problem.detail : "could not be uploaded"}`,
        );
      }
    }
    setUploading(0);
    onBusy(false);
    setProblems(refused);
    onChange([...uploads, ...added]);
  }

  return (
    <div className="portal-attachments">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type="file"
        multiple
        onChange={(event) => void pick(event)}
        disabled={uploads.length >= maxFilesPerMessage}
        aria-describedby={problems.length > 0 ? `${inputId}-problems` : undefined}
      />
      {uploading > 0 && <p role="status">Uploading {uploading === 1 ? "the file" : `${uploading} files`}…</p>}
      {problems.length > 0 && (
        <ul id={`${inputId}-problems`} className="error" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {uploads.length > 0 && (
        <ul className="portal-files">
          {uploads.map((upload) => (
            <li key={upload.id}>
              <span>
                {upload.filename} <span className="muted">({sizeInWords(upload.size)})</span>
              </span>
              <button
                type="button"
                className="link"
                onClick={() => onChange(uploads.filter((u) => u.id !== upload.id))}
                aria-label={`Remove ${upload.filename}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
