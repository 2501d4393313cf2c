import { useState } from "react";
import type { ErasureReport } from "../../../src/modules/privacy/erase-person.js";
import { isErased } from "../../../src/modules/privacy/privacy-policy.js";
import { api, type PersonView } from "../api.js";
import { AdminTable, everyPage, FormProblems, LoadState, useLoaded, useSubmission } from "./form-controls.js";

/**
 * A customer's erasure at their request: first what would go (a dry run), then, confirmed, for good.
 * Their tickets stay, with their words and the subject replaced by a tombstone.
 */
export function Erasure({ person, onErased }: { person: PersonView; onErased(): void }) {
  const submission = useSubmission([]);
  const [preview, setPreview] = useState<ErasureReport | null>(null);
  const erase = (dryRun: boolean) =>
    submission.run(async () => {
      const report = await api<ErasureReport>("POST", `/people/${person.id}/erasure`, { dryRun });
      if (dryRun) setPreview(report);
      else {
        setPreview(null);
        onErased();
      }
    });
  return (
    <div className="erasure">
      {preview ? (
        <div className="row-actions">
          <p className="hint">
            Erasing {person.name} removes{" "}
            {preview.items
              .filter((item) => item.count > 0)
              .map((item) => `${item.kind} (${item.count})`)
              .join(", ") || "their profile"}
            .
            {preview.ticketNumbers.length > 0 &&
              ` Their ${preview.ticketNumbers.length} ticket(s) stay, without their words: ${preview.ticketNumbers
                .map((number) => `#${number}`)
                .join(", ")}.`}{" "}
            This cannot be undone.
          </p>
          <button type="button" className="primary" disabled={submission.busy} onClick={() => erase(false)}>
            Erase {person.name} for good
          </button>
          <button type="button" onClick={() => setPreview(null)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" disabled={submission.busy} onClick={() => erase(true)}>
          Erase…<span className="visually-hidden"> {person.name}</span>
        </button>
      )}
      <FormProblems problems={submission.problems} />
    </div>
  );
}

/** The organization's people, each with their erasure. */
export function OrganizationPeople({ organizationId }: { organizationId: string }) {
  const people = useLoaded(
    () => everyPage<PersonView>(`/people?organizationId=${organizationId}`),
    [organizationId],
  );
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      {!people.value ? (
        <LoadState error={people.error} what="The people" />
      ) : people.value.length === 0 ? (
        <p className="muted">Nobody yet: customers join when they first write from one of its domains.</p>
      ) : (
        <AdminTable columns={["Name", "Email", "Right to erasure"]}>
          {people.value.map((person) => (
            <tr key={person.id}>
              <td>{person.name}</td>
              <td>{person.email}</td>
              <td>
                {isErased(person) ? (
                  <span className="muted">Erased</span>
                ) : (
                  <Erasure person={person} onErased={people.reload} />
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}
