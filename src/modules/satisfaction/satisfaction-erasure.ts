import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { countSurveyCommentsBy, forgetSurveyCommentsBy } from "./satisfaction-repository.js";

/**
 * A survey's comment is the requester's own words, erased with them. The Good or Bad stays, so the
 * desk's CSAT figures for the period do not change when a customer leaves.
 */
export const satisfactionCommentErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const count = await countSurveyCommentsBy(ctx.db, person.id);
    return {
      counts: { satisfactionComments: count },
      erase: () => forgetSurveyCommentsBy(ctx.db, person.id),
    };
  },
};
