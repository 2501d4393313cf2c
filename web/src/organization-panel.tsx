import { useEffect, useState } from "react";
import { Link } from "react-router";
import type { CustomerExceptionView } from "../../src/modules/sla/customer-exceptions.js";
import { api, type Page, type TicketView } from "./api.js";
import { OrganizationLine, StatusLabel } from "./ticket-labels.js";

interface OrganizationFacts {
  exceptions: CustomerExceptionView[];
  otherOpen: TicketView[];
}

export const stageNames = { pre_sales: "Pre-sales", customer: "Customer" } as const;

/**
 * The requester's organization at a glance: plan and stage, the SLA exceptions agreed with it
 * (they change the promises this ticket runs on), and its other open tickets.
 */
export function OrganizationPanel({ ticket }: { ticket: TicketView }) {
  const organization = ticket.organization;
  const organizationId = organization?.id;
  const [facts, setFacts] = useState<OrganizationFacts | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!organizationId) return;
    Promise.all([
      api<CustomerExceptionView[]>("GET", `/organizations/${organizationId}/sla-exceptions`),
      api<Page<TicketView>>(
        "GET",
        `/tickets?organizationId=${organizationId}&status=new,open,pending&sort=-updatedAt&limit=6`,
      ),
    ])
      .then(([exceptions, open]) =>
        setFacts({
          exceptions: exceptions.filter((exception) => !exception.expired),
          otherOpen: open.items.filter((other) => other.id !== ticket.id).slice(0, 5),
        }),
      )
      .catch((caught: Error) => setError(caught.message));
  }, [organizationId, ticket.id]);

  if (!organization) return null;
  return (
    <section aria-labelledby="organization-title">
      <h2 id="organization-title">Organization</h2>
      <p>
        <OrganizationLine organization={organization} />
        <span className="muted">Stage: {stageNames[organization.stage]}</span>
      </p>
      {error && <p className="error">Could not load the organization's details: {error}</p>}
      {facts && facts.exceptions.length > 0 && (
        <>
          <h3>SLA exceptions</h3>
          <ul className="plain">
            {facts.exceptions.map((exception) => (
              <li key={exception.id}>
                {exception.reason}{" "}
                <span className="muted">until {new Date(exception.expiresAt).toLocaleDateString()}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {facts && (
        <>
          <h3>Other open tickets</h3>
          {facts.otherOpen.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="plain">
              {facts.otherOpen.map((other) => (
                <li key={other.id}>
                  <Link to={`/tickets/${other.number}`}>
                    #{other.number} {other.subject}
                  </Link>{" "}
                  <StatusLabel status={other.status} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
