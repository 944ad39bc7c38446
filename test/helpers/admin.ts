// A platform admin for flow tests: signed up, TOTP enrolled, PLATFORM_ADMIN granted with SQL (set-up
// only), then signed in again with the password and a TOTP code, so the session proved "mfa".
import { expect } from "vitest";
import { type AuthTestContext, signUpBrowser, uniqueEmail, userIdOf } from "./auth.ts";
import type { TestClient } from "./client.ts";
import { codeAt, enrollTotp, passwordStep } from "./second-factors.ts";

export const ACCESS_COOKIE = "__Host-portcullis_at";

/** A user signed in with password + TOTP (a platform admin when set up as one). */
export type PlatformAdmin = {
  email: string;
  userId: string;
  /** Signed in with pwd + otp (amr includes "mfa"), cookies in its jar. */
  client: TestClient;
  /** The session's access token, for Bearer calls. */
  accessToken: string;
  secret: Uint8Array;
};

/** Grants a platform role straight in the database (set-up only; the API under test does it otherwise). */
export async function grantPlatformRoleWithSql(ctx: AuthTestContext, userId: string, role = "PLATFORM_ADMIN") {
  await ctx.sql("INSERT INTO platform_role_grants (user_id, role_key) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
    userId,
    role,
  ]);
}

/** A new user with TOTP (PLATFORM_ADMIN granted first when `platformAdmin`), signed in again with password + code. */
export async function signedInWithTotp(
  ctx: AuthTestContext,
  email = uniqueEmail("mfa"),
  options: { platformAdmin?: boolean } = {},
): Promise<PlatformAdmin> {
  const setup = await signUpBrowser(ctx, email);
  const { secret } = await enrollTotp(setup);
  const userId = await userIdOf(ctx, email);
  if (options.platformAdmin) await grantPlatformRoleWithSql(ctx, userId);
  const client = ctx.client();
  const step = await passwordStep(client, email);
  expect(step.status).toBe("mfa_required");
  // enrollTotp confirmed with the previous step's code, so the current step is still unused.
  const verify = await client.request("/auth/mfa/verify", {
    json: { challenge: step.challenge, totp: codeAt(secret, 0) },
  });
  expect(verify.status).toBe(200);
  const accessToken = client.cookies.get(ACCESS_COOKIE);
  if (!accessToken) throw new Error("the sign-in set no access cookie");
  return { email, userId, client, accessToken, secret };
}

/** A new platform admin signed in with password + TOTP. */
export const signedInPlatformAdmin = (ctx: AuthTestContext, label = "admin"): Promise<PlatformAdmin> =>
  signedInWithTotp(ctx, uniqueEmail(label), { platformAdmin: true });
