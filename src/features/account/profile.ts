// The user's profile: changing the display name (validated with `DisplayName` from schemas.ts by the caller).
import type { Database } from "../../db/client.ts";
import { recordAuditEvent } from "../audit/service.ts";
import type { ClientInfo } from "../session/service.ts";

/** Sets the user's display name; false when the user no longer exists. */
export async function changeName(
  db: Database,
  input: { userId: string; name: string; client: ClientInfo },
): Promise<boolean> {
  const updated = await db.user.updateMany({ where: { id: input.userId }, data: { name: input.name } });
  if (updated.count === 0) return false;
  await recordAuditEvent(db, { action: "profile.name_changed", success: true, userId: input.userId, ...input.client });
  return true;
}
