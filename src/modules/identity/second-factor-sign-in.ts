import { TooManyRequestsError, UnauthorizedError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Actor } from "./actor.js";
import { acceptTotpCode } from "./manage-two-factor.js";
import { findPersonById, type PersonRow } from "./person-repository.js";
import { hashSecret } from "./secrets.js";
import { type FirstFactor, type SignInMethod, startSession } from "./sessions.js";
import { secondsUntil, throttleKeys } from "./sign-in-throttle.js";
import { activeLockouts, clearFailures, recordFailure } from "./sign-in-throttle-repository.js";
import { isTotpCode, normalizeRecoveryCode, signInChallengeMaxFailures } from "./two-factor.js";
import {
  countUnusedRecoveryCodes,
  deleteSignInChallenge,
  findSignInChallenge,
  findTwoFactorCredential,
  recordChallengeFailure,
  spendRecoveryCode,
} from "./two-factor-repository.js";

const challengeGone = "This sign-in has expired or was already used: sign in again.";

/**
 * The second step of a sign-in: the challenge a correct password earned and a code from the
 * authenticator app or a recovery code. Success spends the challenge (and a recovery code, if that
 * was it) and opens the session. A wrong code counts against the sign-in throttle exactly like a
 * wrong password, and a challenge dies after five, so the password alone never buys unlimited guesses.
 */
export async function signInWithSecondFactor(
  ctx: Context,
  input: { challenge: string; code: string },
  address?: string,
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor }> {
  const idHash = hashSecret(input.challenge);
  const now = ctx.clock.now();
  const challenge = await findSignInChallenge(ctx.db, idHash);
  const person = challenge ? await findPersonById(ctx.db, challenge.person_id) : undefined;
  // Deactivation removes pending challenges; one that raced it is refused all the same.
  if (!challenge || !person || person.deactivated_at || now.getTime() >= Date.parse(challenge.expires_at)) {
    if (challenge) await deleteSignInChallenge(ctx.db, idHash);
    // A challenge is 256 random bits, so an unknown one is a stale tab, not a guess worth throttling.
    await refuse(ctx, person, "unknown or expired sign-in challenge");
    throw new UnauthorizedError(challengeGone);
  }
  const throttles = throttleKeys(person.email, address);
  const lockouts = await activeLockouts(
    ctx.db,
    throttles.map((t) => t.key),
    now.toISOString(),
  );
  if (lockouts.length > 0) {
    await refuse(ctx, person, "locked out after repeated failures");
    throw new TooManyRequestsError(
      "Too many failed sign-ins for this account or address: try again later.",
      secondsUntil(lockouts, now),
    );
  }
  const secondFactor = isTotpCode(input.code) ? "totp" : "recovery-code";
  const method: SignInMethod = `${challenge.first_factor as FirstFactor}+${secondFactor}`;
  const signedIn = await inTransaction(ctx, async (tx) => {
    if (!(await proveSecondFactor(tx, person, input.code, secondFactor))) return undefined;
    // Spending the challenge is the compare-and-set: of two requests racing with it, one signs in.
    if (!(await deleteSignInChallenge(tx.db, idHash))) throw new UnauthorizedError(challengeGone);
    if (secondFactor === "recovery-code") {
      // The count left tells an admin reading the trail when someone is running out.
      const left = await countUnusedRecoveryCodes(tx.db, person.id);
      await recordAudit(tx, {
        action: "auth.recovery_code_used",
        targetType: "person",
        targetId: person.id,
        after: { email: person.email, codesLeft: left },
      });
    }
    await clearFailures(tx.db, throttles[0]?.key ?? "");
    return startSession(tx, person, method);
  });
  if (signedIn) return signedIn;

  const failures = await recordChallengeFailure(ctx.db, idHash);
  if (failures >= signInChallengeMaxFailures) await deleteSignInChallenge(ctx.db, idHash);
  await refuse(ctx, person, secondFactor === "totp" ? "wrong or reused code" : "wrong or used recovery code");
  for (const throttle of throttles) await recordFailure(ctx.db, throttle, now);
  throw new UnauthorizedError("The code is wrong or was already used.");
}

/** The code proves the second factor: a fresh authenticator code, or an unused recovery code, now spent. */
async function proveSecondFactor(
  ctx: Context,
  person: PersonRow,
  code: string,
  secondFactor: "totp" | "recovery-code",
): Promise<boolean> {
  const credential = await findTwoFactorCredential(ctx.db, person.id);
  if (!credential?.confirmed_at) return false;
  if (secondFactor === "totp") return acceptTotpCode(ctx, credential, code);
  const codeHash = hashSecret(normalizeRecoveryCode(code));
  return spendRecoveryCode(ctx.db, person.id, codeHash, ctx.clock.now().toISOString());
}

async function refuse(ctx: Context, person: PersonRow | undefined, reason: string): Promise<void> {
  ctx.logger.info({ personId: person?.id ?? null, reason }, "sign-in refused");
  await recordAudit(ctx, {
    action: "auth.sign_in_failed",
    targetType: "person",
    targetId: person?.id ?? null,
    after: { ...(person ? { email: person.email } : {}), reason },
  });
}
