import type { SlaClock, TicketView } from "./api.js";

export const planNames: Record<NonNullable<TicketView["organization"]>["plan"], string> = {
  self_hosted: "Self-hosted",
  managed: "Managed",
  cloud: "Cloud",
  custom: "Custom",
};

export const metricNames: Record<SlaClock["metric"], string> = {
  first_response: "First response",
  next_response: "Next response",
  periodic_update: "Periodic update",
  resolution: "Resolution",
};

export const severityNames: Record<TicketView["severity"], string> = { sev1: "Sev1", sev2: "Sev2" };

export const categoryNames: Record<TicketView["category"], string> = {
  availability: "Platform availability",
  provisioning: "Provisioning",
  other: "Other",
};

export const statusNames: Record<TicketView["status"], string> = {
  new: "New",
  open: "Open",
  pending: "Pending",
  solved: "Solved",
  closed: "Closed",
};

export function StatusLabel({ status }: { status: TicketView["status"] }) {
  return <span className={`status status-${status}`}>{statusNames[status]}</span>;
}

export function SeverityLabel({ severity }: { severity: TicketView["severity"] }) {
  return <span className={`severity severity-${severity}`}>{severityNames[severity]}</span>;
}

/** The organization with its plan, and a mark for a prospect (pre-sales) so nobody misses it. */
export function OrganizationLine({ organization }: { organization: TicketView["organization"] }) {
  if (!organization) return <span className="org muted">No organization</span>;
  return (
    <span className="org">
      {organization.name} · {planNames[organization.plan]}
      {organization.stage === "pre_sales" && (
        <abbr className="presales" title="Pre-sales: a prospect, not yet a customer">
          Pre-sales
        </abbr>
      )}
    </span>
  );
}
