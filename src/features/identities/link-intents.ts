// An external identity waiting for its owner to prove the existing account with the same email:
// kept server side (token as an HMAC, 10 minutes, single use, bound to the client), linked only
// once a session of that very account, begun after the intent, presents it.
import { generateRandomToken } from "../../crypto/bytes.ts";
import { hashCodeForStorage } from "../../crypto/server-keys.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { afterResponse } from "../../http/after-response.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { hasSecondFactor } from "../mfa/factors.ts";
import { notifyFor } from "../notifications/notify.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import type { ExternalProfile, ProviderTokens } from "./external-profile.ts";
import { openProviderToken, sealProviderToken, storeProviderTokens } from "./provider-tokens.ts";
import { insertIdentity } from "./repository.ts";

export const LINK_INTENT_TTL_SECONDS = 10 * 60;

const hashLinkToken = (deps: SessionDeps, token: string) => hashCodeForStorage(deps.serverKeys, "identity-link", token);
const sealBinding = (tokenHash: string) => `link:${tokenHash}`;

/**
 * Records the pending link and returns its token (for the API client's body or the page's cookie) and
 * id. An earlier live request for the same identity and account is replaced, so replaying one ID token
 * cannot pile up rows (and only the newest token works).
 */
export async function createLinkIntent(
  deps: SessionDeps,
  input: {
    userId: string;
    profile: ExternalProfile;
    email: string;
    tokens: ProviderTokens | null;
    client: ClientInfo;
    returnTo: string | null;
  },
): Promise<{ token: string; id: string }> {
  const token = generateRandomToken();
  const tokenHash = await hashLinkToken(deps, token);
  const { profile: key } = input;
  await deps.db.identityLinkIntent.deleteMany({
    where: {
      userId: input.userId,
      providerId: key.providerId,
      issuer: key.issuer,
      subject: key.subject,
      consumedAt: null,
    },
  });
  const sealed = input.tokens
    ? await sealProviderToken(deps, sealBinding(tokenHash), "access", JSON.stringify(input.tokens))
    : null;
  const { profile } = input;
  const created = await deps.db.identityLinkIntent.create({
    select: { id: true },
    data: {
      tokenHash,
      userId: input.userId,
      providerId: profile.providerId,
      providerType: profile.providerType,
      issuer: profile.issuer,
      subject: profile.subject,
      email: input.email,
      emailVerified: profile.emailVerified,
      profile: profile.profile as Prisma.InputJsonObject,
      metadata: profile.metadata as Prisma.InputJsonObject,
      legacyId: profile.legacyId,
      tokensCiphertext: sealed?.ciphertext ?? null,
      keyVersion: sealed?.version ?? null,
      clientHash: input.client.ipHash,
      returnTo: input.returnTo,
      expiresAt: new Date(deps.now.getTime() + LINK_INTENT_TTL_SECONDS * 1000),
    },
  });
  return { token, id: created.id };
}

/** What a link page shows: the provider and the address, while the intent is live for this client. */
export async function peekLinkIntent(deps: SessionDeps, token: string, client: ClientInfo) {
  const row = await deps.db.identityLinkIntent.findUnique({ where: { tokenHash: await hashLinkToken(deps, token) } });
  if (!row || row.consumedAt || row.expiresAt <= deps.now || row.clientHash !== client.ipHash) return null;
  return { providerId: row.providerId, email: row.email ?? "", userId: row.userId, returnTo: row.returnTo };
}

export type CompleteLinkResult =
  | { kind: "linked"; identityId: string; providerId: string; returnTo: string | null; email: string }
  | { kind: "invalid_token" }
  | { kind: "wrong_account" }
  | { kind: "proof_required" }
  | { kind: "identity_in_use" };

/**
 * Links the pending identity to the signed-in account. The session must belong to the account the
 * intent names and must have begun after the intent (its sign-in is the proof: a password or
 * passkey, plus the second factor when the account has one).
 */
