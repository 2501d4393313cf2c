import type { Context } from "../../shared/context.js";
import { commentBody } from "../tickets/comment-body.js";
import {
  indexSearchDocuments,
  removeSearchDocuments,
  type SearchDocument,
} from "../tickets/ticket-search.js";
import { contentTombstone, type ErasureCause } from "./privacy-policy.js";
import {
  markTicketsErased,
  searchDocumentsOf,
  tombstoneComments,
  tombstoneDomainEventsOfTickets,
  tombstoneTicketEvents,
  tombstoneTicketSubjects,
} from "./privacy-repository.js";

/** The words to take out of tickets: whole subjects, single comments, subject-change events. */
export interface TicketContent {
  /** Tickets whose subject goes; they are marked erased. */
  ticketIds: string[];
  commentIds: string[];
  eventIds: string[];
  /** Every ticket any of the above belongs to: its search documents are rebuilt. */
  touchedTicketIds: string[];
}

/**
 * Replaces the content with the tombstone and rebuilds the tickets' search documents from what is
 * left, so search no longer finds the removed words. Structure stays: status, tags, times, clocks.
 */
export async function replaceTicketContent(ctx: Context, content: TicketContent, cause: ErasureCause) {
  const tombstone = contentTombstone(cause, ctx.clock.now());
  const at = ctx.clock.now().toISOString();
  await tombstoneTicketSubjects(ctx.db, content.ticketIds, tombstone);
  await tombstoneComments(ctx.db, content.commentIds, commentBody({ body: tombstone }));
  await tombstoneTicketEvents(ctx.db, content.eventIds, tombstone);
  await tombstoneDomainEventsOfTickets(ctx.db, content.ticketIds, JSON.stringify({ erased: true }));
  await markTicketsErased(ctx.db, content.ticketIds, at, cause);
  await removeSearchDocuments(ctx.db, content.touchedTicketIds);
  const documents = await searchDocumentsOf(ctx.db, content.touchedTicketIds);
  await indexSearchDocuments(ctx.db, ctx.dialect, documents as SearchDocument[]);
}
