import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { isSealed } from "../../shared/secret-box.js";
import { recordAudit } from "../audit/record-audit.js";
import type { PersonActor, Role } from "./actor.js";
import { requireAdmin, requirePerson } from "./identity-policy.js";
import { findPersonById, type PersonRow } from "./person-repository.js";
import { hashSecret } from "./secrets.js";
import { endSessionsOf } from "./sessions.js";
import { secondsUntil, throttleKeys } from "./sign-in-throttle.js";
import { activeLockouts, recordFailure } from "./sign-in-throttle-repository.js";
import { matchTotp, newTotpSecret, otpauthUri } from "./totp.js";
import {
  newRecoveryCodes,
  normalizeRecoveryCode,
  type TwoFactorRequirement,
  twoFactorRequiredFor,
} from "./two-factor.js";
import {
  acceptTotpStep,
  confirmCredential,
  countUnusedRecoveryCodes,
  deleteTwoFactor,
  findSecuritySettings,
  findTwoFactorCredential,
  replaceRecoveryCodes,
  savePendingCredential,
  type TwoFactorCredentialRow,
} from "./two-factor-repository.js";

/** The name authenticator apps list the account under. */
const issuer = "Tend";

export interface TwoFactorStatus {
  enabled: boolean;
  pendingEnrollment: boolean;
  /** Whether an admin requires a second factor of this person's role. */
  required: boolean;
  recoveryCodesLeft: number;
}

/**
 * Only agents and admins sign in with a password, so only they have a second factor. Changing it
 * takes a signed-in session: an API token is a credential of its own and must not be able to turn
 * off, or take over, the factor that protects sign-in.
 */
function requireOwnSession(ctx: Context): PersonActor {
  const actor = requireStaffPerson(ctx);
  if (actor.token) {
    throw new ForbiddenError(
      "Two-factor sign-in is managed from a signed-in session, not with an API token.",
    );
  }
  return actor;
}

function requireStaffPerson(ctx: Context): PersonActor {
  const actor = requirePerson(ctx.actor);
  if (actor.role === "customer") throw new ForbiddenError("Two-factor sign-in is for agents and admins.");
  return actor;
}

async function loadPerson(ctx: Context, personId: string): Promise<PersonRow> {
  const person = await findPersonById(ctx.db, personId);
  if (!person) throw new NotFoundError(`No person ${personId}.`);
  return person;
}

async function requirementFor(ctx: Context, role: string): Promise<boolean> {
  const settings = await findSecuritySettings(ctx.db);
  return twoFactorRequiredFor(settings.require_two_factor_for as TwoFactorRequirement, role as Role);
}

export async function getTwoFactorStatus(ctx: Context): Promise<TwoFactorStatus> {
  const actor = requireStaffPerson(ctx);
  const person = await loadPerson(ctx, actor.personId);
  const credential = await findTwoFactorCredential(ctx.db, person.id);
  const enabled = Boolean(credential?.confirmed_at);
  return {
    enabled,
    pendingEnrollment: credential !== undefined && !enabled,
    required: await requirementFor(ctx, person.role),
    recoveryCodesLeft: enabled ? await countUnusedRecoveryCodes(ctx.db, person.id) : 0,
  };
}

/**
 * Starts (or restarts) enrollment: a new secret, stored pending, for the person to add to their
 * authenticator app. Nothing changes at sign-in until they confirm it with a code.
 */
export async function startTwoFactorEnrollment(
  ctx: Context,
): Promise<{ secret: string; otpauthUri: string }> {
  const actor = requireOwnSession(ctx);
  return inTransaction(ctx, async (tx) => {
    const person = await loadPerson(tx, actor.personId);
    const existing = await findTwoFactorCredential(tx.db, person.id);
    if (existing?.confirmed_at) {
      throw new ConflictError("Two-factor sign-in is already on: turn it off first to enrol a new device.");
    }
    const secret = newTotpSecret();
    await savePendingCredential(tx.db, {
      person_id: person.id,
      secret: tx.secretBox ? tx.secretBox.seal(secret, person.id) : secret,
      confirmed_at: null,
      last_accepted_step: null,
      created_at: tx.clock.now().toISOString(),
    });
    await recordAudit(tx, {
      action: "two_factor.enrollment_started",
      targetType: "person",
      targetId: person.id,
    });
    return { secret, otpauthUri: otpauthUri(secret, issuer, person.email) };
  });
}

/** Confirms enrollment with a current code: the second factor is on, and the recovery codes are shown once. */
export async function confirmTwoFactorEnrollment({
  ctx,
  input,
}: {
  ctx: Context;
  input: { code: string };
}): Promise<{ recoveryCodes: string[] }> {
  const actor = requireOwnSession(ctx);
  const person = await loadPerson(ctx, actor.personId);
  const credential = await findTwoFactorCredential(ctx.db, person.id);
  if (!credential) throw new ConflictError("Start enrollment first: there is no secret to confirm.");
  if (credential.confirmed_at) throw new ConflictError("Two-factor sign-in is already on.");
  await proveTotpCode(ctx, person, credential, input.code, "confirm enrollment");
  return inTransaction(ctx, async (tx) => {
    const at = tx.clock.now().toISOString();
    await confirmCredential(tx.db, person.id, at);
    const recoveryCodes = await issueRecoveryCodes(tx, person.id);
    await recordAudit(tx, { action: "two_factor.enabled", targetType: "person", targetId: person.id });
    return { recoveryCodes };
  });
}

