// The login history's query: page size and the cursor of the previous page's last entry.
import { z } from "zod";

export const HISTORY_MAX_LIMIT = 100;

/** `GET /auth/activity?limit=…&before=…`: unknown parameters are refused, not ignored. */
export const HistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).default(50),
  before: z.uuid().optional(),
});

/** The cursor of the next page: the last entry's id when the page is full. */
export function nextHistoryCursor(entries: { id: string }[], limit: number): string | null {
  return entries.length === limit ? (entries.at(-1)?.id ?? null) : null;
}

/** An entry as presentLoginHistoryEntry answers it. */
export const LoginHistoryEntry = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  success: z.boolean(),
  method: z.string().nullable().meta({ description: "password, passkey, oauth, federated, password+totp, …" }),
  provider: z.string().nullable(),
  issuer: z.string().nullable(),
  ipHash: z.string().nullable(),
  userAgent: z.string().nullable(),
  sessionId: z.uuid().nullable(),
  durationMinutes: z.int().nonnegative().nullable(),
});

export const ActivityResponse = z.object({
  activity: z.array(LoginHistoryEntry),
  nextCursor: z.uuid().nullable().meta({ description: "`before` of the next page; null on the last one." }),
});
