// reserveChain under a concurrent burst: a guess refused because another attempt locked or delayed the
// key while it waited for the row must get the refusal as it now stands (423 for a lock, the real
// Retry-After for a delay), as the old per-key reserve did by reading the row again afterwards.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import { reserveSecondFactorGuess, secondFactorGuessKeys } from "../mfa/guesses.ts";
import { counterKeysFor, passwordGuessKeys, type Reservation, reserveLoginAttempt } from "./counters.ts";
import type { AccountDeps } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const BURST = 4;
const clientOf = (i: number) => ({ ...NO_CLIENT, limitHash: `burst-${i}`, scopeHash: `burst-${i}` });

/** Waits (bounded) until `count` backends of this database match `condition` in pg_stat_activity. */
async function waitForBackends(condition: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const [row] = await ctx.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND ${condition}`,
    );
    if ((row?.n ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} backends with ${condition}`);
}

/**
 * Holds `change` to the counter `key` uncommitted (the concurrent attempt that wins the row) while
 * `burst` starts and queues behind it, then commits and returns what the burst was answered.
 */
async function answersBehind(
  key: string,
  change: string,
  burst: (deps: AccountDeps) => Promise<Reservation>,
): Promise<Reservation[]> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holder = withServiceDeps(ctx, (deps) =>
    deps.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`UPDATE auth_counters SET ${change} WHERE key = $1`, key);
      await released;
    }),
  );
  await waitForBackends("state = 'idle in transaction'", 1);
  const answers = Array.from({ length: BURST }, () => withServiceDeps(ctx, burst));
  try {
    await waitForBackends("wait_event_type = 'Lock'", BURST);
  } finally {
    release();
  }
  await holder;
  return Promise.all(answers);
}

describe("reserveChain answers a refusal as the row stands after the wait", () => {
  it("answers locked (not a 1 s throttle) to second-factor guesses queued behind the guess that locked the user", async () => {
    const userId = crypto.randomUUID();
    const scope = secondFactorGuessKeys(userId, NO_CLIENT).scope;
    const lockAt = await withServiceDeps(ctx, async (deps) => deps.accountSettings.lockoutFailures);
    await ctx.sql(
      "INSERT INTO auth_counters (key, failures, window_started_at, updated_at) VALUES ($1, $2, now(), now())",
      [scope, lockAt - 1],
    );
    let next = 0;
    const answers = await answersBehind(scope, `failures = ${lockAt}`, (deps) =>
      reserveSecondFactorGuess(deps, userId, clientOf(next++)),
    );
    expect(answers).toEqual(Array.from({ length: BURST }, () => ({ kind: "locked" })));
  });

  it("tells password attempts queued behind the attempt that started a 15-minute delay to wait 15 minutes", async () => {
    const client = clientOf(99);
    const deps = await withServiceDeps(ctx, async (d) => d);
    const keys = await counterKeysFor(deps.serverKeys, "burst-target@example.com", client.limitHash);
    const pair = passwordGuessKeys(keys, client).pair;
    const free = deps.accountSettings.loginFreeFailures;
    // The pair's last delay has run out: the next attempt is counted and starts the longest delay.
    await ctx.sql(
      "INSERT INTO auth_counters (key, failures, window_started_at, blocked_until, updated_at) VALUES ($1, $2, now(), now() - interval '1 second', now())",
      [pair, free + 12],
    );
    const answers = await answersBehind(
      pair,
      `failures = failures + 1, blocked_until = now() + interval '900 seconds'`,
      (d) => reserveLoginAttempt(d.db, keys, client, d.accountSettings, d.now),
    );
    for (const answer of answers) {
      expect(answer.kind).toBe("throttled");
      expect(answer.kind === "throttled" && answer.retryAfterSeconds).toBeGreaterThan(800);
    }
  });
});
