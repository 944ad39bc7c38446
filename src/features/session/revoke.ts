// A user ending their own sessions: one of them, or every one but the current; audited either way.
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, revokeSessions, type SessionDeps } from "./service.ts";

/** Revokes one of the user's active sessions; false when they have no such active session. */
export async function revokeOwnSession(
  deps: SessionDeps,
  input: { userId: string; sessionId: string; client: ClientInfo },
): Promise<boolean> {
  const revoked = await revokeSessions(deps, input.userId, { only: [input.sessionId] }, "revoked_by_user");
  if (revoked.length === 0) return false;
  await recordAuditEvent(deps.db, {
    action: "session.revoked",
    success: true,
    userId: input.userId,
    ...input.client,
    metadata: { sessionId: input.sessionId },
  });
  return true;
}

/** Revokes every active session of the user except `currentSessionId`; returns how many it revoked. */
export async function revokeOtherSessions(
  deps: SessionDeps,
  input: { userId: string; currentSessionId: string; client: ClientInfo },
): Promise<number> {
  const revoked = await revokeSessions(deps, input.userId, { except: input.currentSessionId }, "revoked_by_user");
  await recordAuditEvent(deps.db, {
    action: "session.revoked",
    success: true,
    userId: input.userId,
    ...input.client,
    metadata: { sessionIds: revoked, scope: "others" },
  });
  return revoked.length;
}