/** New recovery codes replace every earlier one, used or not; a current code proves the device. */
export async function regenerateRecoveryCodes({
  ctx,
  input,
}: {
  ctx: Context;
  input: { code: string };
}): Promise<{ recoveryCodes: string[] }> {
  const actor = requireOwnSession(ctx);
  const { person, credential } = await loadEnabled(ctx, actor.personId);
  await proveTotpCode(ctx, person, credential, input.code, "regenerate recovery codes");
  return inTransaction(ctx, async (tx) => {
    const recoveryCodes = await issueRecoveryCodes(tx, person.id);
    await recordAudit(tx, {
      action: "two_factor.recovery_codes_regenerated",
      targetType: "person",
      targetId: person.id,
    });
    return { recoveryCodes };
  });
}

/** Turns the second factor off with a current code, unless an admin requires it of the person's role. */
export async function disableTwoFactor({
  ctx,
  input,
}: {
  ctx: Context;
  input: { code: string };
}): Promise<void> {
  const actor = requireOwnSession(ctx);
  const { person, credential } = await loadEnabled(ctx, actor.personId);
  if (await requirementFor(ctx, person.role)) {
    throw new ForbiddenError("An admin requires two-factor sign-in for your role: it cannot be turned off.");
  }
  await proveTotpCode(ctx, person, credential, input.code, "disable");
  await inTransaction(ctx, async (tx) => {
    await deleteTwoFactor(tx.db, person.id);
    await recordAudit(tx, { action: "two_factor.disabled", targetType: "person", targetId: person.id });
  });
}

/**
 * An admin's (or an operator's, from the CLI) answer to a lost device: the person's second factor,
 * recovery codes and sessions are gone, and they enrol again at their next sign-in. Not for one's
 * own account, where it would turn the factor off without the code `disableTwoFactor` asks for.
 */
export async function resetTwoFactor({ ctx, personId }: { ctx: Context; personId: string }): Promise<void> {
  requireAdmin(ctx.actor);
  if (ctx.actor.kind === "person" && ctx.actor.personId === personId) {
    throw new ForbiddenError(
      "Turn off your own two-factor sign-in with a current code; another admin can reset it.",
    );
  }
  await inTransaction(ctx, async (tx) => {
    const person = await loadPerson(tx, personId);
    const credential = await findTwoFactorCredential(tx.db, person.id);
    await deleteTwoFactor(tx.db, person.id);
    await endSessionsOf(tx, person.id, "two-factor reset");
    await recordAudit(tx, {
      action: "two_factor.reset",
      targetType: "person",
      targetId: person.id,
      before: {
        email: person.email,
        twoFactor: credential?.confirmed_at ? "on" : credential ? "pending" : "off",
      },
      after: { email: person.email, twoFactor: "off" },
    });
  });
}

async function loadEnabled(
  ctx: Context,
  personId: string,
): Promise<{ person: PersonRow; credential: TwoFactorCredentialRow }> {
  const person = await loadPerson(ctx, personId);
  const credential = await findTwoFactorCredential(ctx.db, person.id);
  if (!credential?.confirmed_at) throw new ConflictError("Two-factor sign-in is not on.");
  return { person, credential };
}

async function issueRecoveryCodes(ctx: Context, personId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  const hashes = codes.map((code) => hashSecret(normalizeRecoveryCode(code)));
  await replaceRecoveryCodes(ctx.db, personId, hashes, ctx.clock.now().toISOString());
  return codes;
}

/**
 * Accepts a current, unused authenticator code or refuses. A wrong code counts against the
 * person's sign-in throttle like a wrong password, so a stolen session cannot guess its way to
 * turning the factor off; the failure is written (and audited) before the refusal, outside any
 * transaction that could roll it back.
 */
async function proveTotpCode(
  ctx: Context,
  person: PersonRow,
  credential: TwoFactorCredentialRow,
  code: string,
  purpose: string,
): Promise<void> {
  const throttles = throttleKeys(person.email, ctx.origin?.ip ?? undefined);
  const now = ctx.clock.now();
  const lockouts = await activeLockouts(
    ctx.db,
    throttles.map((t) => t.key),
    now.toISOString(),
  );
  if (lockouts.length > 0) {
    throw new TooManyRequestsError(
      "Too many wrong codes or passwords for this account: try again later.",
      secondsUntil(lockouts, now),
    );
  }
  if (await acceptTotpCode(ctx, credential, code)) return;
  ctx.logger.info({ personId: person.id, purpose }, "two-factor code refused");
  await recordAudit(ctx, {
    action: "two_factor.code_rejected",
    targetType: "person",
    targetId: person.id,
    after: { purpose, reason: "wrong or already used code" },
  });
  for (const throttle of throttles) await recordFailure(ctx.db, throttle, now);
  throw ValidationError.field("code", "is wrong or was already used: enter the current code from your app");
}

/** A code matching the person's secret, at a step later than any accepted before; the step is then spent. */
export async function acceptTotpCode(
  ctx: Context,
  credential: TwoFactorCredentialRow,
  code: string,
): Promise<boolean> {
  const secret = storedSecretOf(ctx, credential);
  const step = matchTotp(secret, code, ctx.clock.now(), credential.last_accepted_step);
  return step !== null && (await acceptTotpStep(ctx.db, credential.person_id, step));
}

/** Secrets stored before TEND_SECRET_KEY was set stay readable; a sealed one needs the key. */
function storedSecretOf(ctx: Context, credential: TwoFactorCredentialRow): string {
  if (!isSealed(credential.secret)) return credential.secret;
  if (!ctx.secretBox) throw new Error("two-factor secrets are encrypted: set TEND_SECRET_KEY to read them");
  return ctx.secretBox.open(credential.secret, credential.person_id);
}
