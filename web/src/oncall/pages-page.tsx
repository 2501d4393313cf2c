import { useState } from "react";
import { Link } from "react-router";
import type { EscalationPolicyView, PageView } from "../../../src/modules/paging/paging-presenter.js";
import {
  AdminForm,
  FormProblems,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import { MyPageWebhookSection } from "./my-page-webhook-section.js";
import { activeStaff } from "./oncall-data.js";
import { PagingTriggersSection } from "./paging-triggers-section.js";

const severityNames = {
  sev1: "Sev 1: service down",
  sev2: "Sev 2: badly degraded",
  sev3: "Sev 3: degraded",
  sev4: "Sev 4: minor",
};
type Severity = keyof typeof severityNames;

const statusNames: Record<PageView["status"], string> = {
  open: "Open",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
};

const pageFields = ["policyId", "severity", "title", "details"] as const;

function PageSomeoneForm({ policies, onPaged }: { policies: EscalationPolicyView[]; onPaged(): void }) {
  const submission = useSubmission(pageFields);
  const blank = { policyId: policies[0]?.id ?? "", severity: "sev2" as Severity, title: "", details: "" };
  const { draft, setDraft, bind } = useDraft(blank);
  return (
    <AdminForm
      submission={submission}
      title="Page someone"
      heading="h2"
      submitLabel="Send page"
      onSubmit={submission.submit(async () => {
        await api("POST", "/pages", {
          policyId: draft.policyId,
          severity: draft.severity,
          title: draft.title,
          ...(draft.details ? { details: draft.details } : {}),
        });
        setDraft(blank);
        onPaged();
      })}
    >
      <SelectField label="Escalation policy" names={namesById(policies)} {...bind("policyId")} />
      <SelectField label="Severity" names={severityNames} {...bind("severity")} />
      <TextField label="What is wrong" required maxLength={200} {...bind("title")} />
      <TextField label="Details" rows={3} maxLength={10_000} {...bind("details")} />
    </AdminForm>
  );
}

const when = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

/** Pages the list asks for at a time: a busy night's worth. */
const listPageSize = 25;

interface PageList {
  pages: PageView[];
  nextCursor: string | null;
}

/** `/oncall/pages`: pages open first, acknowledged and resolved here, and a form to send one. */
export function PagesPage() {
  // Further list pages, fetched by "Show older pages"; a reload starts from the first again.
  const [older, setOlder] = useState<PageList | null>(null);
  const loaded = useLoaded(async () => {
    const [{ pages, nextCursor }, { policies }, staff] = await Promise.all([
      api<PageList>("GET", `/pages?limit=${listPageSize}`),
      api<{ policies: EscalationPolicyView[] }>("GET", "/escalation-policies"),
      activeStaff(),
    ]);
    setOlder(null);
    return {
      pages,
      nextCursor,
      policies,
      names: new Map(staff.map((person) => [person.id, person.name])),
    };
  });
  const response = useSubmission([]);
  const value = loaded.value;
  // A page answered meanwhile moves down the list and may come again in a later list page: once is enough.
  const listed = value
    ? [...value.pages, ...(older?.pages ?? [])].filter(
        (page, index, all) => all.findIndex((other) => other.id === page.id) === index,
      )
    : [];
  const nextCursor = older ? older.nextCursor : (value?.nextCursor ?? null);
  const showOlder = (cursor: string) =>
    response.run(async () => {
      const next = await api<PageList>(
        "GET",
        `/pages?limit=${listPageSize}&cursor=${encodeURIComponent(cursor)}`,
      );
      setOlder((current) => ({
        pages: [...(current?.pages ?? []), ...next.pages],
        nextCursor: next.nextCursor,
      }));
    });
  const nameOf = (id: string | null, actor: string | null) =>
    (id && value?.names.get(id)) || actor || "someone";
  const respond = (page: PageView, what: "acknowledgement" | "resolution") =>
    response.run(async () => {
      await api("POST", `/pages/${page.id}/${what}`);
      loaded.reload();
    });
  return (
    <>
      <p className="crumbs">
        <Link to="/oncall">On call</Link>
      </p>
      <div className="oncall-head">
        <h1>Pages</h1>
        <Link to="/oncall/policies">Escalation policies</Link>
      </div>
      {value === null && <LoadState error={loaded.error} what="Pages" />}
      {value?.pages.length === 0 && <p className="empty">No pages sent yet.</p>}
      {listed.length > 0 && (
        <ul className="config-list" aria-label="Pages, open first">
          {listed.map((page) => (
            <li key={page.id}>
              <strong>
                <Link to={`/oncall/pages/${page.id}`}>{page.title}</Link>
              </strong>{" "}
              ({page.severity}, {page.policy.name}): {statusNames[page.status]}
              <span className="summary">
                Sent by {nameOf(page.openedBy, page.openedByActor)} {when(page.openedAt)}
                {page.acknowledgedAt && (
                  <>
                    ; acknowledged by {nameOf(page.acknowledgedBy, page.acknowledgedByActor)}{" "}
                    {when(page.acknowledgedAt)}
                  </>
                )}
                {page.resolvedAt && (
                  <>
                    ; resolved by {nameOf(page.resolvedBy, page.resolvedByActor)} {when(page.resolvedAt)}
                  </>
                )}
              </span>
              {page.status !== "resolved" && (
                <div className="row-actions">
                  {page.status === "open" && (
                    <button
                      type="button"
                      disabled={response.busy}
                      onClick={() => respond(page, "acknowledgement")}
                    >
                      Acknowledge<span className="visually-hidden"> {page.title}</span>
                    </button>
                  )}
                  <button type="button" disabled={response.busy} onClick={() => respond(page, "resolution")}>
                    Resolve<span className="visually-hidden"> {page.title}</span>
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" disabled={response.busy} onClick={() => showOlder(nextCursor)}>
          Show older pages
        </button>
      )}
      <FormProblems problems={response.problems} />
      {value &&
        (value.policies.length === 0 ? (
          <p className="muted">
            No escalation policy yet: an admin defines who is paged and when in{" "}
            <Link to="/oncall/policies">escalation policies</Link>.
          </p>
        ) : (
          <PageSomeoneForm policies={value.policies} onPaged={loaded.reload} />
        ))}
      <MyPageWebhookSection />
      <PagingTriggersSection />
    </>
  );
}
