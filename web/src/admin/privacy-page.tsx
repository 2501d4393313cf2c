import { useState } from "react";
import { Link } from "react-router";
import type { OrganizationView } from "../../../src/modules/identity/organization-presenter.js";
import { isErased } from "../../../src/modules/privacy/privacy-policy.js";
import type { RetentionPolicies } from "../../../src/modules/privacy/retention.js";
import type { RetentionAction, RetentionPolicy } from "../../../src/modules/privacy/retention-policy.js";
import { api, type Page, type PersonView } from "../api.js";
import {
  AdminForm,
  everyPage,
  LoadState,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "./form-controls.js";
import { Erasure } from "./organization-people.js";

const actionNames: Record<RetentionAction, string> = {
  anonymize: "Anonymized: the ticket stays for the reports, its words and people go",
  delete: "Deleted with everything on it",
};

interface ClosedTicketDraft {
  keep: "forever" | "months";
  closedTicketMonths: string;
  action: RetentionAction;
}

const keepNames = { forever: "For ever", months: "For a number of months after closing" };

const closedTicketDraft = (policy: RetentionPolicy): ClosedTicketDraft => ({
  keep: policy.closedTicketMonths === null ? "forever" : "months",
  closedTicketMonths: String(policy.closedTicketMonths ?? 24),
  action: policy.action,
});

/** A whole number typed, or what the API refuses by field (it says the allowed range). */
const countOf = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text) : text);

const closedTicketBody = (draft: ClosedTicketDraft) => ({
  closedTicketMonths: draft.keep === "forever" ? null : countOf(draft.closedTicketMonths),
  action: draft.action,
});

/** "Anonymized 24 months after closing", as a list or a sentence names a policy. */
export function describeRetention(policy: RetentionPolicy): string {
  if (policy.closedTicketMonths === null) return "Closed tickets are kept for ever";
  const done = policy.action === "delete" ? "deleted" : "anonymized";
  return `Closed tickets are ${done} ${policy.closedTicketMonths} months after closing`;
}

/** The closed-ticket fields both policies share: for ever, or a number of months and what happens then. */
function ClosedTicketFields<Draft extends ClosedTicketDraft>({
  draft,
  bind,
}: {
  draft: Draft;
  bind: ReturnType<typeof useDraft<Draft>>["bind"];
}) {
  return (
    <>
      <SelectField label="Keep closed tickets" names={keepNames} {...bind("keep")} />
      {draft.keep === "months" && (
        <>
          <TextField
            label="Months after closing"
            inputMode="numeric"
            required
            {...bind("closedTicketMonths")}
          />
          <SelectField label="Then they are" names={actionNames} {...bind("action")} />
        </>
      )}
    </>
  );
}

function DeskRetentionForm({ policies, onSaved }: { policies: RetentionPolicies; onSaved(): void }) {
  const submission = useSubmission(["closedTicketMonths", "action", "rawEmailDays"]);
  const { desk } = policies;
  const { draft, bind } = useDraft({
    ...closedTicketDraft(desk),
    rawEmailDays: desk.rawEmailDays === null ? "" : String(desk.rawEmailDays),
  });
  const [saved, setSaved] = useState("");
  return (
    <AdminForm
      submission={submission}
      title="Closed tickets and inbound mail"
      heading="h2"
      submitLabel="Save retention"
      onSubmit={submission.submit(async () => {
        setSaved("");
        await api("PUT", "/retention-policies/desk", {
          ...closedTicketBody(draft),
          rawEmailDays: draft.rawEmailDays.trim() === "" ? null : countOf(draft.rawEmailDays),
        });
        setSaved("Saved.");
        onSaved();
      })}
    >
      <ClosedTicketFields draft={draft} bind={bind} />
      <TextField
        label="Days to keep the raw bytes of handled inbound mail"
        hint="The parsed copy on the ticket stays; failed messages keep theirs. Empty keeps them for ever."
        inputMode="numeric"
        {...bind("rawEmailDays")}
      />
      <p role="status">{saved}</p>
    </AdminForm>
  );
}

/**
 * An organization's own retention (a contract may promise a customer shorter or longer than the desk's
 * default), or the desk's default it follows; on the organization's admin page.
 */
export function OrganizationRetention({ organizationId }: { organizationId: string }) {
  const policies = useLoaded(() => api<RetentionPolicies>("GET", "/retention-policies"), [organizationId]);
  const [status, setStatus] = useState("");
  if (!policies.value) return <LoadState error={policies.error} what="The retention policy" />;
  const own = policies.value.organizations.find((policy) => policy.organizationId === organizationId);
  return (
    <section aria-labelledby="retention-title">
      <h2 id="retention-title">Retention</h2>
      <p>
        {own
          ? `Its own policy: ${describeRetention(own).toLowerCase()}.`
          : `The desk's default: ${describeRetention(policies.value.desk).toLowerCase()}.`}
      </p>
      <OrganizationRetentionForm
        // A new form once saved or reset: its fields start from the policy now in force.
        key={JSON.stringify(own ?? null)}
        organizationId={organizationId}
        policy={own ?? policies.value.desk}
        hasOwn={own !== undefined}
        onStatus={setStatus}
        onChanged={policies.reload}
      />
      <p role="status">{status}</p>
    </section>
  );
}

