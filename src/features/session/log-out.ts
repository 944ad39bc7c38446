// Ends one session (logout from the API or the sign-out page) and audits it.
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, findSessionByRefreshToken, revokeSessions, type SessionDeps } from "./service.ts";

/**
 * Revokes the session named by a verified access token or, when that has expired, by the refresh
 * token; does nothing (and reveals nothing) when neither names one.
 */
export async function logOut(
  deps: SessionDeps,
  input: {
    current: { sessionId: string; userId: string } | undefined;
    refreshToken: string | undefined;
    client: ClientInfo;
  },
): Promise<void> {
  const session = input.current
    ? { id: input.current.sessionId, userId: input.current.userId }
    : input.refreshToken
      ? await findSessionByRefreshToken(deps, input.refreshToken)
      : null;
  if (!session) return;
  await revokeSessions(deps, session.userId, { only: [session.id] }, "logout");
  await recordAuditEvent(deps.db, {
    action: "logout",
    success: true,
    userId: session.userId,
    ...input.client,
    metadata: { sessionId: session.id },
  });
}
