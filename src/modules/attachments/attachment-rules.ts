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

// What Windows runs when a file is opened: programs, installers, shortcuts and script hosts. An
// agent opens what customers upload; none of these is a screenshot, a log or a document. (`.js` is
// left out: a help desk for developers gets sample scripts, and it opens in an editor.)
const programExtensions = new Set(
  "exe msi msp bat cmd com scr pif cpl hta vbs vbe jse wsf wsh ps1 psm1 lnk reg inf scf".split(" "),
);
const programContentTypes = new Set([
  "application/x-msdownload",
  "application/x-msdos-program",
  "application/x-ms-installer",
  "application/x-msi",
  "application/x-dosexec",
  "application/vnd.microsoft.portable-executable",
]);

/**
 * Why an uploaded file is refused, or null when it may be kept: programs are refused by their
 * extension (Windows ignores trailing dots and spaces, so `setup.exe.` counts) or declared type.
 */
export function uploadRefusal(filename: string, contentType: string): string | null {
  const name = filename.replace(/[.\s]+$/, "");
  const extension = name.includes(".") ? (name.split(".").at(-1)?.toLowerCase() ?? "") : "";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (programExtensions.has(extension) || programContentTypes.has(type))
    return "programs and scripts (.exe, .msi, .bat, .ps1, …) are not accepted; send the file zipped";
  return null;
}

/** A declared Content-Type as stored: its media type, or application/octet-stream when it is none. */
export function declaredMediaType(declared: string | undefined): string {
  const type = declared?.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaTypePattern.test(type) ? type : "application/octet-stream";
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
