// Step-up: re-proving the password or a TOTP code refreshes auth_time; routes and gateway policies
// can demand a recent sign-in and a second factor.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { codeAt, enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("POST /auth/reauthenticate", () => {
  it("refreshes auth_time with the password, unlocking a route that needs a recent sign-in", async () => {
    const client = await signUpBrowser(ctx);
    await ageAccessCookie(client);
    const gated = await client.request("/auth/email/change/request", { json: { email: uniqueEmail() } });
    expect(((await gated.json()) as ErrorBody).error.code).toBe("reauthentication_required");
    const wrong = await client.request("/auth/reauthenticate", { json: { password: "not my password at all" } });
    expect([wrong.status, ((await wrong.json()) as ErrorBody).error.code]).toEqual([401, "invalid_credentials"]);
    expect((await client.request("/auth/reauthenticate", { json: { password: STRONG_PASSWORD } })).status).toBe(200);
    expect((await client.request("/auth/email/change/request", { json: { email: uniqueEmail() } })).status).toBe(202);
  });

  it("answers bad bodies with 400", async () => {
    const client = await signUpBrowser(ctx);
    for (const json of [{}, { password: "" }, { totp: "12" }, { password: "x", totp: "123456" }]) {
      expect((await client.request("/auth/reauthenticate", { json })).status).toBe(400);
    }
  });
});

describe("turning two-step sign-in on", () => {
  it("ends the user's other sessions and counts the confirming one as multi-factor", async () => {
    const email = uniqueEmail("switch");
    const client = await signUpBrowser(ctx, email);
    const laptop = ctx.client();
    expect((await laptop.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
    expect((await laptop.request("/auth/session")).status).toBe(200);

    await enrollTotp(client);
    expect((await laptop.request("/auth/session")).status).toBe(401);
    const session = (await (await client.request("/auth/session")).json()) as { session: { amr: string[] } };
    expect(session.session.amr).toEqual(["pwd", "otp", "mfa"]);
    const [revoked] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoke_reason = 'mfa_enabled'",
      [email],
    );
    expect(revoked?.n).toBe(1);
  });

  it("gives new recovery codes only to a session that proved a second factor", async () => {
    const email = uniqueEmail("codes");
    const client = await signUpBrowser(ctx, email);
    const { secret } = await enrollTotp(client);
    const before = await ctx.sql(
      "SELECT r.code_hash FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email = $1 ORDER BY 1",
      [email],
    );
    // A recent sign-in that proved only the password (as a session from before the switch would be).
    const token = client.cookies.get("__Host-portcullis_at") ?? "";
    client.cookies.set("__Host-portcullis_at", await resignAccessToken(token, { amr: ["pwd"] }));
    const refused = await client.request("/auth/mfa/recovery-codes", { method: "POST" });
    expect([refused.status, ((await refused.json()) as ErrorBody).error.code]).toEqual([401, "second_factor_required"]);
    expect(refused.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_user_authentication", max_age=600',
    );
    expect(
      await ctx.sql(
        "SELECT r.code_hash FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email = $1 ORDER BY 1",
        [email],
      ),
    ).toEqual(before);

    expect((await client.request("/auth/reauthenticate", { json: { totp: codeAt(secret) } })).status).toBe(200);
    expect((await client.request("/auth/mfa/recovery-codes", { method: "POST" })).status).toBe(200);
  });

  it("does not let a fresh password stand in for a second factor proven earlier", async () => {
    const client = await signUpBrowser(ctx);
    const { secret } = await enrollTotp(client);
    expect((await client.request("/auth/reauthenticate", { json: { password: STRONG_PASSWORD } })).status).toBe(200);
    const session = (await (await client.request("/auth/session")).json()) as { session: { amr: string[] } };
    expect(session.session.amr).toEqual(["pwd"]);
    const refused = await client.request("/auth/mfa/recovery-codes", { method: "POST" });
    expect(((await refused.json()) as ErrorBody).error.code).toBe("second_factor_required");
    expect((await client.request("/auth/reauthenticate", { json: { totp: codeAt(secret) } })).status).toBe(200);
    expect((await client.request("/auth/mfa/recovery-codes", { method: "POST" })).status).toBe(200);
  });
});

describe("account takeover guards with two-step sign-in on", () => {
  it("keeps a password-only step-up from adding a passkey or changing the address; a recovery code steps up", async () => {
    const client = await signUpBrowser(ctx);
    const { recoveryCodes } = await enrollTotp(client);
    expect((await client.request("/auth/reauthenticate", { json: { password: STRONG_PASSWORD } })).status).toBe(200);
    for (const [path, init] of [
      ["/auth/passkeys/register/options", { method: "POST" }],
      ["/auth/email/change/request", { json: { email: uniqueEmail() } }],
    ] as const) {
      const refused = await client.request(path, init);
      expect([refused.status, ((await refused.json()) as ErrorBody).error.code]).toEqual([
        401,
        "second_factor_required",
      ]);
    }
    const stepUp = await client.request("/auth/reauthenticate", { json: { recovery_code: recoveryCodes[0] } });
    expect(stepUp.status).toBe(200);
    expect((await client.request("/auth/passkeys/register/options", { method: "POST" })).status).toBe(200);
    const spent = await client.request("/auth/reauthenticate", { json: { recoveryCode: recoveryCodes[0] } });
    expect([spent.status, ((await spent.json()) as ErrorBody).error.code]).toEqual([401, "invalid_credentials"]);
  });
});

describe("gateway step-up policy", () => {
  it("asks for a second factor (RFC 9470) and lets the request through once one is proven", async () => {
    const email = uniqueEmail("stepup");
    const client = await signUpBrowser(ctx, email);
    const denied = await client.request("/sensitive/report", { headers: { accept: "application/json" } });
    expect([denied.status, ((await denied.json()) as ErrorBody).error.code]).toEqual([401, "second_factor_required"]);
    expect(denied.headers.get("www-authenticate")).toBe('Bearer error="insufficient_user_authentication", max_age=300');
    const browser = await client.request("/sensitive/report", { headers: { accept: "text/html" } });
    expect(browser.headers.get("location")).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/sensitive/report")}&step_up=1`,
    );

    const { secret } = await enrollTotp(client);
    expect((await client.request("/auth/reauthenticate", { json: { totp: codeAt(secret) } })).status).toBe(200);
    const allowed = await client.request("/sensitive/report");
    expect(allowed.status).toBe(200);

    await ageAccessCookie(client, ["pwd", "otp", "mfa"]);
    const stale = await client.request("/sensitive/report", { headers: { accept: "application/json" } });
    expect([stale.status, ((await stale.json()) as ErrorBody).error.code]).toEqual([401, "reauthentication_required"]);
  });
});
