// Throttling and lockout: growing delays per account and per client, lock after consecutive failures.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ LOGIN_FREE_FAILURES: "3", LOCKOUT_FAILURES: "10", CLIENT_FREE_FAILURES: "6" });
});

const login = (email: string, password: string, ip = "198.51.100.1") =>
  ctx.client().request("/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": ip } });

/** Lets time pass for every delay (the counters themselves stay). */
const expireDelays = () => ctx.sql("UPDATE auth_counters SET blocked_until = now() - interval '1 second'");

describe("login throttling and lockout", () => {
  it("answers 429 with Retry-After once the free failures are used, even for the right password", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    for (let i = 0; i < 4; i++) expect((await login(email, `wrong password ${i}`, "198.51.100.10")).status).toBe(401);
    const sessions = await ctx.sql("SELECT 1 FROM sessions");
    const blocked = await login(email, STRONG_PASSWORD, "198.51.100.10");
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as ErrorBody).error.code).toBe("too_many_attempts");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await ctx.sql("SELECT 1 FROM sessions")).toHaveLength(sessions.length);
  });

  it("grows the delay with each failure", async () => {
    const email = uniqueEmail();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) await login(email, "wrong", "198.51.100.11");
    for (let i = 0; i < 3; i++) {
      await expireDelays();
      await login(email, "wrong", "198.51.100.11");
      const [row] = await ctx.sql<{ s: number }>(
        "SELECT extract(epoch FROM blocked_until - updated_at)::int AS s FROM auth_counters WHERE key LIKE 'account:%|%' ORDER BY updated_at DESC LIMIT 1",
      );
      delays.push(row?.s ?? 0);
    }
    expect(delays).toEqual([2, 4, 8]);
  });

  it("resets the account's failures after a successful login", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    for (let i = 0; i < 4; i++) await login(email, "wrong", "198.51.100.12");
    await expireDelays();
    expect((await login(email, STRONG_PASSWORD, "198.51.100.12")).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(email, "wrong", "198.51.100.12")).status).toBe(401);
  });

  it("locks the account after the consecutive-failure limit until a password reset, and audits it", async () => {
    const email = uniqueEmail("locked");
    await signUpBrowser(ctx, email);
    for (let i = 0; i < 10; i++) {
      await expireDelays();
      expect((await login(email, `wrong ${i}`, `198.51.100.${20 + i}`)).status).toBe(401);
    }
    await expireDelays();
    const locked = await login(email, STRONG_PASSWORD, "198.51.100.99");
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as ErrorBody).error.code).toBe("account_locked");
    const [user] = await ctx.sql<{ id: string; locked: boolean }>(
      "SELECT id, locked_at IS NOT NULL AS locked FROM users WHERE email = $1",
      [email],
    );
    expect(user?.locked).toBe(true);
    expect(
      await ctx.sql("SELECT 1 FROM audit_events WHERE user_id = $1 AND action = 'account.locked'", [user?.id]),
    ).toHaveLength(1);
  });

  it("treats an unknown email exactly like a real one, up to the same lock answer", async () => {
    const ghost = uniqueEmail("ghost");
    for (let i = 0; i < 10; i++) {
      await expireDelays();
      expect((await login(ghost, `wrong ${i}`, `198.51.101.${i}`)).status).toBe(401);
    }
    await expireDelays();
    const locked = await login(ghost, STRONG_PASSWORD, "198.51.101.99");
    expect(locked.status).toBe(423);
    expect(await locked.json()).toEqual({
      error: {
        code: "account_locked",
        message: "Too many failed sign-ins; reset your password to unlock this account.",
      },
    });
  });

  it("M3: two IPv6 addresses of one /64 share the client's login throttle", async () => {
    const [first, second, otherNetwork] = ["2001:db8:aa:1::1", "2001:db8:aa:1:ffff:ffff:ffff:fffe", "2001:db8:aa:2::1"];
    for (let i = 0; i < 7; i++) {
      expect((await login(uniqueEmail("v6"), "Password123!", i % 2 === 0 ? first : second)).status).toBe(401);
    }
    for (const ip of [first, second]) {
      const throttled = await login(uniqueEmail("v6"), "Password123!", ip);
      expect([throttled.status, ((await throttled.json()) as ErrorBody).error.code]).toEqual([
        429,
        "too_many_attempts",
      ]);
    }
    expect((await login(uniqueEmail("v6"), "Password123!", otherNetwork)).status).toBe(401);
  });

  it("throttles a client that fails across many accounts, and not other clients", async () => {
    for (let i = 0; i < 7; i++) await login(uniqueEmail("spray"), "Password123!", "192.0.2.50");
    const fromSprayer = await login(uniqueEmail("spray"), "Password123!", "192.0.2.50");
    expect(fromSprayer.status).toBe(429);
    const fromOther = await login(uniqueEmail("spray"), "Password123!", "192.0.2.51");
    expect(fromOther.status).toBe(401);
  });
});

describe("throttling under concurrency and at the edges", () => {
  it("counts parallel attempts before checking passwords, so a burst cannot exceed the free failures", async () => {
    const email = uniqueEmail("burst");
    await signUpBrowser(ctx, email);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(email, `wrong ${i}`, "198.51.102.1")),
    );
    const statuses = responses.map((r) => r.status);
    // 3 free failures plus the one that starts the first delay; every other attempt is refused unchecked.
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(16);
    const failedAudits = await ctx.sql(
      "SELECT 1 FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'login.failed'",
      [email],
    );
    expect(failedAudits).toHaveLength(4);
  });

  it("does not overflow on a counter far past the limit (no 500)", async () => {
    const email = uniqueEmail("overflow");
    await login(email, "wrong", "198.51.103.1");
    await ctx.sql(
      "UPDATE auth_counters SET failures = 5000, blocked_until = NULL WHERE key LIKE 'client:%' AND failures > 0 AND updated_at > now() - interval '5 seconds'",
    );
    const response = await login(uniqueEmail("overflow"), "wrong", "198.51.103.1");
    expect([401, 429]).toContain(response.status);
  });

  it("throttles wrong current passwords on password change like sign-ins", async () => {
    const client = await signUpBrowser(ctx);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await client.request("/auth/password/change", {
        json: { current: `wrong ${i}`, new: "a brand new passphrase 99" },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it("R6: wrong current passwords at password change lock the account like sign-ins, and audit it", async () => {
    const client = await signUpBrowser(ctx);
    const change = (current: string, ip: string) =>
      client.request("/auth/password/change", {
        json: { current, new: "a brand new passphrase 99" },
        headers: { "cf-connecting-ip": ip },
      });
    // From distinct sources, so the account-wide count reaches the lock (one source alone cannot: R1).
    for (let i = 0; i < 10; i++) expect((await change(`wrong current ${i}`, `192.0.2.${60 + i}`)).status).toBe(401);
    const locked = await change(STRONG_PASSWORD, "192.0.2.99");
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as ErrorBody).error.code).toBe("account_locked");
    const [row] = await ctx.sql<{ locked: boolean; audits: number; sessions: number }>(
      `SELECT u.locked_at IS NOT NULL AS locked,
              (SELECT count(*)::int FROM audit_events e WHERE e.user_id = u.id AND e.action = 'account.locked') AS audits,
              (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL) AS sessions
       FROM users u WHERE u.id = (SELECT user_id FROM audit_events WHERE action = 'account.locked' ORDER BY created_at DESC LIMIT 1)`,
    );
    expect(row).toEqual({ locked: true, audits: 1, sessions: 1 });
  });
});