function OrganizationRetentionForm({
  organizationId,
  policy,
  hasOwn,
  onStatus,
  onChanged,
}: {
  organizationId: string;
  policy: RetentionPolicy;
  hasOwn: boolean;
  onStatus(message: string): void;
  onChanged(): void;
}) {
  const submission = useSubmission(["closedTicketMonths", "action"]);
  const { draft, bind } = useDraft(closedTicketDraft(policy));
  const path = `/organizations/${organizationId}/retention-policy`;
  // The status says what the last action did: cleared as the next one starts, so a refusal is not
  // read beside an earlier "Saved."
  const change = (request: () => Promise<unknown>, done: string) => async () => {
    onStatus("");
    await request();
    onStatus(done);
    onChanged();
  };
  return (
    <>
      <AdminForm
        submission={submission}
        title={hasOwn ? "Change its policy" : "Give it a policy of its own"}
        heading="h3"
        submitLabel="Save its retention"
        onSubmit={submission.submit(change(() => api("PUT", path, closedTicketBody(draft)), "Saved."))}
      >
        <ClosedTicketFields draft={draft} bind={bind} />
      </AdminForm>
      {hasOwn && (
        <button
          type="button"
          className="link"
          disabled={submission.busy}
          onClick={() =>
            submission.run(change(() => api("DELETE", path), "It follows the desk's default again."))
          }
        >
          Follow the desk's default instead
        </button>
      )}
    </>
  );
}

/** The organizations with a policy of their own, linked to where it is changed. */
function OrganizationPolicies({ policies }: { policies: RetentionPolicies["organizations"] }) {
  const organizations = useLoaded(() => everyPage<OrganizationView>("/organizations"));
  if (policies.length === 0)
    return <p className="muted">Every organization follows it: none has a policy of its own.</p>;
  const names = new Map(organizations.value?.map((organization) => [organization.id, organization.name]));
  return (
    <section aria-labelledby="own-policies-title">
      <h2 id="own-policies-title">Organizations with their own policy</h2>
      <ul className="plain">
        {policies.map((policy) => (
          <li key={policy.organizationId}>
            <Link to={`/admin/organizations/${policy.organizationId}`}>
              {names.get(policy.organizationId) ?? "An organization"}
            </Link>
            : {describeRetention(policy).toLowerCase()}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Finds anyone by address (a customer of no organization too) for their erasure. */
function ErasureByEmail() {
  const submission = useSubmission(["email"]);
  const { draft, bind } = useDraft({ email: "" });
  const [found, setFound] = useState<PersonView | null | undefined>(undefined);
  const [erased, setErased] = useState("");
  const find = async () => {
    setErased("");
    const page = await api<Page<PersonView>>(
      "GET",
      `/people?email=${encodeURIComponent(draft.email.trim())}`,
    );
    setFound(page.items[0] ?? null);
  };
  return (
    <>
      <AdminForm
        submission={submission}
        title="Erase a person at their request"
        heading="h2"
        submitLabel="Find"
        onSubmit={submission.submit(find)}
      >
        <TextField label="Their email address" type="email" required {...bind("email")} />
      </AdminForm>
      <p role="status">{found === null ? "Nobody has that address." : erased}</p>
      {found && (
        <div className="found-person">
          <p>
            <strong>{found.name}</strong> ({found.email}, {found.role})
          </p>
          {isErased(found) ? (
            <p className="muted">Erased.</p>
          ) : (
            <Erasure
              person={found}
              onErased={() => {
                setErased(`${found.name} was erased.`);
                setFound(undefined);
              }}
            />
          )}
        </div>
      )}
    </>
  );
}

/** `/admin/privacy`: the desk's retention policy, and anyone's erasure by address. */
export function PrivacyPage() {
  const policies = useLoaded(() => api<RetentionPolicies>("GET", "/retention-policies"));
  return (
    <section>
      <h1>Privacy</h1>
      <p className="muted">
        The daily retention run applies this to every organization without a policy of its own; an
        organization's own policy is set on its page. To erase a customer's data at their request, open their
        organization.
      </p>
      {policies.value ? (
        <>
          <DeskRetentionForm policies={policies.value} onSaved={policies.reload} />
          <OrganizationPolicies policies={policies.value.organizations} />
        </>
      ) : (
        <LoadState error={policies.error} what="The retention policy" />
      )}
      <ErasureByEmail />
    </section>
  );
}
