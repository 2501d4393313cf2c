import { auditRowsConcerning, redactAuditRows } from "../audit/audit-repository.js";
import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { contentTombstone } from "../privacy/privacy-policy.js";
import { replacePageText, triggeredPagesOfTickets } from "./paging-trigger-repository.js";
import { withoutSubject } from "./paging-triggers.js";

/**
 * A page a trigger opened quotes its ticket's subject in the title and details, so erasing the
 * ticket's requester reaches the copy as it reaches the ticket, and the `page.opened` audit
 * records quoting the title are redacted (their digests keep the chain). Pages people typed are
 * their words about an incident, not the requester's, and stay. So do pages a status incident's
 * opening triggered (`status_incident_trigger_firings`, not read here): an incident's title and
 * the rule's figures describe the service, not a person.
 */
export const triggeredPageContent: ErasureContributor = {
  async find(ctx, { requestedTickets }) {
    const pages = await triggeredPagesOfTickets(
      ctx.db,
      requestedTickets.map((ticket) => ticket.id),
    );
    const tombstone = contentTombstone("person_erased", ctx.clock.now());
    const rewritten = pages
      .map((page) => ({ id: page.id, before: page, after: withoutSubject(page, tombstone) }))
      .filter(({ before, after }) => before.title !== after.title || before.details !== after.details);
    const auditIds = await auditRowsConcerning(ctx.db, { targetIds: rewritten.map((page) => page.id) });
    return {
      counts: { triggeredPages: rewritten.length, triggeredPageAuditRecords: auditIds.length },
      erase: async () => {
        for (const page of rewritten) await replacePageText(ctx.db, page.id, page.after);
        await redactAuditRows(ctx.db, auditIds);
      },
    };
  },
};
