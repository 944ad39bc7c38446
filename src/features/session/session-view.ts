// What GET /auth/session shows beside the token's own claims: the user's row, their memberships and the
// unread count of their inbox, read in one statement (one round trip on the request's one connection).
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import {
  type MembershipOfUser,
  type MembershipRow,
  membershipsOfUserSql,
  toMembershipOfUser,
} from "../tenancy/repository.ts";

export type SessionView = {
  user: {
    id: string;
    email: string;
    emailVerified: boolean;
    name: string | null;
    image: string | null;
    phoneNumber: string | null;
    phoneVerified: boolean;
    createdAt: Date;
  };
  memberships: MembershipOfUser[];
  unreadNotifications: number;
};

type Row = {
  id: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  image: string | null;
  phone_number: string | null;
  phone_verified: boolean;
  created_at: Date;
  unread: number;
  memberships: MembershipRow[];
};

/** The signed-in user's view for `sessionId`; null when the user is gone. */
export async function readSessionView(
  db: Pick<Database, "$queryRaw">,
  input: { userId: string; sessionId: string },
): Promise<SessionView | null> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT u.id, u.email, u.email_verified_at IS NOT NULL AS email_verified, u.name, u.image,
           u.phone_number, u.phone_verified_at IS NOT NULL AS phone_verified, u.created_at,
           (SELECT count(*)::int FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread,
           COALESCE((SELECT json_agg(listed ORDER BY listed.joined_at, listed.membership_id) FROM (${membershipsOfUserSql(Prisma.sql`u.id`, input.sessionId)}) listed),
             '[]'::json) AS memberships
    FROM users u WHERE u.id = ${input.userId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  return {
    user: {
      id: row.id,
      email: row.email,
      emailVerified: row.email_verified,
      name: row.name,
      image: row.image,
      phoneNumber: row.phone_number,
      phoneVerified: row.phone_verified,
      createdAt: row.created_at,
    },
    memberships: row.memberships.map(toMembershipOfUser),
    unreadNotifications: row.unread,
  };
}
