import type { Context } from "../../shared/context.js";
import { countAttachmentRows, deleteAttachmentRows } from "../attachments/attachment-repository.js";
import { removeUnreferencedAttachmentFiles } from "../attachments/remove-attachment-files.js";
import { countUploadsOf, deleteUploadsOf } from "../attachments/upload-repository.js";
import { auditRowsConcerning, redactAuditRows } from "../audit/audit-repository.js";
import { chatIdentityErasure } from "../chat/chat-erasure.js";
import type { PersonRow } from "../identity/person-repository.js";
import { signInLinkThrottleKey } from "../identity/sign-in-link.js";
import { countSignInLinksOf, deleteSignInLinksOf } from "../identity/sign-in-link-repository.js";
import { throttleKeys } from "../identity/sign-in-throttle.js";
import { clearFailures } from "../identity/sign-in-throttle-repository.js";
import { knowledgeDeflectionErasure } from "../knowledge/knowledge-erasure.js";
import { handoffDebriefContent } from "../oncall/handoff-erasure.js";
import { onCallErasure } from "../oncall/oncall-erasure.js";
import { escalationPolicyErasure } from "../paging/escalation-policy-erasure.js";
import { personPageWebhookErasure } from "../paging/page-webhook-erasure.js";
import { triggeredPageContent } from "../paging/paging-trigger-erasure.js";
import { satisfactionCommentErasure } from "../satisfaction/satisfaction-erasure.js";
import { statusSubscriptionErasure } from "../status/subscription-erasure.js";
import { commentBody } from "../tickets/comment-body.js";
import { countFollowingsOf, deleteFollowingsOf } from "../tickets/ticket-follower-repository.js";
import {
  contentTombstone,
  erasedEmail,
  erasedPersonName,
  keepsCommentsOnOthersTickets,
} from "./privacy-policy.js";
import {
  apiTokenIdsOf,
  commentsToErase,
  contentEventsOfTickets,
  countPersonCredentials,
  deleteJobs,
  deleteRawEmails,
  emailsConcerning,
  erasePersonProfile,
  queuedPayloadsMentioning,
  removeRecipient,
  type TicketRef,
  tombstoneDomainEventPayloads,
  tombstoneEmailMessages,
} from "./privacy-repository.js";
import { replaceTicketContent } from "./ticket-content.js";

/** The person being erased, read once before any contributor looks. */
export interface ErasureSubject {
  person: PersonRow;
  requestedTickets: TicketRef[];
}

/** What one contributor holds about the person: counted for the dry run, erased on the real run. */
export interface ErasureFinding {
  counts: Record<string, number>;
  erase(): Promise<void>;
  /** After the erasure committed: what lives outside the database (files) and may only go then. */
  afterCommit?(ctx: Context): Promise<void>;
}

/**
 * A capability that stores personal data lists what it holds for a person and erases it. Each
 * module that keeps such data (attachments, raw emails, satisfaction comments when they come)
 * adds one here; the dry run and the erasure both walk this list, so neither can forget one.
 */
export interface ErasureContributor {
  find(ctx: Context, subject: ErasureSubject): Promise<ErasureFinding>;
}

const accountThrottleKey = (person: PersonRow) => throttleKeys(person.email, undefined)[0]?.key ?? "";

/** The profile and every way to sign in as the person. */
const profile: ErasureContributor = {
  async find(ctx, { person }) {
    const credentials = await countPersonCredentials(ctx.db, person.id, accountThrottleKey(person));
    return {
      counts: { profile: 1, ...credentials },
      erase: () =>
        erasePersonProfile(ctx.db, person.id, accountThrottleKey(person), {
          name: erasedPersonName,
          email: erasedEmail(person.id),
          updatedAt: ctx.clock.now().toISOString(),
        }),
    };
  },
};

/** The subjects of tickets they requested, their messages, subject changes, and the search index. */
const ticketContent: ErasureContributor = {
  async find(ctx, { person, requestedTickets }) {
    const ticketIds = requestedTickets.map((ticket) => ticket.id);
    const comments = await commentsToErase(ctx.db, person.id, keepsCommentsOnOthersTickets(person.role));
    const eventIds = await contentEventsOfTickets(ctx.db, ticketIds);
    const touchedTicketIds = [...new Set([...ticketIds, ...comments.map((comment) => comment.ticket_id)])];
    return {
      counts: { ticketSubjects: ticketIds.length, comments: comments.length, ticketEvents: eventIds.length },
      erase: () =>
        replaceTicketContent(
          ctx,
          { ticketIds, commentIds: comments.map((comment) => comment.id), eventIds, touchedTicketIds },
          "person_erased",
        ),
    };
  },
};

