// Reading the attempt counters of an account or a user, by the keys the Worker uses.

import { deriveServerKeys } from "../../src/crypto/server-keys.ts";
import { counterKeysFor } from "../../src/features/account/counters.ts";
import type { AuthTestContext } from "./auth.ts";
import { testEnv } from "./env.ts";

/** The account counter's key for an email (an HMAC under the test run's server key). */
export async function accountKeyOf(email: string): Promise<string> {
  return (await counterKeysFor(await deriveServerKeys(testEnv.AUTH_SECRET), email, null)).account;
}

/** Failures counted on `scope` alone and on each of its (scope, client) pairs. */
export async function countersOf(ctx: AuthTestContext, scope: string) {
  const rows = await ctx.sql<{ key: string; failures: number }>(
    "SELECT key, failures FROM auth_counters WHERE key = $1 OR key LIKE $1 || '|%' ORDER BY key",
    [scope],
  );
  return {
    scope: rows.find((row) => row.key === scope)?.failures ?? 0,
    pairs: rows
      .filter((row) => row.key !== scope)
      .map((row) => row.failures)
      .sort((a, b) => a - b),
  };
}

/** Lets time pass for every delay (the counters themselves stay). */
export const expireDelays = (ctx: AuthTestContext) =>
  ctx.sql("UPDATE auth_counters SET blocked_until = now() - interval '1 second'");
