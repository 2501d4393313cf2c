import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { deletePersonPageWebhook, findPersonPageWebhook } from "./page-channel-repository.js";

/** A person's own page webhook leads to their private chat: it goes with them. */
export const personPageWebhookErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const webhook = await findPersonPageWebhook(ctx.db, person.id);
    return {
      counts: { pageWebhooks: webhook ? 1 : 0 },
      erase: async () => {
        await deletePersonPageWebhook(ctx.db, person.id);
      },
    };
  },
};
