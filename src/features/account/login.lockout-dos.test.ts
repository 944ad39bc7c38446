// Nobody can lock someone else out (issue 10, M6): delays run per (account, client), the account-wide
// count only drives the hard lock, and a reset always lets the owner back in.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { accountKeyOf, countersOf, expireDelays } from "../../../test/helpers/counters.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ LOGIN_FREE_FAILURES: "3", LOCKOUT_FAILURES: "10", CLIENT_FREE_FAILURES: "6" });
});

const login = (email: string, password: string, ip: string) =>
  ctx.client().request("/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": ip } });

const OWNER_IP = "198.51.100.200";

describe("M6: lockout by someone else", () => {
  it("M6: the owner signs in while one client sends a wrong password every time the delay ends", async () => {
    const email = uniqueEmail("victim");
    await signUpBrowser(ctx, email);
    const attacker = "203.0.113.7";
    for (let i = 0; i < 6; i++) {
      await expireDelays(ctx);
      expect((await login(email, `wrong ${i}`, attacker)).status).toBe(401);
    }
    // The attacker's last failure has just started a delay: its next guess waits…
    expect(await errorOf(await login(email, "wrong again", attacker))).toEqual([429, "too_many_attempts"]);
    // …and the owner, from elsewhere, is not kept waiting.
    const owner = await login(email, STRONG_PASSWORD, OWNER_IP);
    expect(owner.status).toBe(200);
    expect(((await owner.json()) as { status: string }).status).toBe("signed_in");
    // The owner's sign-in ends the run toward the hard lock; the attacker's own delay stays.
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 0, pairs: [6] });
    expect(await errorOf(await login(email, "still wrong", attacker))).toEqual([429, "too_many_attempts"]);
  });

  it("M6: the owner signs in while many clients each send a wrong password", async () => {
    const email = uniqueEmail("victim");
    await signUpBrowser(ctx, email);
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await login(email, `wrong ${i}`, `203.0.113.${20 + i}`)).status);
    expect(statuses).toEqual(Array(9).fill(401));
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(9);
    expect((await login(email, STRONG_PASSWORD, OWNER_IP)).status).toBe(200);
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 0, pairs: Array(9).fill(1) });
  });

  it("M6: a distributed attack still reaches the account-wide hard lock, and a reset lets the owner in", async () => {
    const email = uniqueEmail("victim");
    await signUpBrowser(ctx, email);
    for (let i = 0; i < 10; i++) expect((await login(email, `wrong ${i}`, `203.0.113.${40 + i}`)).status).toBe(401);
    expect(await errorOf(await login(email, STRONG_PASSWORD, OWNER_IP))).toEqual([423, "account_locked"]);
    const [user] = await ctx.sql<{ id: string; locked: boolean }>(
      "SELECT id, locked_at IS NOT NULL AS locked FROM users WHERE email = $1",
      [email],
    );
    expect(user?.locked).toBe(true);
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE user_id = $1 AND revoked_at IS NULL", [user?.id])).toHaveLength(
      1,
    );
    // The lock answers before any counting: the owner's attempt changed nothing.
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(10);

    const forgot = await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    expect(forgot.status).toBe(202);
    const token = tokenIn(
      (await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null,
    );
    const NEW = "a fresh passphrase after the attack";
    const reset = await ctx.client().request("/auth/password/reset", { json: { token, password: NEW }, origin: null });
    expect(reset.status).toBe(200);
    expect((await login(email, NEW, OWNER_IP)).status).toBe(200);
  });

  it("M6: known and unknown emails get the same answers and the same counters under attack", async () => {
    const known = uniqueEmail("known");
    await signUpBrowser(ctx, known);
    const ghost = uniqueEmail("ghost");
    const run = async (email: string, ips: [string, string]) => {
      const answers: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await login(email, `wrong ${i}`, ips[0]);
        answers.push([response.status, await response.text()]);
      }
      const other = await login(email, "wrong elsewhere", ips[1]);
      answers.push([other.status, await other.text()]);
      return { answers, counters: await countersOf(ctx, await accountKeyOf(email)) };
    };
    const ofKnown = await run(known, ["203.0.113.60", "203.0.113.61"]);
    const ofGhost = await run(ghost, ["203.0.113.62", "203.0.113.63"]);
    expect(ofKnown.answers.map((answer) => (answer as [number])[0])).toEqual([401, 401, 401, 401, 429, 401]);
    expect(ofGhost).toEqual(ofKnown);
  });
});

