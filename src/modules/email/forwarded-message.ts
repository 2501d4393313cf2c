/**
 * Finds the original message inside a forward, so that mail an agent forwards into the support
 * address becomes the original sender's ticket. Pure: takes the forward's text (and, for a forward
 * "as attachment", the attached message already parsed) and returns the original's sender,
 * subject and text.
 */

export interface ForwardedOriginal {
  from: { address: string; name: string | null };
  subject: string | null;
  text: string;
}

/** The line each client puts above the forwarded headers. */
const forwardMarkers = [
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/gim, // Gmail
  // Outlook (classic) in English, German, French, Spanish and Dutch; Thunderbird "inline" variants.
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht)\s*-{2,}\s*$/gim,
  /^Begin forwarded message:\s*$/gim, // Apple Mail, iPhone
  /^-{2,}\s*Forwarded Message\s*-{2,}\s*$/gim, // Thunderbird
  // Outlook 2016 and later, Outlook on the web and the new Outlook: a rule of underscores, then
  // From/Sent/To/Cc/Subject in the sender's language. Also a signature's divider at times, so it
  // counts only when a From follows.
  /^_{20,}\s*$/gm,
];

/**
 * Outlook writes the forwarded headers in its user's language: these are the names its English,
 * German, French, Spanish and Dutch versions use for the two fields Tend reads.
 */
const fieldNames = new Map<string, "from" | "subject">([
  ...["from", "von", "de", "van"].map((name) => [name, "from"] as const),
  ...["subject", "betreff", "objet", "asunto", "onderwerp"].map((name) => [name, "subject"] as const),
]);

// `Name <a@b>`, `"Name" <a@b>`, `Name [mailto:a@b]` (Outlook), `a@b`, and Outlook's bare `Name <mailto:a@b>`.
const addressPattern = /[^\s<>[\]:"',;]+@[^\s<>[\]"',;]+\.[^\s<>[\]"',;]+/;

export function parseForwardedFrom(value: string): ForwardedOriginal["from"] | null {
  const address = value.match(addressPattern)?.[0]?.toLowerCase();
  if (!address) return null;
  const name = value
    .slice(0, value.search(/[<[]|[^\s<>[\]:"',;]+@/))
    .replace(/["']/g, "")
    .trim();
  return { address, name: name && name.toLowerCase() !== address ? name : null };
}

/** The header block after a marker: `Name: value` lines (folded lines joined) until a blank line. */
function headerBlock(lines: string[]): { headers: Map<string, string>; rest: string[] } {
  const headers = new Map<string, string>();
  let index = 0;
  // Apple Mail leaves a blank line between the marker and the headers.
  while (index < lines.length && lines[index]?.trim() === "") index += 1;
  let last: string | null = null;
  for (; index < lines.length; index += 1) {
    const line = (lines[index] ?? "").replace(/^>\s?/, "");
    if (line.trim() === "") break;
    // French puts a (no-break) space before the colon: `De\u00a0: …`.
    const field = /^\*?(\p{L}[\p{L} -]{0,20}?)[ \u00a0]?:\*?\s*(.*)$/u.exec(line);
    if (field?.[1] && field[2] !== undefined) {
      const name = field[1].trim().toLowerCase();
      last = fieldNames.get(name) ?? name;
      if (!headers.has(last)) headers.set(last, field[2].trim());
    } else if (last && /^\s/.test(line)) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
    } else break;
  }
  return { headers, rest: lines.slice(index) };
}

/** The original inside an inline forward, or null when the text forwards nothing we can read. */
export function findInlineForward(text: string): ForwardedOriginal | null {
  const normalized = text.replace(/\r\n/g, "\n");
  const positions = forwardMarkers
    .flatMap((marker) => [...normalized.matchAll(marker)])
    .sort((a, b) => a.index - b.index);
  // The first marker with a sender under it: an earlier rule of underscores may be a signature's.
  for (const marker of positions) {
    const after = normalized.slice(marker.index + marker[0].length).replace(/^\n/, "");
    const { headers, rest } = headerBlock(after.split("\n"));
    const from = parseForwardedFrom(headers.get("from") ?? "");
    if (!from) continue;
    return {
      from,
      subject: headers.get("subject") ?? null,
      text: rest
        .map((line) => line.replace(/^> ?/, ""))
        .join("\n")
        .trim(),
    };
  }
  return null;
}

/**
 * The bytes of the first `message/rfc822` part ("forward as attachment"). mailparser folds such a
 * part into the outer text, so the part is cut from the raw message: from after its own headers
 * to the boundary that opened it, base64-decoded when the client encoded it.
 */
export function attachedMessage(raw: Buffer): Buffer | null {
  const text = raw.toString("latin1");
  const contentType = /^content-type:[ \t]*message\/rfc822\b/im.exec(text);
  if (!contentType) return null;
  const boundaryStart = text.lastIndexOf("\n--", contentType.index);
  if (boundaryStart < 0) return null;
  const boundary = text.slice(boundaryStart + 1, text.indexOf("\n", boundaryStart + 1)).trim();
  const headersEnd = /\r?\n\r?\n/.exec(text.slice(contentType.index));
  if (!headersEnd) return null;
  const partHeaders = text.slice(boundaryStart, contentType.index + headersEnd.index);
  const bodyStart = contentType.index + headersEnd.index + headersEnd[0].length;
  const bodyEnd = text.indexOf(`\n${boundary}`, bodyStart);
  const body = text.slice(bodyStart, bodyEnd < 0 ? undefined : bodyEnd);
  return /^content-transfer-encoding:[ \t]*base64/im.test(partHeaders)
    ? Buffer.from(body, "base64")
    : Buffer.from(body, "latin1");
}

/** Forward prefixes clients put on the subject, in the languages most seen. */
export function withoutForwardPrefix(subject: string): string {
  return subject.replace(/^(\s*(fwd?|fw|wg|tr|rv|enc|doorst)\s*:\s*)+/i, "").trim();
}
