// Attacks on /auth/two-factor, /auth/reauthenticate and their passkey options routes (issue 11, second
// page review): the MFA challenge cookie, one-time codes across the page and the JSON API, step-up,
// return_to and cross-site requests.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt, enrollTotp, errorOf, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, claimsOf } from "../../../test/helpers/tokens.ts";

const MFA_COOKIE = "__Host-portcullis_mfa";
const ACCESS = "__Host-portcullis_at";
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function totpUser() {
  const email = uniqueEmail("2fa-attack");
  const owner = await signUpBrowser(ctx, email);
  const { secret, recoveryCodes } = await enrollTotp(owner);
  return { email, owner, secret, recoveryCodes };
}

async function atSecondStep(email: string): Promise<TestClient> {
  const device = ctx.client();
  const response = await submitForm(device, "/auth/sign-in", { email, password: STRONG_PASSWORD });
  expect(response.status).toBe(303);
  expect(device.cookies.has(MFA_COOKIE)).toBe(true);
  return device;
}

const liveSessions = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoked_at IS NULL",
      [email],
    )
  )[0]?.n;
const unusedRecoveryCodes = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM recovery_codes r JOIN users u ON u.id = r.user_id WHERE u.email = $1 AND r.used_at IS NULL",
      [email],
    )
  )[0]?.n;
const EXPIRED = "/auth/sign-in?two_factor=expired";

describe("the MFA challenge cookie", () => {
  it("is refused in another browser (bound to the client that passed the password)", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const thief = ctx.client();
    thief.cookies.set(MFA_COOKIE, device.cookies.get(MFA_COOKIE) ?? "");
    const before = await liveSessions(email);
    expect((await thief.request("/auth/two-factor")).headers.get("location")).toBe(EXPIRED);
    thief.cookies.set(MFA_COOKIE, device.cookies.get(MFA_COOKIE) ?? "");
    const post = await submitForm(thief, "/auth/two-factor", { code: codeAt(secret) });
    expect([post.status, post.headers.get("location")]).toEqual([303, EXPIRED]);
    expect(thief.cookies.has(ACCESS)).toBe(false);
    thief.cookies.set(MFA_COOKIE, device.cookies.get(MFA_COOKIE) ?? "");
    const options = await thief.request("/auth/two-factor/passkey/options", { json: {} });
    expect((await errorOf(options))[1]).toBe("invalid_challenge");
    expect(await liveSessions(email)).toBe(before);
  });

  it("cannot be replayed after the sign-in it started has succeeded", async () => {
    const { email, secret, recoveryCodes } = await totpUser();
    const device = await atSecondStep(email);
    const planted = device.cookies.get(MFA_COOKIE) ?? "";
    expect((await submitForm(device, "/auth/two-factor", { code: codeAt(secret) })).status).toBe(303);
    const sessions = await liveSessions(email);
    const attacker = device; // same client (same IP) replays the spent cookie without the session cookies
    attacker.cookies.clear();
    attacker.cookies.set(MFA_COOKIE, planted);
    const replay = await submitForm(attacker, "/auth/two-factor", { recovery_code: recoveryCodes[0] ?? "" });
    expect([replay.status, replay.headers.get("location")]).toEqual([303, EXPIRED]);
    expect(attacker.cookies.has(ACCESS)).toBe(false);
    expect(await liveSessions(email)).toBe(sessions);
    expect(await unusedRecoveryCodes(email)).toBe(recoveryCodes.length);
  });

  it("yields no session after the password changed since the password step (credentials epoch)", async () => {
    const { email, owner, secret } = await totpUser();
    const device = await atSecondStep(email);
    const change = await owner.request("/auth/password/change", {
      json: { current: STRONG_PASSWORD, new: "an entirely new passphrase 77" },
    });
    expect(change.status).toBe(200);
    const before = await liveSessions(email);
    const response = await submitForm(device, "/auth/two-factor", { code: codeAt(secret) });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(EXPIRED);
    expect(device.cookies.has(ACCESS)).toBe(false);
    expect(await liveSessions(email)).toBe(before);
  });
});

describe("one-time codes across the page and the JSON API", () => {
  it("refuses a TOTP code used on the page when replayed at POST /auth/reauthenticate and the step-up page", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const code = codeAt(secret);
    expect((await submitForm(device, "/auth/two-factor", { code })).status).toBe(303);
    expect(await errorOf(await device.request("/auth/reauthenticate", { json: { totp: code } }))).toEqual([
      401,
      "invalid_credentials",
    ]);
    const page = await submitForm(device, "/auth/reauthenticate/confirm", { code });
    expect(page.status).toBe(401);
  });

  it("spends a recovery code once: the step-up page refuses the one the sign-in used", async () => {
    const { email, recoveryCodes } = await totpUser();
    const device = await atSecondStep(email);
    const recovery = recoveryCodes[0] ?? "";
    expect((await submitForm(device, "/auth/two-factor", { recovery_code: recovery })).status).toBe(303);
    await ageAccessCookie(device);
    const authTime = claimsOf(device.cookies.get(ACCESS) ?? "").auth_time;
    const again = await submitForm(device, "/auth/reauthenticate/confirm", { recovery_code: recovery });
    expect(again.status).toBe(401);
    expect((await readPage(again)).fieldErrors.recovery_code).toBeTruthy();
    expect(claimsOf(device.cookies.get(ACCESS) ?? "").auth_time).toBe(authTime);
    expect(await unusedRecoveryCodes(email)).toBe(recoveryCodes.length - 1);
  });
});

