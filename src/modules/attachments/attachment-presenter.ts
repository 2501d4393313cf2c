import type { AttachmentRow } from "./attachment-repository.js";
import type { UploadRow } from "./upload-repository.js";

export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** An inline image of the message's HTML, referred to as `cid:<contentId>`. */
  inline: boolean;
  contentId: string | null;
}

export function presentAttachment(row: AttachmentRow): AttachmentView {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    size: row.size_bytes,
    inline: row.inline === 1,
    contentId: row.content_id,
  };
}

/** A file uploaded and not yet attached: send its id in `uploadIds` with a new ticket or comment. */
export interface UploadView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export function presentUpload(row: UploadRow): UploadView {
  return { id: row.id, filename: row.filename, contentType: row.content_type, size: row.size_bytes };
}
