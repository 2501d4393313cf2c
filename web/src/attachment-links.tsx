import type { CommentView } from "./api.js";

/** A comment's files as download links; the API checks on each download that the reader may see them. */
export function AttachmentLinks({
  attachments,
  ticketNumber,
  className,
}: {
  attachments: CommentView["attachments"];
  ticketNumber: number;
  className: string;
}) {
  if (attachments.length === 0) return null;
  return (
    <ul className={className} aria-label="Attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <a href={`/api/v1/tickets/${ticketNumber}/attachments/${attachment.id}`}>{attachment.filename}</a>
        </li>
      ))}
    </ul>
  );
}
