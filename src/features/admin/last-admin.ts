// The service must keep a platform admin who can sign in. Every change that can take the last one away
// (removing the role, disabling, deleting) locks the PLATFORM_ADMIN grants first, so such changes run
// one at a time, and then counts the holders who are still ACTIVE.
import type { Database } from "../../db/client.ts";
import { PLATFORM_ADMIN } from "../tenancy/role-catalogue.ts";

type Queries = Pick<Database, "$queryRaw">;

/** Locks the PLATFORM_ADMIN grants; true when `userId` is the only ACTIVE user holding one. */
export async function isLastActivePlatformAdmin(tx: Queries, userId: string): Promise<boolean> {
  // Without a grant, making this user unusable takes no admin away (a grant racing it only leaves a holder
  // who is not ACTIVE, so not counted): most deletions never wait on the grants.
  const holds = await tx.$queryRaw<Array<{ one: number }>>`
    SELECT 1 AS one FROM platform_role_grants WHERE user_id = ${userId}::uuid AND role_key = ${PLATFORM_ADMIN}`;
  if (holds.length === 0) return false;
  await tx.$queryRaw`
    SELECT user_id FROM platform_role_grants WHERE role_key = ${PLATFORM_ADMIN} ORDER BY user_id FOR UPDATE`;
  // A statement of its own: its snapshot starts after the lock, so it sees what a racing change committed.
  const active = await tx.$queryRaw<Array<{ user_id: string }>>`
    SELECT g.user_id FROM platform_role_grants g JOIN users u ON u.id = g.user_id
    WHERE g.role_key = ${PLATFORM_ADMIN} AND u.status = 'ACTIVE'`;
  return active.length === 1 && active[0]?.user_id === userId;
}
