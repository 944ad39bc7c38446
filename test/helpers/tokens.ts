// Access tokens signed with the test run's real keys, for cases a live sign-in cannot produce
// (an old auth_time, chosen amr).
import { type AccessTokenClaims, signAccessToken } from "../../src/crypto/access-token.ts";
import { loadSigningKeys, signingKeySetSchema } from "../../src/crypto/signing-keys.ts";
import type { TestClient } from "./client.ts";
import { testEnv } from "./env.ts";

/** The claims of a token we issued (no verification: tests read their own tokens). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(atob(token.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? "")) as Record<string, unknown>;
}

/** A valid access token for the same user and session as `token`, with the given changes. */
export async function resignAccessToken(
  token: string,
  changes: Partial<Pick<AccessTokenClaims, "amr" | "authTime" | "roles" | "membershipEpoch">>,
): Promise<string> {
  const claims = claimsOf(token);
  const now = Math.floor(Date.now() / 1000);
  return signAccessToken(
    await loadSigningKeys(signingKeySetSchema.parse(JSON.parse(testEnv.SIGNING_KEYS))),
    {
      sub: String(claims.sub),
      sid: String(claims.sid),
      email: String(claims.email),
      emailVerified: claims.email_verified === true,
      amr: changes.amr ?? (claims.amr as string[]),
      authTime: changes.authTime ?? Number(claims.auth_time),
      roles: changes.roles ?? (claims.roles as string[]),
      ...(typeof claims.tenant === "string" ? { tenant: claims.tenant, tenantSlug: String(claims.tenant_slug) } : {}),
      membershipEpoch: changes.membershipEpoch ?? Number(claims.mep ?? 0),
      ...(claims.mfa_enroll === true ? { mfaEnrollmentRequired: true } : {}),
    },
    { issuer: testEnv.ISSUER, audience: testEnv.ISSUER, nowSeconds: now, ttlSeconds: 300 },
  );
}

/** Ages a browser's access cookie: same session, auth_time an hour ago (and `amr` when given). */
export async function ageAccessCookie(client: TestClient, amr?: string[]): Promise<void> {
  const token = client.cookies.get("__Host-portcullis_at") ?? "";
  const authTime = Math.floor(Date.now() / 1000) - 3600;
  client.cookies.set("__Host-portcullis_at", await resignAccessToken(token, { authTime, ...(amr ? { amr } : {}) }));
}
