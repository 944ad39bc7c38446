// Profile test helpers: a fingerprint of everything the profile and preferences routes could write, so a
// refused request can be shown to have changed nothing (row counts alone miss an UPDATE).
import type { AuthTestContext, ErrorBody } from "./auth.ts";

/** Row counts of the shared tables plus digests of users' profile columns and of user_preferences. */
export async function profileState(ctx: AuthTestContext): Promise<Record<string, unknown>> {
  const [profiles] = await ctx.sql<{ digest: string | null }>(
    "SELECT md5(string_agg(concat_ws('|', id, name, username, image, updated_at), ',' ORDER BY id)) AS digest FROM users",
  );
  const [preferences] = await ctx.sql<{ digest: string | null }>(
    "SELECT md5(string_agg(concat_ws('|', user_id, theme, locale, time_zone, updated_at), ',' ORDER BY user_id)) AS digest FROM user_preferences",
  );
  return { ...(await ctx.snapshot()), profiles: profiles?.digest, preferences: preferences?.digest };
}

/** The status and error code of a refused response. */
export async function refusal(response: Response): Promise<[number, string | undefined]> {
  const body = (await response.json()) as ErrorBody;
  return [response.status, body.error?.code];
}
