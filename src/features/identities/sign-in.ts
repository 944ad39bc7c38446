// Signing in with an external identity (a social provider's or a federated issuer's): the identity
// row decides, never the email. A matching email links only with proof (or autoLink on verified
// emails on both sides), and the user's second factor is asked for exactly as after a password.
import { afterResponse } from "../../http/after-response.ts";
import { normalizeEmail } from "../account/email.ts";
import type { AccountDeps } from "../account/service.ts";
import { type AuditAction, recordAuditEvent } from "../audit/service.ts";
import { createMfaChallenge } from "../mfa/challenge.ts";
import { type SecondFactorMethod, secondFactorMethods } from "../mfa/factors.ts";
import { deviceSummary, notifyFor } from "../notifications/notify.ts";
import { type ClientInfo, revokeSessions, type StartedSession, startSession } from "../session/service.ts";
import type { ExternalProfile, ProviderTokens } from "./external-profile.ts";
import { createLinkIntent } from "./link-intents.ts";
import { deferIdentityNotice } from "./linking.ts";
import { storeProviderTokens } from "./provider-tokens.ts";
import {
  findIdentityWithOwner,
  findUserByEmail,
  type IdentityOwner,
  insertIdentity,
  insertUserWithIdentity,
  touchIdentity,
} from "./repository.ts";

/** RFC 8176 has no value for "signed in at another identity provider"; ours, documented in the README. */
export const EXTERNAL_AMR = ["fed"];

export type ExternalSignInInput = {
  profile: ExternalProfile;
  /** The entry's autoLink: link to an account with the same verified email without asking. */
  autoLink: boolean;
  /** Kept (sealed) only when the entry says storeTokens. */
  tokens: ProviderTokens | null;
  client: ClientInfo;
  /** For the audit trail: "oauth" (social sign-in) or "federated" (token exchange). */
  via: "oauth" | "federated";
  returnTo?: string | null;
};

export type ExternalSignInResult =
  | { kind: "signed_in"; tokens: StartedSession; user: { email: string }; newDevice: boolean; created: boolean }
  | { kind: "mfa_required"; challenge: string; methods: SecondFactorMethod[] }
  /** An account with this (verified) email exists: the user must prove it before the identity is linked. */
  | { kind: "link_required"; linkToken: string; email: string }
  /**
   * A new identity whose provider does not vouch for its email: never provisioned nor linked (an
   * account made with someone else's address would be theirs to take over later). Answered the same
   * whether an account has the address or not.
   */
  | { kind: "provider_email_unverified" }
  /** The provider's verified email belongs to an account whose own email was never confirmed. */
  | { kind: "account_unverified" }
  | { kind: "email_missing" }
  | { kind: "disabled" }
  | { kind: "email_not_verified" };

type Known = { identityId: string; user: IdentityOwner; created: boolean };

/**
 * Signs in (or up) with a validated external profile. Every path re-checks the user's status and
 * takes the credential epoch it read into the session (ARCHITECTURE: every session-creating path
 * re-checks the user).
 */
export async function signInWithExternalIdentity(
  deps: AccountDeps,
  input: ExternalSignInInput,
): Promise<ExternalSignInResult> {
  // From here on the email counts as verified only if it is exactly what the provider vouched for.
  const profile = { ...input.profile, emailVerified: vouchesFor(input.profile) };
  const email = profile.email ? normalizeEmail(profile.email) : null;
  const audit = (action: AuditAction, success: boolean, userId: string | null, extra: Record<string, string> = {}) =>
    afterResponse(deps, () =>
      recordAuditEvent(deps.db, {
        action,
        success,
        userId,
        ...input.client,
        // issue 15: login history names the federated issuer a token exchange came from.
        metadata: {
          method: input.via,
          provider: profile.providerId,
          ...(input.via === "federated" ? { issuer: profile.issuer } : {}),
          ...extra,
        },
      }),
    );

  let known: Known | null = await findKnown(deps, profile, email);
  if (!known) {
    if (!email) return { kind: "email_missing" };
    if (!profile.emailVerified) {
      await audit("login.failed", false, null, { reason: "provider_email_unverified" });
      return { kind: "provider_email_unverified" };
    }
    const existing = await findUserByEmail(deps.db, email);
    if (existing) {
      if (!existing.emailVerifiedAt) {
        await audit("identity.link_refused", false, existing.id, { reason: "account_unverified" });
        return { kind: "account_unverified" };
      }
      const intent = () =>
        createLinkIntent(deps, {
          userId: existing.id,
          profile,
          email,
          tokens: input.tokens,
          client: input.client,
          returnTo: input.returnTo ?? null,
        });
      if (!(input.autoLink && existing.status === "ACTIVE")) {
        const { token } = await intent();
        await audit("identity.link_requested", true, existing.id);
        return { kind: "link_required", linkToken: token, email };
      }
      // autoLink adds a way in: with a second factor on the account, only once that factor is shown.
      const methods = await secondFactorMethods(deps, existing.id);
      if (methods.length > 0) {
        const { id } = await intent();
        const challenge = await createMfaChallenge(deps, existing, input.client, "fed", id);
        return { kind: "mfa_required", challenge, methods };
      }
      const linked = await insertIdentity(deps.db, { userId: existing.id, profile, email, now: deps.now });
      known = linked
        ? { identityId: linked.identityId, user: existing, created: false }
        : await findKnown(deps, profile, email);
      if (!known) return { kind: "disabled" };
      await audit("identity.linked", true, existing.id, { auto: "true" });
      if (linked)
        await afterResponse(deps, () =>
          notifyFor(deps, "identity.linked", { userId: existing.id, data: { provider: profile.providerId } }),
        );
      if (linked)
        await deferIdentityNotice(deps, deps.accountSettings.mail, {
          email: existing.email,
          change: "linked",
          provider: profile.providerId,
        });
    } else {
      known = await provision(deps, profile, email);
      if (!known) return { kind: "disabled" };
      if (known.created) await audit("user.signed_up", true, known.user.id);
    }
  }
  if (input.tokens) await storeProviderTokens(deps, known.identityId, input.tokens);
  return finishSignIn(deps, known, input, audit);
}

