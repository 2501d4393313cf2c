import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import {
  contentTombstone,
  erasedPersonName,
  keepsCommentsOnOthersTickets,
} from "../privacy/privacy-policy.js";
import { commentsToErase } from "../privacy/privacy-repository.js";
import type { DebriefTicketSnapshot, DebriefUpdateSnapshot } from "./handoff-presenter.js";
import { listItemsOfTickets, replaceItemContent } from "./handoff-repository.js";

/**
 * A debrief copies what it quotes (a ticket's subject, excerpts of its last updates), so erasure
 * reaches the copies as it reaches the originals: the subjects of tickets the person requested and
 * every excerpt on them, and the excerpts of their own messages erased elsewhere. A staff member's
 * replies on customers' tickets stay (signed "Erased person"), so the copies keep the excerpt but
 * lose the name copied beside it.
 */
export const handoffDebriefContent: ErasureContributor = {
  async find(ctx, { person, requestedTickets }) {
    const requested = new Set(requestedTickets.map((ticket) => ticket.id));
    const comments = await commentsToErase(ctx.db, person.id, keepsCommentsOnOthersTickets(person.role));
    const theirs = new Set(comments.map((comment) => comment.id));
    const written = await commentsToErase(ctx.db, person.id, false);
    const authored = new Set(written.map((comment) => comment.id));
    const touched = [...new Set([...requested, ...written.map((comment) => comment.ticket_id)])];
    const tombstone = contentTombstone("person_erased", ctx.clock.now());
    const erasedUpdate = (update: DebriefUpdateSnapshot | null, onTheirTicket: boolean) => {
      if (!update) return update;
      const author = authored.has(update.commentId) ? erasedPersonName : update.author;
      if (!(onTheirTicket || theirs.has(update.commentId))) return { ...update, author };
      return { ...update, excerpt: tombstone, author };
    };
    const rewritten = (await listItemsOfTickets(ctx.db, touched)).flatMap((item) => {
      const onTheirTicket = requested.has(item.ticket_id);
      const snapshot = JSON.parse(item.snapshot) as DebriefTicketSnapshot;
      const next: DebriefTicketSnapshot = {
        ...snapshot,
        subject: onTheirTicket ? tombstone : snapshot.subject,
        lastPublicUpdate: erasedUpdate(snapshot.lastPublicUpdate, onTheirTicket),
        lastInternalUpdate: erasedUpdate(snapshot.lastInternalUpdate, onTheirTicket),
      };
      const serialized = JSON.stringify(next);
      if (serialized === item.snapshot) return [];
      return [{ ...item, ticket_subject: next.subject, snapshot: serialized }];
    });
    return {
      counts: { handoffDebriefItems: rewritten.length },
      erase: async () => {
        for (const item of rewritten) await replaceItemContent(ctx.db, item);
      },
    };
  },
};
