import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { normalizedEmail } from "./status-subscriptions.js";
import { deleteSubscriber, findSubscriberByEmail } from "./subscription-repository.js";

/**
 * A status-page subscription names no person, only an address; when the person with that address is erased,
 * a subscription of the same address (confirmed or not) goes with them, its delivery records and tokens by
 * cascade. Someone erased who wants status mail again subscribes again.
 */
export const statusSubscriptionErasure: ErasureContributor = {
  async find(ctx, { person }) {
    let email: string;
    try {
      email = normalizedEmail(person.email);
    } catch {
      return { counts: { statusSubscriptions: 0 }, erase: async () => {} };
    }
    const subscriber = await findSubscriberByEmail(ctx.db, email);
    return {
      counts: { statusSubscriptions: subscriber ? 1 : 0 },
      erase: async () => {
        if (subscriber) await deleteSubscriber(ctx.db, subscriber.id);
      },
    };
  },
};
