// An external identity waiting for its owner to prove the existing account with the same email:
// kept server side (token as an HMAC, 10 minutes, single use, bound to the client), linked only
// once a session of that very account, begun after the intent, presents it.
import { generateRandomToken } from "../../crypto/bytes.ts";
import { hashCodeForStorage } from "../../crypto/server-keys.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { afterResponse } from "../../http/after-response.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { hasSecondFactor } from "../mfa/factors.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import type { ExternalProfile, ProviderTokens } from "./external-profile.ts";
import { openProviderToken, sealProviderToken, storeProviderTokens } from "./provider-tokens.ts";
import { insertIdentity } from "./repository.ts";

export const LINK_INTENT_TTL_SECONDS = 10 * 60;

const hashLinkToken = (deps: SessionDeps, token: string) => hashCodeForStorage(deps.serverKeys, "identity-link", token);
const sealBinding = (tokenHash: string) => `link:${tokenHash}`;

/** Records the pending link and returns its token (for the API client's body or the page's cookie). */
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
): Promise<string> {
  const token = generateRandomToken();
  const tokenHash = await hashLinkToken(deps, token);
  const sealed = input.tokens
    ? await sealProviderToken(deps, sealBinding(tokenHash), "access", JSON.stringify(input.tokens))
    : null;
  const { profile } = input;
  await deps.db.identityLinkIntent.create({
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
  return token;
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
  const consumed = await deps.db.identityLinkIntent.updateMany({
    where: { tokenHash, consumedAt: null, expiresAt: { gt: deps.now } },
    data: { consumedAt: deps.now },
  });
  if (consumed.count !== 1) return { kind: "invalid_token" };
  const profile = profileOfIntent(row);
  const linked = await insertIdentity(deps.db, { userId: row.userId, profile, email: row.email, now: deps.now });
  if (!linked) return { kind: "identity_in_use" };
  if (row.tokensCiphertext && row.keyVersion) {
    const sealed = { ciphertext: row.tokensCiphertext, version: row.keyVersion };
    const opened = await openProviderToken(deps, sealBinding(tokenHash), "access", sealed);
    if (opened) await storeProviderTokens(deps, linked.identityId, reviveTokens(opened));
  }
  await afterResponse(deps, () =>
    recordAuditEvent(deps.db, {
      action: "identity.linked",
      success: true,
      userId: row.userId,
      ...input.client,
      metadata: { provider: row.providerId, identityId: linked.identityId, proof: "sign_in" },
    }),
  );
  return {
    kind: "linked",
    identityId: linked.identityId,
    providerId: row.providerId,
    returnTo: row.returnTo,
    email: user.email,
  };
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
