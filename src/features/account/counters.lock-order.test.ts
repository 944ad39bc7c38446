// Lock order between the counters' statements: reserveChain holds the client's row while it waits for
// the pair's, so a statement that holds the pair and then needs the client (takeBackPasswordGuess
// updates both rows in whatever order it scans them) deadlocks with it, and Postgres aborts one of
// them after deadlock_timeout: a double-submitted sign-in answers 500.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import type { Database } from "../../db/client.ts";
import { counterKeysFor, passwordGuessKeys, reserveLoginAttempt, takeBackPasswordGuess } from "./counters.ts";

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
    const { keys, settings } = await withServiceDeps(ctx, async (deps) => ({
      keys: await counterKeysFor(deps.serverKeys, "double-submit@example.com", client.limitHash),
      settings: deps.accountSettings,
    }));
    const guess = passwordGuessKeys(keys, client);
    for (const key of [guess.client, guess.pair]) {
      await ctx.sql(
        "INSERT INTO auth_counters (key, failures, window_started_at, updated_at) VALUES ($1, 1, now(), now())",
        [key],
      );
    }
    let pairHeld = () => {};
    const holding = new Promise<void>((resolve) => {
      pairHeld = resolve;
    });
    // The first request's take-back, having reached the pair's row first (its scan order).
    const takeBack = withServiceDeps(ctx, (deps) =>
      deps.db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE auth_counters SET updated_at = now() WHERE key = ${guess.pair}`;
        pairHeld();
        await waitForBackend("wait_event_type = 'Lock'");
        // Inside the same transaction, which still holds the pair's row; the take-back only runs raw SQL.
        await takeBackPasswordGuess(tx as unknown as Database, guess);
        return "taken back";
      }),
    );
    await holding;
    await waitForBackend("state = 'idle in transaction'");
    // The second request of a double submit: its reservation.
    const reservation = withServiceDeps(ctx, (deps) => reserveLoginAttempt(deps.db, keys, client, settings, deps.now));
    const results = await Promise.allSettled([takeBack, reservation]);
    const outcomes = results.map((result) => (result.status === "fulfilled" ? "finished" : String(result.reason)));
    expect(outcomes).toEqual(["finished", "finished"]);
  });
});
