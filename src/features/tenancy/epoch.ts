// The membership epoch: moved on by every change to a user's memberships or roles, and published to KV
// so the edge refuses (browsers: refreshes) an access token issued before the change.
import type { Database } from "../../db/client.ts";
import { markMembershipEpoch } from "../../kv/revocation.ts";

/** Moves the user's epoch on (inside the transaction that changes their roles); returns the new value. */
export async function incrementMembershipEpoch(db: Pick<Database, "$queryRaw">, userId: string): Promise<number> {
  const rows = await db.$queryRaw<Array<{ membership_epoch: number }>>`
    UPDATE users SET membership_epoch = membership_epoch + 1 WHERE id = ${userId}::uuid RETURNING membership_epoch`;
  return rows[0]?.membership_epoch ?? 0;
}

/** After the change committed: tokens of `userId` carrying an older epoch stop working at the edge. */
export function publishMembershipEpoch(
  deps: { kv: KVNamespace; settings: { accessTokenTtlSeconds: number } },
  userId: string,
  epoch: number,
): Promise<void> {
  return markMembershipEpoch(deps.kv, userId, epoch, deps.settings.accessTokenTtlSeconds);
}

/** Both steps for a change made outside a transaction. */
export async function bumpMembershipEpoch(
  deps: { db: Database; kv: KVNamespace; settings: { accessTokenTtlSeconds: number } },
  userId: string,
): Promise<number> {
  const epoch = await incrementMembershipEpoch(deps.db, userId);
  await publishMembershipEpoch(deps, userId, epoch);
  return epoch;
}