export async function completeLink(
  deps: SessionDeps,
  input: { token: string; session: { userId: string; authTime: number; amr: readonly string[] }; client: ClientInfo },
): Promise<CompleteLinkResult> {
  const tokenHash = await hashLinkToken(deps, input.token);
  const row = await deps.db.identityLinkIntent.findUnique({ where: { tokenHash } });
  if (!row || row.consumedAt || row.expiresAt <= deps.now || row.clientHash !== input.client.ipHash)
    return { kind: "invalid_token" };
  if (row.userId !== input.session.userId) return { kind: "wrong_account" };
  const user = await deps.db.user.findUnique({ where: { id: row.userId } });
  if (user?.status !== "ACTIVE" || !user.emailVerifiedAt || user.email !== row.email) return { kind: "invalid_token" };
  // auth_time has second precision: a sign-in in the intent's own second counts as after it.
  const provenAfterIntent = input.session.authTime >= Math.floor(row.createdAt.getTime() / 1000);
  const secondFactorShown = input.session.amr.includes("mfa") || !(await hasSecondFactor(deps, row.userId));
  if (!provenAfterIntent || !secondFactorShown) return { kind: "proof_required" };
  const linked = await consumeAndLink(deps, { id: row.id, userId: row.userId }, input.client, "sign_in");
  if (linked.kind !== "linked") return linked;
  return { ...linked, returnTo: row.returnTo, email: user.email };
}

/**
 * Links the identity an autoLink held back until the account's second factor was shown: called by
 * the MFA step once it has succeeded for `userId`.
 */
export async function completePendingLink(
  deps: SessionDeps,
  input: { intentId: string; userId: string; client: ClientInfo },
): Promise<{ kind: "linked"; identityId: string; providerId: string } | { kind: "invalid_token" | "identity_in_use" }> {
  return consumeAndLink(deps, { id: input.intentId, userId: input.userId }, input.client, "second_factor");
}

async function consumeAndLink(
  deps: SessionDeps,
  intent: { id: string; userId: string },
  client: ClientInfo,
  proof: "sign_in" | "second_factor",
): Promise<{ kind: "linked"; identityId: string; providerId: string } | { kind: "invalid_token" | "identity_in_use" }> {
  const consumed = await deps.db.identityLinkIntent.updateMany({
    where: { id: intent.id, userId: intent.userId, consumedAt: null, expiresAt: { gt: deps.now } },
    data: { consumedAt: deps.now },
  });
  if (consumed.count !== 1) return { kind: "invalid_token" };
  const row = await deps.db.identityLinkIntent.findUnique({ where: { id: intent.id } });
  if (!row) return { kind: "invalid_token" };
  const profile = profileOfIntent(row);
  const linked = await insertIdentity(deps.db, { userId: row.userId, profile, email: row.email, now: deps.now });
  if (!linked) return { kind: "identity_in_use" };
  if (row.tokensCiphertext && row.keyVersion) {
    const sealed = { ciphertext: row.tokensCiphertext, version: row.keyVersion };
    const opened = await openProviderToken(deps, sealBinding(row.tokenHash), "access", sealed);
    if (opened) await storeProviderTokens(deps, linked.identityId, reviveTokens(opened));
  }
  await afterResponse(deps, async () => {
    await recordAuditEvent(deps.db, {
      action: "identity.linked",
      success: true,
      userId: row.userId,
      ...client,
      metadata: { provider: row.providerId, identityId: linked.identityId, proof },
    });
    await notifyFor(deps, "identity.linked", { userId: row.userId, data: { provider: row.providerId } });
  });
  return { kind: "linked", identityId: linked.identityId, providerId: row.providerId };
}

type IntentRow = NonNullable<Awaited<ReturnType<SessionDeps["db"]["identityLinkIntent"]["findUnique"]>>>;

function profileOfIntent(row: IntentRow): ExternalProfile {
  return {
    providerId: row.providerId,
    providerType: row.providerType as ExternalProfile["providerType"],
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    emailVerified: row.emailVerified,
    name: null,
    profile: (row.profile ?? {}) as ExternalProfile["profile"],
    metadata: (row.metadata ?? {}) as ExternalProfile["metadata"],
    legacyId: row.legacyId,
  };
}

function reviveTokens(json: string): ProviderTokens {
  const parsed = JSON.parse(json) as Omit<ProviderTokens, "accessTokenExpiresAt"> & {
    accessTokenExpiresAt: string | null;
  };
  return {
    ...parsed,
    accessTokenExpiresAt: parsed.accessTokenExpiresAt ? new Date(parsed.accessTokenExpiresAt) : null,
  };
}
