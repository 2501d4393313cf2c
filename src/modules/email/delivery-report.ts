/**
 * Reads a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status):
 * which of our mails it reports on and why delivery failed. Pure: takes the parts mailparser found.
 */

export interface DeliveryReport {
  /** Message-IDs of the returned original (its headers part), then In-Reply-To/References. */
  originalMessageIds: string[];
  /** The failed recipient, status code and the receiving server's words, when the report says. */
  recipient: string | null;
  status: string | null;
  diagnostic: string | null;
}

export interface ReportPart {
  contentType: string;
  content: Buffer;
}

const messageIdPattern = /<[^<>\s]+>/;

/** RFC 822-style fields with folded lines joined, in blocks separated by blank lines. */
function fieldBlocks(text: string): Array<Map<string, string>> {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\n[ \t]+/g, " ")
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          const name = line.slice(0, colon).trim().toLowerCase();
          if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
        }
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** `rfc822; gone@example.com` → `gone@example.com`; `smtp; 550 …` → `550 …`. */
function typedValue(value: string | undefined): string | null {
  if (!value) return null;
  const semicolon = value.indexOf(";");
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim() || null;
}

export function readDeliveryReport(
  parts: readonly ReportPart[],
  referencedIds: readonly string[],
): DeliveryReport {
  const original = parts.find((part) => ["message/rfc822", "text/rfc822-headers"].includes(part.contentType));
  const originalHeaders = original
    ? fieldBlocks(original.content.toString("utf8").split(/\r?\n\r?\n/)[0] ?? "")[0]
    : undefined;
  const originalId = originalHeaders?.get("message-id")?.match(messageIdPattern)?.[0];

  const status = parts.find((part) => part.contentType === "message/delivery-status");
  // The first block is per message (Reporting-MTA); the others are per recipient. A failed one
  // says most; otherwise the first recipient's.
  const recipients = status
    ? fieldBlocks(status.content.toString("utf8")).filter(
        (block) => block.has("final-recipient") || block.has("status"),
      )
    : [];
  const reported =
    recipients.find((block) => block.get("action")?.toLowerCase() === "failed") ?? recipients[0];

  return {
    originalMessageIds: [...new Set([...(originalId ? [originalId] : []), ...referencedIds])],
    recipient: typedValue(reported?.get("final-recipient") ?? reported?.get("original-recipient")),
    status: reported?.get("status")?.split(/\s/)[0] ?? null,
    diagnostic: typedValue(reported?.get("diagnostic-code")),
  };
}

/** What the delivery record and the ticket's history say about the bounce, in one line. */
export function bounceSummary(report: DeliveryReport): string {
  const parts = [
    report.recipient ? `to ${report.recipient}` : null,
    report.status ? `status ${report.status}` : null,
    report.diagnostic,
  ].filter(Boolean);
  return `Bounced${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`.slice(0, 1000);
}
