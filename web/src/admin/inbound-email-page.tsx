import { Link, useSearchParams } from "react-router";
import type { InboundEmailView } from "../../../src/modules/email/email-presenter.js";
import type { RawEmailStatus } from "../../../src/modules/email/email-repository.js";
import { api } from "../api.js";
import { usePagedList } from "../paged-list.js";
import { AdminTable, FormProblems, LoadState, useSubmission } from "./form-controls.js";

const statusNames: Record<RawEmailStatus, string> = {
  failed: "Failed",
  received: "Waiting to be processed",
  ignored: "Ignored",
  processed: "Processed",
};

/** The list's filter, kept in the address (`?status=failed`) so the view can be shared. */
const shownStatuses = ["failed", "received", "ignored", "processed", "all"] as const;
type ShownStatus = (typeof shownStatuses)[number];
const shownNames: Record<ShownStatus, string> = { ...statusNames, all: "All" };

const listPath = (status: ShownStatus, cursor: string | null) => {
  const query = new URLSearchParams({ limit: "50" });
  if (status !== "all") query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  return `/email/inbound?${query}`;
};

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString()} KB`;

/** Processes a failed message again from its stored bytes (after a fix, or once the disk has room). */
function ReprocessButton({ email, onQueued }: { email: InboundEmailView; onQueued(): void }) {
  const submission = useSubmission([]);
  return (
    <>
      <button
        type="button"
        disabled={submission.busy}
        onClick={() =>
          submission.run(async () => {
            await api("POST", `/email/inbound/${email.id}/reprocess`);
            onQueued();
          })
        }
      >
        Process again
        <span className="visually-hidden">
          {" "}
          the message received {new Date(email.receivedAt).toLocaleString()}
        </span>
      </button>
      <FormProblems problems={submission.problems} />
    </>
  );
}

/**
 * `/admin/email`: what arrived at the support address and what became of each message. Failed ones
 * (unparseable, the attachment store full, a sender refused) keep their raw bytes and say why;
 * each can be processed again.
 */
export function InboundEmailPage() {
  const [search, setSearch] = useSearchParams();
  const requested = search.get("status");
  const status: ShownStatus = shownStatuses.find((shown) => shown === requested) ?? "failed";
  const { list, error, loadingMore, loadMore, reload } = usePagedList<InboundEmailView>(
    (cursor) => listPath(status, cursor),
    status,
  );

  return (
    <section>
      <h1>Inbound email</h1>
      <p className="muted">
        Every message the support address accepted is stored before it is answered 250, then turned into a
        ticket or a reply. Auto-replies, bounces and floods are ignored, with the reason; a message that could
        not be processed stays here with its reason until it is processed again.
      </p>
      <label className="inline-filter">
        Show{" "}
        <select
          value={status}
          onChange={(event) =>
            setSearch(event.target.value === "failed" ? {} : { status: event.target.value })
          }
        >
          {shownStatuses.map((shown) => (
            <option key={shown} value={shown}>
              {shownNames[shown]}
            </option>
          ))}
        </select>
      </label>
      {error && <LoadState error={error} what="Inbound email" />}
      {!list && !error && <LoadState error={null} what="Inbound email" />}
      {list && list.items.length === 0 && (
        <p className="empty">{status === "failed" ? "No message has failed." : "No messages."}</p>
      )}
      {list && list.items.length > 0 && (
        <AdminTable columns={["Received", "From", "To", "Status", "Why", "Ticket", "Size", ""]}>
          {list.items.map((email) => (
            <tr key={email.id} data-status={email.status}>
              <td>
                <time dateTime={email.receivedAt}>{new Date(email.receivedAt).toLocaleString()}</time>
              </td>
              <td>{email.mailFrom ?? <span className="muted">none (a bounce)</span>}</td>
              <td>{email.rcptTo.join(", ")}</td>
              <td>{statusNames[email.status]}</td>
              <td>{email.reason ?? ""}</td>
              <td>
                {email.ticketNumber !== null && (
                  <Link to={`/tickets/${email.ticketNumber}`}>#{email.ticketNumber}</Link>
                )}
              </td>
              <td>{kilobytes(email.sizeBytes)}</td>
              <td>{email.status === "failed" && <ReprocessButton email={email} onQueued={reload} />}</td>
            </tr>
          ))}
        </AdminTable>
      )}
      {list?.nextCursor && (
        <button type="button" disabled={loadingMore} onClick={loadMore}>
          More
        </button>
      )}
    </section>
  );
}
