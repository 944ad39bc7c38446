// GET /auth/account/export: everything we hold about the user as a JSON attachment, and not one secret.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import { signInWithTotp, tenantWith } from "../../../test/helpers/lifecycle.ts";
import { errorOf, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Export = {
  profile: { id: string };
  email: { address: string; verifiedAt: string | null };
  identities: Array<{ providerId: string; subject: string; profile: Record<string, unknown> }>;
  passkeys: Array<{ name: string; backupEligible: boolean }>;
  totp: { enabled: boolean };
  recoveryCodes: { left: number };
  sessions: Array<{ userAgent: string | null; amr: string[]; revokedAt: string | null }>;
  memberships: Array<{ tenant: string; roles: string[] }>;
  platformRoles: Array<{ role: string }>;
  invitations: { sent: unknown[]; received: Array<{ tenant: string; roles: string[] }> };
  auditEvents: { total: number; events: Array<{ action: string }> };
};

/** Every string leaf of a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Every secret, hash and IP hash stored for the user (and their sessions, codes and identities). */
async function secretsOf(userId: string): Promise<string[]> {
  const rows = await ctx.sql<{ value: string | null }>(
    `SELECT password_hash AS value FROM accounts WHERE user_id = $1
     UNION ALL SELECT token_hash FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)
     UNION ALL SELECT ip_hash FROM sessions WHERE user_id = $1
     UNION ALL SELECT ip_hash FROM audit_events WHERE user_id = $1
     UNION ALL SELECT token_hash FROM verification_codes WHERE user_id = $1
     UNION ALL SELECT code_hash FROM verification_codes WHERE user_id = $1
     UNION ALL SELECT code_hash FROM recovery_codes WHERE user_id = $1
     UNION ALL SELECT secret_ciphertext FROM totp_credentials WHERE user_id = $1
     UNION ALL SELECT token_hash FROM mfa_challenges WHERE user_id = $1
     UNION ALL SELECT encode(public_key, 'base64') FROM passkeys WHERE user_id = $1
     UNION ALL SELECT encode(public_key, 'hex') FROM passkeys WHERE user_id = $1
     UNION ALL SELECT access_token_ciphertext FROM provider_tokens WHERE identity_id IN (SELECT id FROM external_identities WHERE user_id = $1)
     UNION ALL SELECT refresh_token_ciphertext FROM provider_tokens WHERE identity_id IN (SELECT id FROM external_identities WHERE user_id = $1)
     UNION ALL SELECT token_hash FROM invitations WHERE email = (SELECT email FROM users WHERE id = $1)`,
    [userId],
  );
  return rows.map((row) => row.value).filter((value): value is string => typeof value === "string" && value !== "");
}

describe("GET /auth/account/export", () => {
  it("hands over profile, methods, sessions, memberships, roles, invitations and audit events as an attachment", async () => {
    const user = await signInWithTotp(ctx);
    await registerPasskey(user.client, "Work laptop");
    const slug = await tenantWith(ctx, [{ id: user.id, role: "STAFF" }]);
    const inviting = await tenantWith(ctx, []);
    await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, 'PLATFORM_ADMIN')", [user.id]);
    await ctx.sql(
      `WITH i AS (INSERT INTO invitations (id, tenant_id, email, token_hash, expires_at)
        SELECT gen_random_uuid(), id, $1, 'invitation-hash-' || gen_random_uuid(), now() + interval '1 day' FROM tenants WHERE slug = $2 RETURNING id)
       INSERT INTO invitation_roles (invitation_id, role_key) SELECT id, 'CUSTOMER' FROM i`,
      [user.email, inviting],
    );
    const [identity] = await ctx.sql<{ id: string }>(
      `INSERT INTO external_identities (id, user_id, provider_id, provider_type, issuer, subject, email, email_verified, profile)
       VALUES (gen_random_uuid(), $1, 'oidc', 'oidc', 'https://op.example', 'sub-123', $2, true, '{"name":"Ada"}') RETURNING id`,
      [user.id, user.email],
    );
    await ctx.sql(
      `INSERT INTO provider_tokens (identity_id, access_token_ciphertext, refresh_token_ciphertext, key_version)
       VALUES ($1, 'sealed-access-token-ciphertext', 'sealed-refresh-token-ciphertext', 1)`,
      [identity?.id],
    );

    const response = await user.client.request("/auth/account/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="portcullis-account-.+\.json"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    const data = JSON.parse(text) as Export;
    expect(data.profile.id).toBe(user.id);
    expect(data.email.address).toBe(user.email);
    expect(data.identities).toEqual([
      expect.objectContaining({ providerId: "oidc", subject: "sub-123", profile: { name: "Ada" } }),
    ]);
    expect(data.passkeys).toEqual([expect.objectContaining({ name: "Work laptop" })]);
    expect(data.totp.enabled).toBe(true);
    expect(data.recoveryCodes.left).toBeGreaterThan(0);
    expect(data.sessions.length).toBeGreaterThanOrEqual(2);
    expect(data.sessions.some((s) => s.amr.includes("mfa") && s.revokedAt === null)).toBe(true);
    expect(data.memberships).toEqual([expect.objectContaining({ tenant: slug, roles: ["STAFF"] })]);
    expect(data.platformRoles).toEqual([expect.objectContaining({ role: "PLATFORM_ADMIN" })]);
    expect(data.invitations.received).toEqual([expect.objectContaining({ tenant: inviting, roles: ["CUSTOMER"] })]);
    const actions = data.auditEvents.events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.signed_up", "mfa.totp_enabled", "passkey.registered"]));

    const secrets = await secretsOf(user.id);
    expect(secrets.length).toBeGreaterThan(8);
    const values = new Set(stringsIn(data));
    for (const secret of secrets) {
      expect(values.has(secret)).toBe(false);
      expect(text.includes(secret)).toBe(false);
    }
    expect(text).not.toMatch(/password_?hash|token_?hash|code_?hash|ciphertext|ip_?hash|public_?key/i);
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'account.exported'", [user.id])).toBe(1);
  });

  it("needs a session and a recent sign-in, and writes nothing without them", async () => {
    expect(await errorOf(await ctx.client().request("/auth/account/export"))).toEqual([401, "unauthenticated"]);
    const browser = await signUpBrowser(ctx);
    await ageAccessCookie(browser);
    const before = await ctx.snapshot();
    const stale = await browser.request("/auth/account/export");
    expect(await errorOf(stale)).toEqual([401, "reauthentication_required"]);
    expect(stale.headers.get("content-disposition")).toBeNull();
    expect(await ctx.snapshot()).toEqual(before);
  });
});
