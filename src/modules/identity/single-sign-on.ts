import type { Configuration } from "openid-client";
import type { SingleSignOnConfig } from "../../config.js";
import { type DomainError, ForbiddenError, UnauthorizedError } from "../../errors.js";
import { MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { onFirstUse } from "../../shared/on-first-use.js";
import { recordAudit } from "../audit/record-audit.js";
import { type Actor, systemActor } from "./actor.js";
import { findGroupByName } from "./group-repository.js";
import { addGroupMember } from "./manage-groups.js";
import { createPerson } from "./manage-people.js";
import { findPersonByEmail, findPersonById, type PersonRow } from "./person-repository.js";
import { hashSecret } from "./secrets.js";
import { startSession } from "./sessions.js";
import { emailDomainAllowed, identityFromClaims, type ProviderIdentity } from "./single-sign-on-claims.js";
import {
  deleteExpiredLoginAttempts,
  findSsoIdentity,
  findSsoIdentityOfPerson,
  insertLoginAttempt,
  insertSsoIdentity,
  type LoginAttemptRow,
  takeLoginAttempt,
  touchSsoIdentity,
} from "./single-sign-on-repository.js";

/** Long enough to type a password and answer the provider's second factor; short for a thief. */
export const loginAttemptLifetimeMs = 10 * MINUTE;

/** The configured provider, its metadata discovered on first use and kept. */
export interface SingleSignOnProvider {
  settings: SingleSignOnConfig;
  configuration(): Promise<Configuration>;
}

// The client and its JOSE library load with the first sign-in through the provider, as discovery
// does: on a desk that signs in with passwords they would be 1.8 MB of heap in every process.
const openidClient = onFirstUse(() => import("openid-client"));

/**
 * Discovery waits for the first sign-in rather than start-up, so an identity provider that is down
 * never keeps Tend (and the admins' break-glass password sign-in) from starting. A failed discovery
 * is not kept: the next sign-in tries again.
 */
export function singleSignOnProvider(settings: SingleSignOnConfig): SingleSignOnProvider {
  let discovered: Promise<Configuration> | undefined;
  return {
    settings,
    configuration() {
      discovered ??= openidClient()
        .then((openid) =>
          openid.discovery(
            new URL(settings.issuer),
            settings.clientId,
            undefined,
            // Basic is the token endpoint's default authentication (RFC 6749 §2.3.1, OIDC Core §9).
            settings.clientSecret ? openid.ClientSecretBasic(settings.clientSecret) : openid.None(),
            // Config allows plain HTTP only for a loopback issuer or by TEND_OIDC_ALLOW_INSECURE_ISSUER.
            { execute: settings.allowInsecureRequests ? [openid.allowInsecureRequests] : [] },
          ),
        )
        .catch((error: unknown) => {
          discovered = undefined;
          throw error;
        });
      return discovered;
    },
  };
}

/**
 * Begins a sign-in: remembers a fresh state, nonce and PKCE verifier for ten minutes and returns
 * the provider's authorization address. The state also goes back to the browser (the route puts it
 * in a cookie), tying the callback to the browser that started it.
 */
export async function startSingleSignOn({
  ctx,
  provider,
}: {
  ctx: Context;
  provider: SingleSignOnProvider;
}): Promise<{ authorizationUrl: string; state: string }> {
  const configuration = await provider.configuration();
  const openid = await openidClient();
  const state = openid.randomState();
  const nonce = openid.randomNonce();
  const codeVerifier = openid.randomPKCECodeVerifier();
  const now = ctx.clock.now();
  // Nobody signs in to sweep abandoned attempts, so each new one clears the expired.
  await deleteExpiredLoginAttempts(ctx.db, now.toISOString());
  await insertLoginAttempt(ctx.db, {
    state_hash: hashSecret(state),
    nonce,
    code_verifier: codeVerifier,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + loginAttemptLifetimeMs).toISOString(),
  });
  const authorizationUrl = openid.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.settings.redirectUri,
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { authorizationUrl: authorizationUrl.href, state };
}

/** A sign-in that must not go ahead: logged and audited with its reason, then answered with `problem`. */
class SignOnRefused extends Error {
  constructor(
    readonly reason: string,
    readonly problem: DomainError,
    readonly details: Record<string, string> = {},
  ) {
    super(reason);
  }
}

const unverifiable = (reason: string) =>
  new SignOnRefused(
    reason,
    new UnauthorizedError("Single sign-on failed: the sign-in could not be verified. Start again."),
  );

/**
 * Completes a sign-in from the provider's callback: the state must be the one this browser was
 * given and an unexpired, unused attempt; openid-client exchanges the code with the PKCE verifier
 * and checks the ID token's signature, issuer, audience, expiry and nonce. The person is then
 * found by their identity at the provider, else linked by verified email (staff accounts only),
 * else provisioned as an agent, and a session starts.
 */
