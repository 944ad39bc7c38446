// Soft delete by the user: step-up and confirmation first, then sessions dead at the edge at once and
// every sign-in refused exactly like a wrong password; the last owner of a tenant is refused.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiSession,
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { lastMail, signInWithTotp, tenantWith } from "../../../test/helpers/lifecycle.ts";
import { errorOf, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const CONFIRM = { confirm: "DELETE" };
const deleteAccount = (client: TestClient, json: unknown = CONFIRM) => client.request("/auth/account/delete", { json });
const login = (email: string, password = STRONG_PASSWORD) =>
  ctx.client().request("/auth/login", { json: { email, password, client: "api" }, origin: null });

async function apiSession(email: string): Promise<ApiSession> {
  const response = await login(email);
  expect(response.status).toBe(200);
  return ((await response.json()) as { session: ApiSession }).session;
}

describe("POST /auth/account/delete", () => {
  it("deletes the account: sessions end at the edge at once, deleted_at set, audited, and a mail says how to cancel", async () => {
    const email = uniqueEmail("leaving");
    const browser = await signUpBrowser(ctx, email);
    const other = await apiSession(email);
    expect((await ctx.client().request("/auth/session", { bearer: other.accessToken })).status).toBe(200);

    const response = await deleteAccount(browser);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; scrubOn: string };
    expect(body.status).toBe("deleted");
    const days = (Date.parse(body.scrubOn) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const id = await userIdOf(ctx, email);
    const [row] = await ctx.sql<{ status: string; deleted_at: Date | null }>(
      "SELECT status::text AS status, deleted_at FROM users WHERE id = $1",
      [id],
    );
    expect(row?.status).toBe("DELETED");
    expect(row?.deleted_at).not.toBeNull();
    expect(await ctx.count("sessions", "user_id = $1 AND revoked_at IS NULL", [id])).toBe(0);
    // The other device's access token stops at the next request, not when it expires.
    expect(await errorOf(await ctx.client().request("/auth/session", { bearer: other.accessToken }))).toEqual([
      401,
      "unauthenticated",
    ]);
    expect((await browser.request("/auth/session")).status).toBe(401);
    const refresh = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: other.refreshToken }, origin: null });
    expect(refresh.status).toBe(401);
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'user.deleted' AND success", [id])).toBe(1);
    const mail = await lastMail(ctx, email, "account_deletion");
    expect(mail?.text).toContain(body.scrubOn.slice(0, 10));
    expect(mail?.text).toContain("/auth/forgot-password");
  });

  it("refuses a deleted account's right password exactly like a wrong password or an unknown address", async () => {
    const email = uniqueEmail("gone");
    const browser = await signUpBrowser(ctx, email);
    expect((await deleteAccount(browser)).status).toBe(200);
    const sessionsBefore = await ctx.count("sessions");
    const right = await login(email);
    const wrong = await login(email, "not the password at all 99");
    const unknown = await login(uniqueEmail("nobody"));
    expect([right.status, wrong.status, unknown.status]).toEqual([401, 401, 401]);
    const [a, b, c] = [await right.text(), await wrong.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(a).toBe(c);
    expect((JSON.parse(a) as ErrorBody).error.code).toBe("invalid_credentials");
    expect(await ctx.count("sessions")).toBe(sessionsBefore);
    // Counted as a failure like any wrong password, not as a success that would end a run of guesses.
    expect(
      await ctx.count("audit_events", "user_id = $1 AND action = 'login.failed'", [await userIdOf(ctx, email)]),
    ).toBe(2);
  });

  it("refuses a deleted account's passkey like an unknown one", async () => {
    const browser = await signUpBrowser(ctx);
    const { authenticator } = await registerPasskey(browser);
    expect((await deleteAccount(browser)).status).toBe(200);
    const device = ctx.client();
    const options = await (await device.request("/auth/passkeys/login/options", { method: "POST" })).json();
    const assertion = await authenticator.authenticate(options as never);
    const response = await device.request("/auth/passkeys/login", { json: { response: assertion } });
    expect(await errorOf(response)).toEqual([400, "passkey_rejected"]);
    expect(device.cookies.size).toBe(0);
  });

  it("needs a session, a recent sign-in, the second factor when TOTP is on, and the confirmation word", async () => {
    expect(await errorOf(await deleteAccount(ctx.client()))).toEqual([401, "unauthenticated"]);

    const stale = await signUpBrowser(ctx);
    await ageAccessCookie(stale);
    expect(await errorOf(await deleteAccount(stale))).toEqual([401, "reauthentication_required"]);

    const withTotp = await signInWithTotp(ctx);
    // The same session, but an access token that never proved the second factor.
    await ageAccessCookie(withTotp.client, ["pwd"]);
    const token = withTotp.client.cookies.get("__Host-portcullis_at") ?? "";
    withTotp.client.cookies.set(
      "__Host-portcullis_at",
      await resignAccessToken(token, { authTime: Math.floor(Date.now() / 1000) }),
    );
    expect(await errorOf(await deleteAccount(withTotp.client))).toEqual([401, "second_factor_required"]);

    const browser = await signUpBrowser(ctx);
    expect(await errorOf(await deleteAccount(browser, { confirm: "yes" }))).toEqual([400, "confirmation_required"]);
    expect(await errorOf(await deleteAccount(browser, {}))).toEqual([400, "invalid_request"]);
    expect(await errorOf(await deleteAccount(browser, { confirm: "DELETE", extra: 1 }))).toEqual([
      400,
      "invalid_request",
    ]);
    const malformed = await browser.request("/auth/account/delete", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(await errorOf(malformed)).toEqual([400, "invalid_json"]);
    const crossSite = await browser.request("/auth/account/delete", { json: CONFIRM, origin: "https://evil.example" });
    expect(await errorOf(crossSite)).toEqual([403, "csrf_rejected"]);
    expect(await ctx.count("users", "status = 'DELETED' AND id = $1", [withTotp.id])).toBe(0);
    expect((await browser.request("/auth/session")).status).toBe(200);
  });

  it("deletes a TOTP user whose session proved the second factor", async () => {
    const user = await signInWithTotp(ctx);
    expect((await deleteAccount(user.client)).status).toBe(200);
    expect(await ctx.count("users", "id = $1 AND status = 'DELETED'", [user.id])).toBe(1);
  });

  it("refuses the last owner of a tenant with 409 naming it, and deletes once another owner exists", async () => {
    const email = uniqueEmail("owner");
    const browser = await signUpBrowser(ctx, email);
    const id = await userIdOf(ctx, email);
    const slug = await tenantWith(ctx, [{ id, role: "OWNER" }]);
    const before = await ctx.snapshot();
    const refused = await deleteAccount(browser);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe("last_owner");
    expect(body.error.message).toContain(slug);
    expect(await ctx.snapshot()).toEqual(before);
    expect((await browser.request("/auth/session")).status).toBe(200);

    const partnerEmail = uniqueEmail("partner");
    const partner = await signUpBrowser(ctx, partnerEmail);
    const partnerId = await userIdOf(ctx, partnerEmail);
    const [tenant] = await ctx.sql<{ id: string }>("SELECT id FROM tenants WHERE slug = $1", [slug]);
    await ctx.sql(
      `WITH m AS (INSERT INTO memberships (id, tenant_id, user_id, updated_at) VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id)
       INSERT INTO membership_roles (membership_id, role_key) SELECT id, 'OWNER' FROM m`,
      [tenant?.id, partnerId],
    );
    expect((await deleteAccount(browser)).status).toBe(200);
    // Memberships stay until the scrub; the partner is now the last owner.
    expect(await ctx.count("memberships", "user_id = $1", [id])).toBe(1);
    expect(await errorOf(await deleteAccount(partner))).toEqual([409, "last_owner"]);
  });
});
