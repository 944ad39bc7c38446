// Sessions: start one after a successful sign-in, rotate its refresh token, revoke it (database + edge).

import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import type { Config } from "../../config/index.ts";
import { signAccessToken } from "../../crypto/access-token.ts";
import { generateRandomToken, hmacSha256, sha256Hex } from "../../crypto/bytes.ts";
import type { ServerKeys } from "../../crypto/server-keys.ts";
import type { SigningKeys } from "../../crypto/signing-keys.ts";
import type { Database } from "../../db/client.ts";
import type { Deferral } from "../../http/after-response.ts";
import { markSessionsRevoked } from "../../kv/revocation.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { loadTokenAuthorization, type TokenAuthorization } from "../tenancy/authorization.ts";
import {
  claimAndRotateRefreshToken,
  findRefreshTokenWithSession,
  insertSessionWithRefreshToken,
  isRetryWithinOverlap,
  revokeUserSessions,
} from "./repository.ts";

export type SessionSettings = Pick<
  Config,
  | "issuer"
  | "audience"
  | "accessTokenTtlSeconds"
  | "refreshReuseOverlapSeconds"
  | "sessionAbsoluteTtlSeconds"
  | "sessionIdleTtlSeconds"
  | "requireMfaRoles"
  // issue 15: notifications mail through it (features/notifications/notify.ts).
  | "mail"
>;

export type SessionDeps = {
  db: Database;
  kv: KVNamespace;
  signingKeys: SigningKeys;
  serverKeys: ServerKeys;
  settings: SessionSettings;
  now: Date;
} & Deferral;

/**
 * Who is calling, as stored. `ipHash` (the full address's HMAC) goes into audit rows and binds
 * challenges to the client that asked for them; `limitHash` (the HMAC of the address's limit
 * network: IPv4 as is, IPv6 by /64) keys every client throttle; `scopeHash` (IPv4 as is, IPv6 by
 * /48) keys only a client's bounded share of an account's hard lock (account/counters.ts).
 */
export type ClientInfo = {
  ipHash: string | null;
  limitHash: string | null;
  scopeHash: string | null;
  userAgent: string | null;
};

export type IssuedTokens = {
  sessionId: string;
  userId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
};

/** A new session's tokens, and whether it is the user's first from this device (see InsertedSession). */
export type StartedSession = IssuedTokens & { newDevice: boolean };

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const addSeconds = (date: Date, s: number) => new Date(date.getTime() + s * 1000);
const earliest = (a: Date, b: Date) => (a < b ? a : b);

/**
 * A refresh token's successor is derived from the token itself (HMAC under a server key), so a
 * retry within the overlap window receives the very same successor instead of forking the family.
 */
async function deriveSuccessorToken(keys: ServerKeys, refreshToken: string): Promise<string> {
  return encodeBase64urlNoPadding(await hmacSha256(keys.refreshDerivation, `successor:${refreshToken}`));
}

/** What an access token says about its session and user. */
export type TokenSubject = {
  id: string;
  userId: string;
  amr: string[];
  authTime: Date;
  email: string;
  emailVerified: boolean;
  /** Active tenant, roles, membership epoch and forced enrollment, as read with the session. */
  authorization: TokenAuthorization;
};

export async function issueAccessToken(
  deps: SessionDeps,
  session: TokenSubject,
): Promise<{ accessToken: string; accessTokenExpiresAt: Date }> {
  const nowSeconds = seconds(deps.now);
  const accessToken = await signAccessToken(
    deps.signingKeys,
    {
      sub: session.userId,
      sid: session.id,
      email: session.email,
      emailVerified: session.emailVerified,
      amr: session.amr,
      authTime: seconds(session.authTime),
      roles: session.authorization.roles,
      ...(session.authorization.tenant
        ? { tenant: session.authorization.tenant.id, tenantSlug: session.authorization.tenant.slug }
        : {}),
      membershipEpoch: session.authorization.membershipEpoch,
      mfaEnrollmentRequired: session.authorization.mfaEnrollmentRequired,
      onboardingComplete: session.authorization.onboardingComplete,
      ...(session.authorization.profile.name ? { name: session.authorization.profile.name } : {}),
      ...(session.authorization.profile.username ? { username: session.authorization.profile.username } : {}),
    },
    {
      issuer: deps.settings.issuer,
      audience: deps.settings.audience,
      nowSeconds,
      ttlSeconds: deps.settings.accessTokenTtlSeconds,
    },
  );
  return { accessToken, accessTokenExpiresAt: new Date((nowSeconds + deps.settings.accessTokenTtlSeconds) * 1000) };
}

/**
 * Starts a session for a user who just proved `amr`; returns the first token pair. `credentialEpoch`
 * is the user's epoch read with the credential that was checked: null (no session) when it has moved
 * on since, or when the user is no longer active (issue 10, M5, L2).
 */