export async function finishSingleSignOn({
  ctx,
  provider,
  input,
}: {
  ctx: Context;
  provider: SingleSignOnProvider;
  input: { callbackQuery: string; browserState: string | undefined };
}): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor }> {
  try {
    const callbackUrl = new URL(provider.settings.redirectUri);
    callbackUrl.search = input.callbackQuery;
    const state = callbackUrl.searchParams.get("state");
    if (!state || state !== input.browserState) {
      throw unverifiable("the state is missing or not the one this browser was given");
    }
    const attempt = await takeLoginAttempt(ctx.db, hashSecret(state));
    if (!attempt || attempt.expires_at <= ctx.clock.now().toISOString()) {
      throw unverifiable("the sign-in attempt is unknown, expired or already used");
    }
    const claims = await verifiedClaims(provider, callbackUrl, state, attempt);
    const verdict = identityFromClaims(claims);
    if (!verdict.accepted) {
      throw new SignOnRefused(
        verdict.reason,
        new ForbiddenError(`Single sign-on refused: ${verdict.reason}.`),
        typeof claims.email === "string" ? { email: claims.email } : {},
      );
    }
    const identity = verdict.identity;
    return await inTransaction(ctx, async (tx) => {
      const person = await personFor(tx, provider.settings, identity);
      return startSession(tx, person, "oidc");
    });
  } catch (error) {
    if (!(error instanceof SignOnRefused)) throw error;
    ctx.logger.info({ reason: error.reason, ...error.details }, "single sign-on refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: error.details.personId ?? null,
      after: { method: "oidc", reason: error.reason, ...error.details },
    });
    throw error.problem;
  }
}

/**
 * Claims from the ID token, completed from the UserInfo endpoint when the token carries no email:
 * providers following OIDC Core §5.4 put scope claims only there once an access token is issued.
 */
async function verifiedClaims(
  provider: SingleSignOnProvider,
  callbackUrl: URL,
  state: string,
  attempt: LoginAttemptRow,
): Promise<Record<string, unknown>> {
  const configuration = await provider.configuration();
  const openid = await openidClient();
  try {
    const tokens = await openid.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: attempt.code_verifier,
      expectedState: state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error("no ID token");
    if (idToken.email !== undefined && idToken.email_verified !== undefined) return idToken;
    const userInfo = await openid.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
    return { ...userInfo, iss: idToken.iss, sub: idToken.sub };
  } catch (error) {
    const reason =
      error instanceof openid.AuthorizationResponseError
        ? `the provider answered ${error.error}`
        : `the provider's answer was refused: ${error instanceof Error ? error.message : String(error)}`;
    throw unverifiable(reason);
  }
}

async function personFor(ctx: Context, settings: SingleSignOnConfig, identity: ProviderIdentity) {
  const now = ctx.clock.now().toISOString();
  const refused = (reason: string, personId?: string) =>
    new SignOnRefused(
      reason,
      new ForbiddenError(`Single sign-on refused: ${reason}. Ask an admin.`),
      personId ? { email: identity.email, personId } : { email: identity.email },
    );
  const linked = await findSsoIdentity(ctx.db, identity.issuer, identity.subject);
  if (linked) {
    const person = await findPersonById(ctx.db, linked.person_id);
    // An account made a customer after it was linked has left the support team.
    if (!person || person.role === "customer")
      throw refused("the linked account is not staff", linked.person_id);
    if (person.deactivated_at) throw refused("the account is deactivated", person.id);
    await touchSsoIdentity(ctx.db, linked, now);
    return person;
  }
  const byEmail = await findPersonByEmail(ctx.db, identity.email);
  if (byEmail) {
    // Single sign-on is for the support team: a customer's account, tickets and organization
    // never become reachable through whoever the provider says owns the address.
    if (byEmail.role === "customer") throw refused("the account with this email is a customer's", byEmail.id);
    if (byEmail.deactivated_at) throw refused("the account is deactivated", byEmail.id);
    // The account already answers to another subject here: an address reassigned at the provider
    // (a new employee given a leaver's mailbox) must not inherit it.
    if (await findSsoIdentityOfPerson(ctx.db, byEmail.id, identity.issuer)) {
      throw refused("the account with this email is linked to another identity at the provider", byEmail.id);
    }
    await linkIdentity(ctx, identity, byEmail.id, now);
    await recordAudit(ctx, {
      action: "person.sso_linked",
      targetType: "person",
      targetId: byEmail.id,
      after: { issuer: identity.issuer, subject: identity.subject, email: identity.email },
    });
    return byEmail;
  }
  if (!emailDomainAllowed(identity.email, settings.allowedDomains)) {
    throw refused("the email's domain is not allowed to be provisioned");
  }
  return provisionAgent(ctx, settings, identity, now);
}

/** Just-in-time provisioning: the provider vouches for the person, Tend makes them an agent. */
async function provisionAgent(
  ctx: Context,
  settings: SingleSignOnConfig,
  identity: ProviderIdentity,
  now: string,
): Promise<PersonRow> {
  const provisioning = withActor(ctx, systemActor("single sign-on provisioning"));
  const created = await createPerson({
    ctx: provisioning,
    input: { name: identity.name, email: identity.email, role: "agent" },
  });
  const group = await findGroupByName(ctx.db, settings.defaultGroup);
  if (group) await addGroupMember({ ctx: provisioning, groupId: group.id, personId: created.id });
  else ctx.logger.warn({ group: settings.defaultGroup }, "TEND_OIDC_DEFAULT_GROUP names no group");
  await linkIdentity(ctx, identity, created.id, now);
  await recordAudit(provisioning, {
    action: "person.provisioned",
    targetType: "person",
    targetId: created.id,
    after: {
      method: "oidc",
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      group: group?.name ?? null,
    },
  });
  const person = await findPersonById(ctx.db, created.id);
  if (!person) throw new Error(`provisioned person ${created.id} vanished`);
  return person;
}

async function linkIdentity(ctx: Context, identity: ProviderIdentity, personId: string, now: string) {
  await insertSsoIdentity(ctx.db, {
    issuer: identity.issuer,
    subject: identity.subject,
    person_id: personId,
    created_at: now,
    last_signed_in_at: now,
  });
}
