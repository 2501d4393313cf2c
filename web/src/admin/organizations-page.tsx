import { useState } from "react";
import { Link, useParams } from "react-router";
import type { OrganizationView } from "../../../src/modules/identity/organization-presenter.js";
import type { CustomerExceptionView } from "../../../src/modules/sla/customer-exceptions.js";
import type { CalendarView } from "../../../src/modules/sla/manage-calendars.js";
import type { PolicyView } from "../../../src/modules/sla/manage-policies.js";
import { api } from "../api.js";
import { stageNames } from "../organization-panel.js";
import { metricNames, planNames } from "../ticket-labels.js";
import {
  AdminForm,
  AdminTable,
  everyPage,
  FormProblems,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "./form-controls.js";
import { OrganizationPeople } from "./organization-people.js";
import { OrganizationRetention } from "./privacy-page.js";
import {
  newTargetDraft,
  type TargetDraft,
  TargetsEditor,
  targetBody,
  targetFieldNames,
} from "./targets-editor.js";

type Plan = OrganizationView["plan"];
type Stage = OrganizationView["stage"];
type TicketVisibility = OrganizationView["customerTicketVisibility"];

const ticketVisibilityNames: Record<TicketVisibility, string> = {
  organization: "Every ticket of the organization",
  requester: "Only the tickets they requested or follow",
};

interface OrganizationDraft {
  name: string;
  domains: string;
  plan: Plan;
  stage: Stage;
  notes: string;
  customerTicketVisibility: TicketVisibility;
}

const organizationFields = ["name", "domains", "plan", "stage", "notes", "customerTicketVisibility"] as const;

/** Domains as typed: one per line, or separated by commas or spaces. */
const domainsOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function OrganizationForm({
  initial,
  title,
  submitLabel,
  save,
}: {
  initial: OrganizationDraft;
  title: string;
  submitLabel: string;
  save(draft: OrganizationDraft): Promise<void>;
}) {
  const submission = useSubmission(organizationFields);
  const { draft, bind } = useDraft(initial);
  return (
    <AdminForm
      submission={submission}
      title={title}
      heading="h2"
      submitLabel={submitLabel}
      onSubmit={submission.submit(() => save(draft))}
    >
      <TextField label="Name" required maxLength={200} {...bind("name")} />
      <TextField
        label="Email domains"
        hint="One per line or separated by commas. Customers writing from these domains join this organization."
        rows={2}
        {...bind("domains")}
      />
      <SelectField label="Plan" names={planNames} {...bind("plan")} />
      <SelectField
        label="Stage"
        hint="Pre-sales: a prospect, whose tickets go to pre-sales."
        names={stageNames}
        {...bind("stage")}
      />
      <SelectField
        label="Customers see"
        hint="In the portal and by email: whether a customer sees their colleagues' tickets, or only their own."
        names={ticketVisibilityNames}
        {...bind("customerTicketVisibility")}
      />
      <TextField
        label="Notes"
        hint="For the support team only; customers never see them."
        rows={3}
        maxLength={10_000}
        {...bind("notes")}
      />
    </AdminForm>
  );
}

const draftOf = ({
  name,
  domains,
  plan,
  stage,
  notes,
  customerTicketVisibility,
}: OrganizationView): OrganizationDraft => ({
  name,
  domains: domains.join("\n"),
  plan,
  stage,
  notes,
  customerTicketVisibility,
});

const bodyOf = (draft: OrganizationDraft) => ({ ...draft, domains: domainsOf(draft.domains) });

/** Every organization, and a form to add one. */
export function OrganizationsPage() {
  const organizations = useLoaded(() => everyPage<OrganizationView>("/organizations"));
  const [formKey, setFormKey] = useState(0);
  return (
    <div className="admin-page">
      <h1>Organizations</h1>
      {organizations.value === null && <LoadState error={organizations.error} what="Organizations" />}
      {organizations.value?.length === 0 && (
        <p className="empty">
          No organizations yet. Add your first customer below: their domains route their mail here.
        </p>
      )}
      {organizations.value && organizations.value.length > 0 && (
        <AdminTable columns={["Name", "Domains", "Plan", "Stage"]}>
          {organizations.value.map((organization) => (
            <tr key={organization.id}>
              <td>
                <Link to={`/admin/organizations/${organization.id}`}>{organization.name}</Link>
              </td>
              <td>{organization.domains.join(", ") || <span className="muted">None</span>}</td>
              <td>{planNames[organization.plan]}</td>
              <td>{stageNames[organization.stage]}</td>
            </tr>
          ))}
        </AdminTable>
      )}
      <OrganizationForm
        key={formKey}
        title="Add an organization"
        submitLabel="Add organization"
        initial={{
          name: "",
          domains: "",
          plan: "cloud",
          stage: "customer",
          notes: "",
          customerTicketVisibility: "organization",
        }}
        save={async (draft) => {
          await api("POST", "/organizations", bodyOf(draft));
          setFormKey((key) => key + 1);
          organizations.reload();
        }}
      />
    </div>
  );
}

const exceptionFields = ["policyId", "reason", "expiresAt"] as const;

const noException = { policyId: "", reason: "", expiresOn: "" };

function AddExceptionForm({
  organizationId,
  policies,
  calendars,
  onAdded,
}: {
  organizationId: string;
  policies: PolicyView[];
  calendars: CalendarView[];
  onAdded(): void;
}) {
  const [targets, setTargets] = useState<TargetDraft[]>([newTargetDraft(calendars[0]?.id)]);
  const submission = useSubmission([...exceptionFields, ...targetFieldNames(targets.length)]);
  const { draft, setDraft, bind } = useDraft(noException);
  return (
    <AdminForm
      submission={submission}
      title="Add an exception"
      heading="h3"
      submitLabel="Add exception"
      onSubmit={submission.submit(async () => {
        await api("POST", `/organizations/${organizationId}/sla-exceptions`, {
          policyId: draft.policyId || null,
          reason: draft.reason,
          // The end of the chosen day in UTC: "until 31 March" includes 31 March.
          expiresAt: draft.expiresOn ? `${draft.expiresOn}T23:59:59Z` : "",
          targets: targets.map(targetBody),
        });
        setDraft(noException);
        setTargets([newTargetDraft(calendars[0]?.id)]);
        onAdded();
      })}
    >
      <SelectField
        label="Replaces the targets of"
        hint="The chosen policy's targets of the same metrics, when that policy applies; or an extra set of its own."
        names={{ "": "No policy: an extra set of targets", ...namesById(policies) }}
        {...bind("policyId")}
      />
      <TextField
        label="Reason"
        hint="What was agreed, and with whom."
        required
        maxLength={2000}
        {...bind("reason")}
      />
      <TextField label="Until (inclusive, UTC)" type="date" required {...bind("expiresOn", "expiresAt")} />
      <TargetsEditor targets={targets} onChange={setTargets} calendars={calendars} />
    </AdminForm>
  );
}

function Exceptions({ organizationId }: { organizationId: string }) {
  const loaded = useLoaded(async () => {
    const [exceptions, policies, calendars] = await Promise.all([
      api<CustomerExceptionView[]>("GET", `/organizations/${organizationId}/sla-exceptions`),
      api<PolicyView[]>("GET", "/sla/policies"),
      api<CalendarView[]>("GET", "/sla/calendars"),
    ]);
    return { exceptions, policies, calendars };
  }, [organizationId]);
  const removal = useSubmission([]);
  if (!loaded.value) return <LoadState error={loaded.error} what="SLA exceptions" />;
  const { exceptions, policies, calendars } = loaded.value;
  return (
    <section aria-labelledby="exceptions-title">
      <h2 id="exceptions-title">SLA exceptions</h2>
      {exceptions.length === 0 ? (
        <p className="muted">
          None: this organization gets the policies' targets. Add an exception when a contract promises it
          something else for a while.
        </p>
      ) : (
        <ul className="plain exceptions">
          {exceptions.map((exception) => (
            <li key={exception.id} className={exception.expired ? "expired" : undefined}>
              <strong>{exception.reason}</strong>{" "}
              <span className="muted">
                {exception.policyName ? `replaces ${exception.policyName}'s` : "extra"}{" "}
                {exception.targets
                  .map((target) => `${metricNames[target.metric]} ${target.durationMs / 3_600_000} h`)
                  .join(", ")}
                , {exception.expired ? "expired" : "until"}{" "}
                {new Date(exception.expiresAt).toLocaleDateString()}
              </span>{" "}
              <button
                type="button"
                className="link"
                onClick={() =>
                  removal.run(async () => {
                    await api("DELETE", `/organizations/${organizationId}/sla-exceptions/${exception.id}`);
                    loaded.reload();
                  })
                }
              >
                Remove<span className="visually-hidden"> the exception “{exception.reason}”</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormProblems problems={removal.problems} />
      <AddExceptionForm
        organizationId={organizationId}
        policies={policies}
        calendars={calendars}
        onAdded={loaded.reload}
      />
    </section>
  );
}

/** One organization: its fields, the SLA exceptions agreed with it, its retention and its people. */
export function OrganizationPage() {
  const { id = "" } = useParams();
  const organization = useLoaded(() => api<OrganizationView>("GET", `/organizations/${id}`), [id]);
  const [saved, setSaved] = useState(false);
  return (
    <div className="admin-page">
      <p className="crumbs">
        <Link to="/admin/organizations">Organizations</Link>
      </p>
      {organization.value ? (
        <>
          <h1>{organization.value.name}</h1>
          <OrganizationForm
            key={organization.value.updatedAt}
            title="Details"
            submitLabel="Save changes"
            initial={draftOf(organization.value)}
            save={async (draft) => {
              setSaved(false);
              await api("PATCH", `/organizations/${id}`, bodyOf(draft));
              setSaved(true);
              organization.reload();
            }}
          />
          <p role="status" className="saved">
            {saved ? "Saved." : ""}
          </p>
          <Exceptions organizationId={id} />
          <OrganizationRetention organizationId={id} />
          <OrganizationPeople organizationId={id} />
        </>
      ) : (
        <LoadState error={organization.error} what="The organization" />
      )}
    </div>
  );
}