describe("step-up", () => {
  it("never lets the password alone step up an account with TOTP, even with a factor field beside it", async () => {
    const { owner, secret } = await totpUser();
    await ageAccessCookie(owner, ["pwd"]);
    const authTime = claimsOf(owner.cookies.get(ACCESS) ?? "").auth_time;
    const proofs: Record<string, string>[] = [
      { password: STRONG_PASSWORD },
      { password: STRONG_PASSWORD, code: codeAt(secret) },
    ];
    for (const fields of proofs) {
      const response = await submitForm(owner, "/auth/reauthenticate/confirm", {
        ...fields,
        return_to: "/auth/account/email",
      });
      expect(response.status).toBe(400);
    }
    expect(claimsOf(owner.cookies.get(ACCESS) ?? "").auth_time).toBe(authTime);
    const email = await owner.request("/auth/account/email");
    expect(email.status).toBe(302);
    expect(email.headers.get("location")).toContain("/auth/reauthenticate");
  });
});

const PAYLOADS = [
  "//evil.example/x",
  "/\\evil.example",
  "\\/evil.example",
  "/%2F/evil.example",
  "/%5Cevil.example",
  "%2F%2Fevil.example",
  "/./evil/..//evil.example",
  "/.//evil.example",
  "/%2e%2e//evil.example",
  "/x\r\nLocation: https://evil.example",
  "/x%0d%0aSet-Cookie:%20a=b",
  "https://evil.example",
  "javascript:alert(1)",
  "/\tevil.example",
];

const safe = (location: string | null) =>
  Boolean(location?.startsWith("/") && !location.startsWith("//") && !/[\\\r\n]/.test(location));

describe("return_to through the step-up and second-factor pages", () => {
  it("never redirects off-site after a successful step-up", async () => {
    const client = await signUpBrowser(ctx);
    for (const returnTo of PAYLOADS) {
      await ageAccessCookie(client);
      const response = await submitForm(client, "/auth/reauthenticate/confirm", {
        password: STRONG_PASSWORD,
        return_to: returnTo,
      });
      expect(response.status, returnTo).toBe(303);
      expect(safe(response.headers.get("location")), `${returnTo} -> ${response.headers.get("location")}`).toBe(true);
    }
  });

  it("never redirects off-site after the second step, nor from the sign-in redirect to it", async () => {
    const { email, recoveryCodes } = await totpUser();
    for (const [index, returnTo] of PAYLOADS.slice(0, recoveryCodes.length).entries()) {
      const device = ctx.client();
      const first = await submitForm(device, "/auth/sign-in", {
        email,
        password: STRONG_PASSWORD,
        return_to: returnTo,
      });
      expect(first.headers.get("location")).toBe("/auth/two-factor?return_to=%2F");
      const response = await submitForm(device, "/auth/two-factor", {
        recovery_code: recoveryCodes[index] ?? "",
        return_to: returnTo,
      });
      expect(response.status, returnTo).toBe(303);
      expect(response.headers.get("location"), returnTo).toBe("/");
    }
  });
});

describe("the passkey options routes", () => {
  it("refuse a cross-site request carrying the session or challenge cookie, storing no challenge", async () => {
    const { email, owner } = await totpUser();
    await registerPasskey(owner);
    const device = await atSecondStep(email);
    const count = async () =>
      (await ctx.sql<{ n: number }>("SELECT count(*)::int AS n FROM webauthn_challenges"))[0]?.n;
    const before = await count();
    const requests: [TestClient, string][] = [
      [device, "/auth/two-factor/passkey/options"],
      [owner, "/auth/reauthenticate/confirm/passkey/options"],
      [owner, "/auth/sign-in/passkey/options"],
    ];
    for (const [client, path] of requests) {
      for (const headers of [{ "content-type": "application/json" }, { "content-type": "text/plain" }]) {
        const response = await client.request(path, {
          method: "POST",
          body: "{}",
          headers,
          origin: "https://evil.example",
        });
        // pageSecurity refuses it before the route (a 403 page, not the route's JSON): refused all the same.
        expect(response.status, path).toBe(403);
      }
      const noOrigin = await client.request(path, {
        method: "POST",
        body: "{}",
        origin: null,
        headers: { "sec-fetch-site": "cross-site" },
      });
      expect(noOrigin.status, path).toBe(403);
    }
    expect(await count()).toBe(before);
  });
});

describe("partial success resets nothing", () => {
  it("keeps the second step throttled after a new, right password on the sign-in page", async () => {
    const { email, secret } = await totpUser();
    const device = await atSecondStep(email);
    const wrong = String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, "0");
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) {
      status = (await submitForm(device, "/auth/two-factor", { code: wrong })).status;
      expect([401, 429]).toContain(status);
    }
    expect(status).toBe(429);
    const again = await submitForm(device, "/auth/sign-in", { email, password: STRONG_PASSWORD });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/auth/two-factor?return_to=%2F");
    const right = await submitForm(device, "/auth/two-factor", { code: codeAt(secret) });
    expect(right.status).toBe(429);
    expect(device.cookies.has(ACCESS)).toBe(false);
  });
});
