/**
 * Which of a reply's files travel with its mail. Relays and mailboxes refuse large messages (often
 * at 20–25 MB, and base64 makes a file a third larger), and a refused reply would not reach the
 * customer at all: so files go along, in order, while they fit under the budget, and the rest are
 * named in the mail with the link to the ticket, where they can be downloaded.
 */
export const mailAttachmentBudgetBytes = 10 * 1024 * 1024;

export interface ReplyFile {
  filename: string;
  sizeBytes: number;
}

export function filesForMail<T extends ReplyFile>(
  files: readonly T[],
  budgetBytes = mailAttachmentBudgetBytes,
): { attached: T[]; leftOut: T[] } {
  const attached: T[] = [];
  const leftOut: T[] = [];
  let used = 0;
  for (const file of files) {
    if (used + file.sizeBytes <= budgetBytes) {
      attached.push(file);
      used += file.sizeBytes;
    } else leftOut.push(file);
  }
  return { attached, leftOut };
}

/** The line a mail carries about files too large to go with it. */
export function leftOutNotice(leftOut: readonly ReplyFile[], link: string): string | null {
  if (leftOut.length === 0) return null;
  const names = leftOut.map((file) => file.filename).join(", ");
  return `Too large to attach here, on the ticket at ${link}: ${names}`;
}
