// Access tokens for a live session without rotating its refresh token: after a step-up (a fresh
// authentication) or after a change the token carries (tenant switch, enrollment, profile, onboarding).
import { loadTokenAuthorization, type TokenAuthorization } from "../tenancy/authorization.ts";
import { amrAfterStepUp } from "./amr.ts";
import { issueAccessToken, type SessionDeps } from "./service.ts";

/** The session with its user, while it is live, its user active and its credential epoch current. */
async function findLiveSession(deps: SessionDeps, input: { sessionId: string; userId: string }) {
  const session = await deps.db.session.findFirst({
    where: {
      id: input.sessionId,
      userId: input.userId,
      revokedAt: null,
      expiresAt: { gt: deps.now },
      idleExpiresAt: { gt: deps.now },
      user: { status: "ACTIVE" },
    },
    include: { user: true },
  });
  return session && session.credentialEpoch === session.user.credentialEpoch ? session : null;
}

/**
 * Step-up: records a fresh authentication (`now`, plus the methods just proven) on the session and
 * issues an access token carrying it. The refresh token family is unchanged. Null when the session
 * ended, its user is not active, or it predates a credential change (issue 10, M5, L2).
 */
export async function refreshAuthentication(
  deps: SessionDeps,
  input: { sessionId: string; userId: string; amr: string[] },
): Promise<{ accessToken: string; accessTokenExpiresAt: Date } | null> {
  const session = await findLiveSession(deps, input);
  if (!session) return null;
  const amr = amrAfterStepUp(session.amr, input.amr);
  const updated = await deps.db.session.updateMany({
    where: { id: session.id, revokedAt: null, credentialEpoch: session.user.credentialEpoch },
    data: { authTime: deps.now, amr },
  });
  if (updated.count === 0) return null;
  return issueAccessToken(deps, {
    id: session.id,
    userId: session.userId,
    amr,
    authTime: deps.now,
    email: session.user.email,
    emailVerified: session.user.emailVerifiedAt !== null,
    authorization: await loadTokenAuthorization(deps.db, {
      userId: session.userId,
      tenantId: session.activeTenantId,
      amr,
      requireMfaRoles: deps.settings.requireMfaRoles,
    }),
  });
}

/**
 * A new access token for a live session, with its authorization read afresh (after a tenant switch,
 * or once a required second factor is enrolled). The refresh token family is unchanged. Null when the
 * session ended, its user is not active, or it predates a credential change.
 */
export async function reissueAccessToken(
  deps: SessionDeps,
  input: { sessionId: string; userId: string },
): Promise<{ accessToken: string; accessTokenExpiresAt: Date; authorization: TokenAuthorization } | null> {
  const session = await findLiveSession(deps, input);
  if (!session) return null;
  const authorization = await loadTokenAuthorization(deps.db, {
    userId: session.userId,
    tenantId: session.activeTenantId,
    amr: session.amr,
    requireMfaRoles: deps.settings.requireMfaRoles,
  });
  const token = await issueAccessToken(deps, {
    id: session.id,
    userId: session.userId,
    amr: session.amr,
    authTime: session.authTime,
    email: session.user.email,
    emailVerified: session.user.emailVerifiedAt !== null,
    authorization,
  });
  return { ...token, authorization };
}
