import { useState } from "react";
import { isErased } from "../../../src/modules/privacy/privacy-policy.js";
import type { RetentionPolicies } from "../../../src/modules/privacy/retention.js";
import type { RetentionAction } from "../../../src/modules/privacy/retention-policy.js";
import { api, type Page, type PersonView } from "../api.js";
import {
  AdminForm,
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

interface RetentionDraft {
  keep: "forever" | "months";
  closedTicketMonths: string;
  action: RetentionAction;
  rawEmailDays: string;
}

const keepNames = { forever: "For ever", months: "For a number of months after closing" };

/** A whole number typed, or what the API refuses by field (it says the allowed range). */
const countOf = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text) : text);

function DeskRetentionForm({ policies, onSaved }: { policies: RetentionPolicies; onSaved(): void }) {
  const submission = useSubmission(["closedTicketMonths", "action", "rawEmailDays"]);
  const { desk } = policies;
  const { draft, bind } = useDraft<RetentionDraft>({
    keep: desk.closedTicketMonths === null ? "forever" : "months",
    closedTicketMonths: String(desk.closedTicketMonths ?? 24),
    action: desk.action,
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
          closedTicketMonths: draft.keep === "forever" ? null : countOf(draft.closedTicketMonths),
          action: draft.action,
          rawEmailDays: draft.rawEmailDays.trim() === "" ? null : countOf(draft.rawEmailDays),
        });
        setSaved("Saved.");
        onSaved();
      })}
    >
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
        The daily retention run applies this to every organization without a policy of its own. To erase a
        customer's data at their request, open their organization.
      </p>
      {policies.value ? (
        <>
          <DeskRetentionForm policies={policies.value} onSaved={policies.reload} />
          {policies.value.organizations.length > 0 && (
            <p className="muted">
              {policies.value.organizations.length} organization(s) have a policy of their own (`PUT
              /api/v1/organizations/&#123;id&#125;/retention-policy`).
            </p>
          )}
        </>
      ) : (
        <LoadState error={policies.error} what="The retention policy" />
      )}
      <ErasureByEmail />
    </section>
  );
}