export async function startSession(
  deps: SessionDeps,
  input: {
    userId: string;
    email: string;
    emailVerified: boolean;
    amr: string[];
    client: ClientInfo;
    credentialEpoch: number;
  },
): Promise<StartedSession | null> {
  const refreshToken = generateRandomToken();
  const expiresAt = addSeconds(deps.now, deps.settings.sessionAbsoluteTtlSeconds);
  const idleExpiresAt = earliest(addSeconds(deps.now, deps.settings.sessionIdleTtlSeconds), expiresAt);
  const session = await insertSessionWithRefreshToken(deps.db, {
    userId: input.userId,
    amr: input.amr,
    authTime: deps.now,
    ipHash: input.client.ipHash,
    userAgent: input.client.userAgent,
    expiresAt,
    idleExpiresAt,
    refreshTokenHash: await sha256Hex(refreshToken),
    credentialEpoch: input.credentialEpoch,
    requireMfaRoles: deps.settings.requireMfaRoles,
  });
  if (!session) return null;
  return {
    sessionId: session.id,
    userId: input.userId,
    ...(await issueAccessToken(deps, { ...session, email: input.email, emailVerified: input.emailVerified })),
    refreshToken,
    refreshTokenExpiresAt: idleExpiresAt,
    newDevice: session.newDevice,
  };
}

export type RefreshResult = { kind: "ok"; tokens: IssuedTokens } | { kind: "invalid" } | { kind: "reused" };

/**
 * Exchanges a refresh token for a new pair. The common case is one SQL statement; only a token that
 * could not be claimed is looked at again, to tell a retry within the overlap window (same successor,
 * no fork) from a replay (the whole session is revoked and the event audited).
 */
export async function refreshSession(
  deps: SessionDeps,
  refreshToken: string,
  client: ClientInfo,
): Promise<RefreshResult> {
  const [tokenHash, successor] = await Promise.all([
    sha256Hex(refreshToken),
    deriveSuccessorToken(deps.serverKeys, refreshToken),
  ]);
  const successorHash = await sha256Hex(successor);
  const claimed = await claimAndRotateRefreshToken(deps.db, {
    tokenHash,
    successorHash,
    now: deps.now,
    idleSeconds: deps.settings.sessionIdleTtlSeconds,
    client,
    requireMfaRoles: deps.settings.requireMfaRoles,
  });
  if (claimed) {
    const session = {
      id: claimed.sessionId,
      userId: claimed.userId,
      amr: claimed.amr,
      authTime: claimed.authTime,
      email: claimed.email,
      emailVerified: claimed.emailVerified,
      authorization: claimed.authorization,
    };
    return { kind: "ok", tokens: await tokensFor(deps, session, successor, claimed.successorExpiresAt) };
  }

  const row = await findRefreshTokenWithSession(deps.db, tokenHash);
  if (!row) return { kind: "invalid" };
  const { session } = row;
  const live =
    !session.revokedAt &&
    session.expiresAt > deps.now &&
    session.idleExpiresAt > deps.now &&
    row.expiresAt > deps.now &&
    session.user.status === "ACTIVE" &&
    session.user.credentialEpoch === session.credentialEpoch;
  if (!live) return { kind: "invalid" };
  const audit = { userId: session.userId, ipHash: client.ipHash, userAgent: client.userAgent };
  const retry = await isRetryWithinOverlap(deps.db, {
    usedAt: row.usedAt,
    successorHash,
    now: deps.now,
    overlapMs: deps.settings.refreshReuseOverlapSeconds * 1000,
  });
  if (retry) {
    await recordAuditEvent(deps.db, {
      action: "session.refreshed",
      success: true,
      ...audit,
      metadata: { sessionId: session.id, overlap: true },
    });
    const authorization = await loadTokenAuthorization(deps.db, {
      userId: session.userId,
      tenantId: session.activeTenantId,
      amr: session.amr,
      requireMfaRoles: deps.settings.requireMfaRoles,
    });
    const subject = {
      ...session,
      email: session.user.email,
      emailVerified: session.user.emailVerifiedAt !== null,
      authorization,
    };
    return { kind: "ok", tokens: await tokensFor(deps, subject, successor, retry.successorExpiresAt) };
  }
  await revokeSessions(deps, session.userId, { only: [session.id] }, "refresh_token_reused");
  await recordAuditEvent(deps.db, {
    action: "session.refresh_reuse_detected",
    success: false,
    ...audit,
    metadata: { sessionId: session.id },
  });
  return { kind: "reused" };
}

async function tokensFor(
  deps: SessionDeps,
  session: TokenSubject,
  refreshToken: string,
  refreshTokenExpiresAt: Date,
): Promise<IssuedTokens> {
  return {
    sessionId: session.id,
    userId: session.userId,
    ...(await issueAccessToken(deps, session)),
    refreshToken,
    refreshTokenExpiresAt,
  };
}

/** The session a refresh token belongs to, when it is still active (for logout without a valid access token). */
export async function findSessionByRefreshToken(deps: Pick<SessionDeps, "db" | "now">, refreshToken: string) {
  const row = await findRefreshTokenWithSession(deps.db, await sha256Hex(refreshToken));
  if (!row || row.session.revokedAt || row.session.expiresAt <= deps.now) return null;
  return row.session;
}

/**
 * Revokes sessions in the database, then writes their edge markers so outstanding access tokens
 * stop working at the next request.
 */
export async function revokeSessions(
  deps: Pick<SessionDeps, "db" | "kv" | "settings" | "now">,
  userId: string,
  filter: { only?: string[]; except?: string },
  reason: string,
): Promise<string[]> {
  const revoked = await revokeUserSessions(deps.db, userId, filter, { now: deps.now, reason });
  if (revoked.length > 0) await markSessionsRevoked(deps.kv, revoked, deps.settings.accessTokenTtlSeconds);
  return revoked;
}
