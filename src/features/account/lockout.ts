// The hard lock: after too many consecutive wrong passwords or second factors the user is locked until
// a password reset clears the counters, and the event is audited.

import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import {
  type CounterKeys,
  counterKeysFor,
  countPasswordFailure,
  lockScope,
  passwordGuessKeys,
  type ThrottleSettings,
} from "./counters.ts";
import { markUserLocked } from "./repository.ts";

/**
 * Locks the user: marks the row and sets the account counter (keyed by the email) to the lock, so the
 * password step answers 423 for this address exactly as after wrong passwords, whatever reached it.
 */
export async function lockAccount(
  deps: Pick<SessionDeps, "db" | "serverKeys" | "now">,
  input: {
    user: { id: string; email: string };
    failures: number;
    lockAt: number;
    cause: "password" | "second_factor";
    client: ClientInfo;
  },
): Promise<void> {
  const keys = await counterKeysFor(deps.serverKeys, input.user.email, input.client.limitHash);
  await markUserLocked(deps.db, input.user.id, deps.now);
  await lockScope(deps.db, keys.account, input.lockAt, deps.now);
  await recordAuditEvent(deps.db, {
    action: "account.locked",
    success: false,
    userId: input.user.id,
    ...input.client,
    metadata: { failures: input.failures, cause: input.cause },
  });
}

/**
 * After a wrong password (sign-in, reauthentication, password change): counts it on the account's
 * scope (bounded per contributor, see countPasswordFailure) and locks the user when this failure
 * reached the limit. An unknown address is counted the same way, so both answer alike.
 */
export async function recordWrongPassword(
  deps: Pick<SessionDeps, "db" | "serverKeys" | "now"> & { accountSettings: ThrottleSettings },
  input: { keys: CounterKeys; user: { id: string; email: string } | null; client: ClientInfo },
): Promise<void> {
  const lockAt = deps.accountSettings.lockoutFailures;
  const failures = await countPasswordFailure(
    deps.db,
    passwordGuessKeys(input.keys, input.client),
    deps.accountSettings,
    deps.now,
  );
  if (!input.user || failures !== lockAt) return;
  await lockAccount(deps, { user: input.user, failures, lockAt, cause: "password", client: input.client });
}
