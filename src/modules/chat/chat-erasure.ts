import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { countSlackLinksOf, unlinkSlackPerson } from "./chat-repository.js";

/**
 * Which Slack account is the person: an identifier of theirs in another system, erased with them. A
 * later message from that Slack account is a stranger's again and makes a new customer.
 */
export const chatIdentityErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const count = await countSlackLinksOf(ctx.db, person.id);
    return { counts: { slackAccountLinks: count }, erase: () => unlinkSlackPerson(ctx.db, person.id) };
  },
};