/**
 * Whether the provider vouches for the address we would store. Normalization (NFKC, lowercase) must
 * not change it: a full-width look-alike the provider verified is not the ASCII address it folds to.
 */
function vouchesFor(profile: ExternalProfile): boolean {
  if (!profile.emailVerified || !profile.email) return false;
  return normalizeEmail(profile.email) === profile.email.toLowerCase();
}

/** The identity by its key; its row refreshed with what the provider says now. */
async function findKnown(deps: AccountDeps, profile: ExternalProfile, email: string | null): Promise<Known | null> {
  const found = await findIdentityWithOwner(deps.db, profile);
  if (!found) return null;
  await touchIdentity(deps.db, found.identityId, { profile, email, now: deps.now });
  return { ...found, created: false };
}

/** Just-in-time provisioning; a concurrent first sign-in that won the race is found instead. */
async function provision(deps: AccountDeps, profile: ExternalProfile, email: string): Promise<Known | null> {
  const created = await insertUserWithIdentity(deps.db, { profile, email, name: profile.name, now: deps.now });
  if (created) return { ...created, created: true };
  return findKnown(deps, profile, email);
}

async function finishSignIn(
  deps: AccountDeps,
  known: Known,
  input: ExternalSignInInput,
  audit: (
    action: AuditAction,
    success: boolean,
    userId: string | null,
    extra?: Record<string, string>,
  ) => Promise<void>,
): Promise<ExternalSignInResult> {
  const { user } = known;
  if (user.status !== "ACTIVE") {
    await audit("login.failed", false, user.id, { reason: "disabled" });
    return { kind: "disabled" };
  }
  if (deps.accountSettings.requireEmailVerification && !user.emailVerifiedAt) return { kind: "email_not_verified" };
  const methods = await secondFactorMethods(deps, user.id);
  if (methods.length > 0) {
    const challenge = await createMfaChallenge(deps, user, input.client, "fed");
    return { kind: "mfa_required", challenge, methods };
  }
  const tokens = await startSession(deps, {
    userId: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    amr: EXTERNAL_AMR,
    client: input.client,
    credentialEpoch: user.credentialEpoch,
  });
  if (!tokens) return { kind: "disabled" };
  // A second factor confirmed between the check and the insert: the same second look as logIn's.
  const late = await secondFactorMethods(deps, user.id);
  if (late.length > 0) {
    await revokeSessions(deps, user.id, { only: [tokens.sessionId] }, "mfa_enabled");
    const challenge = await createMfaChallenge(deps, user, input.client, "fed");
    return { kind: "mfa_required", challenge, methods: late };
  }
  await audit("login.succeeded", true, user.id, { sessionId: tokens.sessionId });
  if (tokens.newDevice)
    await afterResponse(deps, () =>
      notifyFor(deps, "login.succeeded", {
        userId: user.id,
        data: { device: deviceSummary(input.client.userAgent), method: input.via },
      }),
    );
  return {
    kind: "signed_in",
    tokens,
    user: { email: user.email },
    newDevice: tokens.newDevice,
    created: known.created,
  };
}
