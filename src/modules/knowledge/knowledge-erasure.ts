import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { countDeflectionsBy, forgetDeflectionsBy } from "./knowledge-repository.js";

/**
 * A deflection keeps what the customer had typed into the request form: their words, erased with them.
 * The deflection itself stays, unattributed, so the article's count of requests it answered holds.
 */
export const knowledgeDeflectionErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const count = await countDeflectionsBy(ctx.db, person.id);
    return {
      counts: { knowledgeDeflections: count },
      erase: () => forgetDeflectionsBy(ctx.db, person.id),
    };
  },
};
