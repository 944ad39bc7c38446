// Step-up with a linked provider: signing in at it again refreshes the session's authentication, so a
// user whose only ways in are external identities can still confirm sensitive changes.
import { recordAuditEvent } from "../audit/service.ts";
import { refreshAuthentication } from "../session/reissue.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import type { ExternalProfile } from "./external-profile.ts";
import { findIdentityWithOwner } from "./repository.ts";
import { EXTERNAL_AMR } from "./sign-in.ts";

export type IdentityStepUpResult =
  | { kind: "refreshed"; accessToken: string; accessTokenExpiresAt: Date }
  /** The provider account is not one linked to this user: proves nothing about them. */
  | { kind: "not_linked" }
  /** The session ended, or the user was disabled or changed credentials meanwhile. */
  | { kind: "session_ended" };

export async function stepUpWithIdentity(
  deps: SessionDeps,
  input: { userId: string; sessionId: string; profile: ExternalProfile; client: ClientInfo },
): Promise<IdentityStepUpResult> {
  const found = await findIdentityWithOwner(deps.db, input.profile);
  if (found?.user.id !== input.userId) return { kind: "not_linked" };
  const token = await refreshAuthentication(deps, {
    sessionId: input.sessionId,
    userId: input.userId,
    amr: EXTERNAL_AMR,
  });
  if (!token) return { kind: "session_ended" };
  await deps.db.externalIdentity.update({ where: { id: found.identityId }, data: { lastUsedAt: deps.now } });
  await recordAuditEvent(deps.db, {
    action: "session.reauthenticated",
    success: true,
    userId: input.userId,
    ...input.client,
    metadata: { method: "external", provider: input.profile.providerId, sessionId: input.sessionId },
  });
  return { kind: "refreshed", ...token };
}