/** Their mail: the thread copies are tombstoned like their comments, the raw emails deleted. */
const mail: ErasureContributor = {
  async find(ctx, { person, requestedTickets }) {
    const comments = await commentsToErase(ctx.db, person.id, keepsCommentsOnOthersTickets(person.role));
    const { messageIds, copiedMessageIds, rawEmailIds } = await emailsConcerning(ctx.db, {
      ticketIds: requestedTickets.map((ticket) => ticket.id),
      commentIds: comments.map((comment) => comment.id),
      email: person.email,
    });
    const tombstone = contentTombstone("person_erased", ctx.clock.now());
    return {
      counts: {
        emailMessages: messageIds.length,
        emailCopies: copiedMessageIds.length,
        rawEmails: rawEmailIds.length,
      },
      erase: async () => {
        await removeRecipient(ctx.db, copiedMessageIds, person.email);
        await tombstoneEmailMessages(ctx.db, messageIds, {
          ...commentBody({ body: tombstone }),
          email: person.email,
          erasedEmail: erasedEmail(person.id),
        });
        await deleteRawEmails(ctx.db, rawEmailIds);
      },
    };
  },
};

/**
 * The files that came with their erased messages: the rows go in the transaction, each file after
 * the commit unless another message (someone else's copy of the same bytes) still names it.
 */
const attachments: ErasureContributor = {
  async find(ctx, { person }) {
    const commentIds = (
      await commentsToErase(ctx.db, person.id, keepsCommentsOnOthersTickets(person.role))
    ).map((comment) => comment.id);
    let files: string[] = [];
    return {
      counts: { attachments: await countAttachmentRows(ctx.db, { commentIds }) },
      erase: async () => {
        files = await deleteAttachmentRows(ctx.db, { commentIds });
      },
      afterCommit: (committed) => removeUnreferencedAttachmentFiles(committed, files),
    };
  },
};

/** Files they uploaded and never attached: rows in the transaction, files after the commit. */
const pendingUploads: ErasureContributor = {
  async find(ctx, { person }) {
    let files: string[] = [];
    return {
      counts: { uploads: await countUploadsOf(ctx.db, person.id) },
      erase: async () => {
        files = await deleteUploadsOf(ctx.db, person.id);
      },
      afterCommit: (committed) => removeUnreferencedAttachmentFiles(committed, files),
    };
  },
};

/** The tickets they follow: an erased person receives no more replies, on any ticket. */
const followings: ErasureContributor = {
  async find(ctx, { person }) {
    return {
      counts: { followings: await countFollowingsOf(ctx.db, person.id) },
      erase: () => deleteFollowingsOf(ctx.db, person.id),
    };
  },
};

/** Their portal sign-in links, and the request counter kept under their address. */
const signInLinks: ErasureContributor = {
  async find(ctx, { person }) {
    return {
      counts: { signInLinks: await countSignInLinksOf(ctx.db, person.id) },
      erase: async () => {
        await deleteSignInLinksOf(ctx.db, person.id);
        await clearFailures(ctx.db, signInLinkThrottleKey(person.email));
      },
    };
  },
};

/** Outbox events and queued jobs whose payload names the person. */
const queuedPayloads: ErasureContributor = {
  async find(ctx, { person }) {
    const { domainEventIds, jobIds } = await queuedPayloadsMentioning(ctx.db, person.email);
    return {
      counts: { domainEvents: domainEventIds.length, jobs: jobIds.length },
      erase: async () => {
        await tombstoneDomainEventPayloads(ctx.db, domainEventIds, JSON.stringify({ erased: true }));
        // A job about an erased person has nothing left to act on.
        await deleteJobs(ctx.db, jobIds);
      },
    };
  },
};

/**
 * Audit records by the person, about them, their tickets or their API tokens, or naming their
 * address: their personal part is redacted, the chain keeps its digests.
 */
const auditTrail: ErasureContributor = {
  async find(ctx, { person, requestedTickets }) {
    const ids = await auditRowsConcerning(ctx.db, {
      actorId: person.id,
      targetIds: [
        person.id,
        ...requestedTickets.map((ticket) => ticket.id),
        ...(await apiTokenIdsOf(ctx.db, person.id)),
      ],
      mentioning: person.email,
    });
    return { counts: { auditRecords: ids.length }, erase: () => redactAuditRows(ctx.db, ids) };
  },
};

export const erasureContributors: ErasureContributor[] = [
  // First: they refuse while a schedule or an escalation policy still counts on the person,
  // before anything else is read.
  onCallErasure,
  escalationPolicyErasure,
  profile,
  ticketContent,
  mail,
  attachments,
  pendingUploads,
  followings,
  signInLinks,
  queuedPayloads,
  handoffDebriefContent,
  personPageWebhookErasure,
  triggeredPageContent,
  statusSubscriptionErasure,
  knowledgeDeflectionErasure,
  satisfactionCommentErasure,
  chatIdentityErasure,
  auditTrail,
];