const LOCK = 10;

async function resetTokenFor(email: string): Promise<string> {
  expect((await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null })).status).toBe(202);
  return tokenIn((await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null);
}

describe("review of M6: no single source reaches the hard lock", () => {
  it("R1: one client waiting out every delay never reaches the account's hard lock", async () => {
    const email = uniqueEmail("r1");
    await signUpBrowser(ctx, email);
    const attacker = "203.0.113.70";
    for (let i = 0; i < LOCK + 5; i++) {
      await expireDelays(ctx);
      expect(await errorOf(await login(email, `wrong ${i}`, attacker))).toEqual([401, "invalid_credentials"]);
    }
    // Its share of the account-wide count is LOGIN_FREE_FAILURES (3); its own delays keep growing.
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 3, pairs: [LOCK + 5] });
    expect((await login(email, STRONG_PASSWORD, OWNER_IP)).status).toBe(200);
    expect(await ctx.sql("SELECT 1 FROM users WHERE email = $1 AND locked_at IS NOT NULL", [email])).toHaveLength(0);
  });

  it("R2: the /64s of one IPv6 /48 in parallel count as one source toward the hard lock", async () => {
    const email = uniqueEmail("r2");
    await signUpBrowser(ctx, email);
    const attempts = Array.from({ length: LOCK }, (_, i) =>
      login(email, `wrong ${i}`, `2001:db8:77:${i.toString(16)}::1`),
    );
    expect((await Promise.all(attempts)).map((r) => r.status)).toEqual(Array(LOCK).fill(401));
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(3);
    expect((await login(email, STRONG_PASSWORD, OWNER_IP)).status).toBe(200);
    // Other /48s are other sources: ten of them still lock (the distributed case of M6).
    for (let i = 0; i < LOCK; i++) await login(email, `wrong ${i}`, `2001:db8:${(0x100 + i).toString(16)}::1`);
    expect(await errorOf(await login(email, STRONG_PASSWORD, OWNER_IP))).toEqual([423, "account_locked"]);
  });

  it("R3: an address locked before anyone registered it is free for the one who signs up", async () => {
    const email = uniqueEmail("r3");
    for (let i = 0; i < LOCK; i++) await login(email, `guess ${i}`, `203.0.113.${80 + i}`);
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(LOCK);
    const signup = await ctx.client().request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
    expect(signup.status).toBe(201);
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 0, pairs: [] });
    expect((await login(email, STRONG_PASSWORD, OWNER_IP)).status).toBe(200);
    // A signup attempt at a taken address clears nothing.
    for (let i = 0; i < 2; i++) await login(email, `guess again ${i}`, `203.0.113.${95 + i}`);
    const again = await ctx.client().request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
    expect(again.status).toBe(202);
    expect((await countersOf(ctx, await accountKeyOf(email))).scope).toBe(2);
  });

  it("R5: a reset lifts the owner's own delay: the new password works at once from the same device", async () => {
    const email = uniqueEmail("r5");
    await signUpBrowser(ctx, email);
    const device = "203.0.113.110";
    for (let i = 0; i < 9; i++) {
      await expireDelays(ctx);
      expect((await login(email, `maybe ${i}`, device)).status).toBe(401);
    }
    await login(email, "a stranger's guess", "203.0.113.111");
    const token = await resetTokenFor(email);
    const NEW = "the owner's passphrase after reset";
    const reset = await ctx.client().request("/auth/password/reset", {
      json: { token, password: NEW },
      origin: null,
      headers: { "cf-connecting-ip": device },
    });
    expect(reset.status).toBe(200);
    // Every pair of the account is gone, and this client's nine failures were taken back.
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 0, pairs: [] });
    expect((await login(email, NEW, device)).status).toBe(200);
  });

  it("R7: right passwords in flight never count toward the lock", async () => {
    const email = uniqueEmail("r7");
    await signUpBrowser(ctx, email);
    const ips = Array.from({ length: LOCK + 2 }, (_, i) => `203.0.113.${120 + i}`);
    const answers = await Promise.all(ips.map((ip) => login(email, STRONG_PASSWORD, ip)));
    expect(answers.map((r) => r.status)).toEqual(Array(LOCK + 2).fill(200));
    expect(await countersOf(ctx, await accountKeyOf(email))).toEqual({ scope: 0, pairs: [] });
  });
});
