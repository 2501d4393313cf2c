import type { Context } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { hashSecret, newSecret } from "./secrets.js";
import type { FirstFactor } from "./sessions.js";
import { signInChallengeLifetimeMs } from "./two-factor.js";
import { deleteExpiredSignInChallenges, insertSignInChallenge } from "./two-factor-repository.js";

/** A correct password from someone with a second factor: no session yet, a challenge for the code. */
export interface SecondFactorRequired {
  /** Sent back with the code to `POST /auth/sign-in/second-factor`; stored only as a hash. */
  secondFactorChallenge: string;
  expiresAt: Date;
}

export async function challengeSecondFactor(
  ctx: Context,
  person: { id: string; email: string },
  firstFactor: FirstFactor = "password",
): Promise<SecondFactorRequired> {
  const now = ctx.clock.now();
  const challenge = newSecret("");
  const expiresAt = new Date(now.getTime() + signInChallengeLifetimeMs);
  // Abandoned sign-ins would otherwise pile up: a person's new challenge sweeps their expired ones.
  await deleteExpiredSignInChallenges(ctx.db, person.id, now.toISOString());
  await insertSignInChallenge(ctx.db, {
    id_hash: hashSecret(challenge),
    person_id: person.id,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    failures: 0,
    first_factor: firstFactor,
  });
  ctx.logger.info({ personId: person.id, firstFactor }, "first factor accepted, second factor required");
  await recordAudit(ctx, {
    action: "auth.second_factor_required",
    targetType: "person",
    targetId: person.id,
    after: { email: person.email, firstFactor },
  });
  return { secondFactorChallenge: challenge, expiresAt };
}
