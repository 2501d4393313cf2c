/** What an attachment may be called, served as, and how many a message may bring. Pure. */

export const defaultMaxAttachmentBytes = 25 * 1024 * 1024;
/** More parts than any person attaches by hand: beyond it a message is a dump, not a request. */
export const maxAttachmentsPerMessage = 100;
const maxFilenameLength = 180;

/**
 * A file name as the sender's client wrote it becomes a display name: the last path segment only,
 * no control or format characters (bidirectional overrides disguise `exe.pdf` as `fdp.exe`), no
 * leading dots (`..`, hidden files), at most 180 characters with the extension kept.
 */
export function sanitizeFilename(name: string | null | undefined): string {
  const lastSegment = (name ?? "").split(/[/\\]/).at(-1) ?? "";
  const cleaned = lastSegment
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/^[\s.]+/, "")
    .trim();
  if (!cleaned) return "attachment";
  const characters = [...cleaned];
  if (characters.length <= maxFilenameLength) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : "";
  return characters.slice(0, maxFilenameLength - [...extension].length).join("") + extension;
}

// Types a browser would render or run inside Tend's origin if it ignored Content-Disposition.
const activeContentType = /(html|xml|svg|javascript|ecmascript|x-shockwave-flash|\bpdf\b.*script)/;
const mediaTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The Content-Type a download is served with: the sender's claim, unless it could render as a page. */
export function servedContentType(declared: string): string {
  const type = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!mediaTypePattern.test(type) || activeContentType.test(type)) return "application/octet-stream";
  return type;
}

/** RFC 6266: `attachment`, an ASCII fallback name and the exact name as RFC 8187 `filename*`. */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export interface OfferedPart {
  filename: string;
  size: number;
}

/**
 * Which parts of a message are kept: each within the size limit, and the first 100 of them. The
 * others are named in a notice on the comment, so the agent knows to ask for them another way.
 */
export function admitAttachments<Part extends OfferedPart>(
  parts: readonly Part[],
  maxBytes: number,
): { kept: Part[]; notice: string | null } {
  const kept: Part[] = [];
  const refused: string[] = [];
  for (const part of parts) {
    if (part.size > maxBytes)
      refused.push(`${part.filename} (${megabytes(part.size)}, over the ${megabytes(maxBytes)} limit)`);
    else if (kept.length >= maxAttachmentsPerMessage)
      refused.push(`${part.filename} (more than ${maxAttachmentsPerMessage} attachments)`);
    else kept.push(part);
  }
  if (refused.length === 0) return { kept, notice: null };
  const shown = refused.slice(0, 10);
  const more = refused.length > shown.length ? `, and ${refused.length - shown.length} more` : "";
  return { kept, notice: `[Attachments not kept: ${shown.join(", ")}${more}.]` };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
