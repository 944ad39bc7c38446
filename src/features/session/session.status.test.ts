// A disabled user gets no session (issue 10, L2): every path that creates or extends one checks the
// user's status — the MFA step, session start (passkey, password, signup), refresh and reauthenticate.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { codeAt, enrollTotp, errorOf, passwordStep } from "../../../test/helpers/second-factors.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import { startSession } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** Disables the user in the database only, as a disable does before it revokes anything. */
async function disableRow(email: string): Promise<{ id: string; epoch: number }> {
  const [user] = await ctx.sql<{ id: string; epoch: number }>(
    "UPDATE users SET status = 'DISABLED' WHERE email = $1 RETURNING id, credential_epoch AS epoch",
    [email],
  );
  return { id: user?.id ?? "", epoch: user?.epoch ?? -1 };
}

const sessionRows = (userId: string) =>
  ctx.sql<{ id: string; auth_time: Date }>("SELECT id, auth_time FROM sessions WHERE user_id = $1 ORDER BY id", [
    userId,
  ]);

describe("L2: a disabled user gets no session", () => {
  it("L2: a user disabled after the password step gets no session from the MFA step", async () => {
    const email = uniqueEmail("l2-mfa");
    const { secret } = await enrollTotp(await signUpBrowser(ctx, email));
    const device = ctx.client();
    const step = await passwordStep(device, email);
    expect(step.status).toBe("mfa_required");
    const user = await disableRow(email);
    const before = await sessionRows(user.id);
    const answer = await device.request("/auth/mfa/verify", {
      json: { challenge: step.challenge, totp: codeAt(secret, 0) },
    });
    expect(await errorOf(answer)).toEqual([403, "account_disabled"]);
    expect(device.cookies.size).toBe(0);
    expect(await sessionRows(user.id)).toEqual(before);
  });

  it("L2: a disabled user's refresh token is refused", async () => {
    const session = await signUpApi(ctx);
    const user = await disableRow(session.email);
    const tokensBefore = await ctx.sql("SELECT id, used_at FROM refresh_tokens ORDER BY id");
    const refresh = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: session.refreshToken }, origin: null });
    expect(await errorOf(refresh)).toEqual([401, "invalid_refresh_token"]);
    expect(await ctx.sql("SELECT id, used_at FROM refresh_tokens ORDER BY id")).toEqual(tokensBefore);
    // Not mistaken for a replay: the session is not revoked as reused.
    expect(
      await ctx.sql("SELECT 1 FROM sessions WHERE user_id = $1 AND revoke_reason = 'refresh_token_reused'", [user.id]),
    ).toHaveLength(0);
  });

  it("L2: session start refuses a disabled user, whichever path checked the credential (passkey, password)", async () => {
    const { email } = await signUpApi(ctx);
    const user = await disableRow(email);
    const before = await sessionRows(user.id);
    const started = await withServiceDeps(ctx, (deps) =>
      startSession(deps, {
        userId: user.id,
        email,
        emailVerified: false,
        amr: ["hwk", "user", "mfa"],
        client: NO_CLIENT,
        credentialEpoch: user.epoch,
      }),
    );
    expect(started).toBeNull();
    expect(await sessionRows(user.id)).toEqual(before);
  });

  it("L2: reauthenticate does not refresh a disabled user's session", async () => {
    const email = uniqueEmail("l2-reauth");
    const client = await signUpBrowser(ctx, email);
    const user = await disableRow(email);
    const before = await sessionRows(user.id);
    const answer = await client.request("/auth/reauthenticate", { json: { password: STRONG_PASSWORD } });
    expect(await errorOf(answer)).toEqual([401, "unauthenticated"]);
    expect(await sessionRows(user.id)).toEqual(before);
  });
});
