// Each options request of a user's own ceremony (second factor, re-authentication, reset, registration)
// stores a challenge row: whoever holds the user's session, challenge cookie or reset link could ask without
// end. They are counted per user and client (USER_OPTIONS_PER_HOUR), on the API and the pages alike: whoever
// holds only the password must not keep the owner's passkey waiting.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { errorOf, passwordStep, twoStepUser } from "../../../test/helpers/second-factors.ts";
import { USER_OPTIONS_PER_HOUR } from "./assertion.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const userIdOf = async (email: string) =>
  (await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]))[0]?.id ?? "";

describe("passkey options of a user's own ceremonies", () => {
  it("are refused with 429 after the hourly allowance, storing no challenge, on every route; other users are not", async () => {
    const user = await twoStepUser(ctx);
    const userId = await userIdOf(user.email);
    // Registering the passkey asked for options once already.
    const already = await ctx.count("webauthn_challenges", "user_id = $1", [userId]);
    expect(already).toBe(1);
    // The allowance, then one more: past it each request sets a delay (2 s, then doubling) before the next.
    for (let asked = already; asked <= USER_OPTIONS_PER_HOUR; asked += 1) {
      const response = await user.client.request("/auth/reauthenticate/passkey/options", { method: "POST" });
      expect(response.status).toBe(200);
    }
    const stored = await ctx.count("webauthn_challenges", "user_id = $1", [userId]);
    expect(stored).toBe(USER_OPTIONS_PER_HOUR + 1);

    const refused = await user.client.request("/auth/reauthenticate/passkey/options", { method: "POST" });
    expect(await errorOf(refused)).toEqual([429, "too_many_attempts"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // A later delay, as a persistent caller reaches: the rest of the test runs well inside it.
    await ctx.sql("UPDATE auth_counters SET blocked_until = now() + interval '10 minutes' WHERE key LIKE $1", [
      `webauthn-options-user:${userId}|%`,
    ]);
    // The second step of a sign-in from the same client, the pages' re-authentication and a registration too.
    const step = await passwordStep(user.client, user.email);
    expect(step.status).toBe("mfa_required");
    const secondFactor = await user.client.request("/auth/mfa/passkey/options", {
      json: { challenge: step.challenge },
    });
    expect(await errorOf(secondFactor)).toEqual([429, "too_many_attempts"]);
    const page = await user.client.request("/auth/reauthenticate/confirm/passkey/options", { method: "POST" });
    expect(await errorOf(page)).toEqual([429, "too_many_attempts"]);
    const registration = await user.client.request("/auth/passkeys/register/options", { method: "POST" });
    expect(await errorOf(registration)).toEqual([429, "too_many_attempts"]);
    expect(await ctx.count("webauthn_challenges", "user_id = $1", [userId])).toBe(stored);

    const other = await twoStepUser(ctx);
    const answered = await other.client.request("/auth/reauthenticate/passkey/options", { method: "POST" });
    expect(answered.status).toBe(200);
  });

  it("spent by whoever holds only the password, from their address, leave the owner's own options alone", async () => {
    const user = await twoStepUser(ctx);
    // The attacker passes the password step and asks for second-factor options until refused.
    const attacker = ctx.client();
    const step = await passwordStep(attacker, user.email);
    expect(step.status).toBe("mfa_required");
    let refused: Response | undefined;
    for (let asked = 0; asked <= USER_OPTIONS_PER_HOUR + 1 && !refused; asked += 1) {
      const response = await attacker.request("/auth/mfa/passkey/options", { json: { challenge: step.challenge } });
      if (response.status !== 200) refused = response;
    }
    expect(refused && (await errorOf(refused))).toEqual([429, "too_many_attempts"]);
    // The owner's own device still gets its second factor, re-authentication and registration options.
    // Failed with 429 when the counter was keyed on the user alone.
    const device = ctx.client();
    const own = await passwordStep(device, user.email);
    expect(own.status).toBe("mfa_required");
    expect((await device.request("/auth/mfa/passkey/options", { json: { challenge: own.challenge } })).status).toBe(
      200,
    );
    expect((await user.client.request("/auth/reauthenticate/passkey/options", { method: "POST" })).status).toBe(200);
    expect((await user.client.request("/auth/passkeys/register/options", { method: "POST" })).status).toBe(200);
  });
});
