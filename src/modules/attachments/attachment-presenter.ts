import type { AttachmentRow } from "./attachment-repository.js";

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
