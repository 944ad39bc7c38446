// Lock order between the counters' statements: reserveChain holds the client's row while it waits for
// the pair's, so a statement that could hold the pair and then need the client (one UPDATE of both
// rows, in whatever order it scans them) would deadlock with it, and Postgres would abort one of them
// after deadlock_timeout: a double-submitted sign-in would answer 500.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import { counterKeysFor, passwordGuessKeys, takeBackPasswordGuess } from "./counters.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** Waits (bounded) until a backend of this database matches `condition` in pg_stat_activity. */
async function waitForBackend(condition: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await ctx.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND ${condition}`,
    );
    if ((row?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no backend with ${condition}`);
}

describe("counter statements and lock order", () => {
  it("lets a sign-in attempt and a take-back on the same client and pair both finish", async () => {
    const client = { ...NO_CLIENT, limitHash: "double-submit", scopeHash: "double-submit" };
    const keys = await withServiceDeps(ctx, (deps) =>
      counterKeysFor(deps.serverKeys, "double-submit@example.com", client.limitHash),
    );
    const guess = passwordGuessKeys(keys, client);
    for (const key of [guess.client, guess.pair]) {
      await ctx.sql(
        "INSERT INTO auth_counters (key, failures, window_started_at, updated_at) VALUES ($1, 1, now(), now())",
        [key],
      );
    }
    // A reservation holds the client's row (it takes it first, then waits for the pair's).
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reservationHolding = withServiceDeps(ctx, (deps) =>
      deps.db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE auth_counters SET updated_at = now() WHERE key = ${guess.client}`;
        await released;
      }),
    );
    await waitForBackend("state = 'idle in transaction'");
    // The take-back (the real one) waits for the client's row: it must not hold the pair's meanwhile,
    // or the reservation, waiting for the pair's next, would deadlock with it.
    const takeBack = withServiceDeps(ctx, (deps) => takeBackPasswordGuess(deps.db, guess));
    await waitForBackend("wait_event_type = 'Lock'");
    const pairFree = await ctx
      .sql("SELECT key FROM auth_counters WHERE key = $1 FOR UPDATE NOWAIT", [guess.pair])
      .then(() => "free")
      .catch((error: unknown) => String(error));
    release();
    const results = await Promise.allSettled([reservationHolding, takeBack]);
    expect(pairFree).toBe("free");
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    const rows = await ctx.sql<{ key: string; failures: number }>(
      "SELECT key, failures FROM auth_counters WHERE key = ANY($1::text[]) ORDER BY key",
      [[guess.client, guess.pair]],
    );
    expect(rows.map((row) => row.failures)).toEqual([0, 0]);
  });
});
