// A credential change ends every session, including one created at the same moment (issue 10, M5):
// a credential epoch moves with the new hash, session start requires the epoch read with the
// password, and refresh refuses a session from an older epoch.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, signUpApi } from "../../../test/helpers/auth.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { errorOf } from "../../../test/helpers/second-factors.ts";
import { NO_CLIENT, withServiceDeps } from "../../../test/helpers/services.ts";
import { disableUser } from "../account/service.ts";
import { startSession } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const NEW_PASSWORD = "a changed passphrase for the epoch";

const refresh = (refreshToken: string) =>
  ctx.client().request("/auth/refresh", { json: { refreshToken }, origin: null });

const loginApi = async (email: string, password = STRONG_PASSWORD) => {
  const response = await ctx
    .client()
    .request("/auth/login", { json: { email, password, client: "api" }, origin: null });
  expect(response.status).toBe(200);
  return ((await response.json()) as { session: { id: string; accessToken: string; refreshToken: string } }).session;
};

/** What a sign-in reads with the password hash: the user's id and credential epoch. */
async function readUser(email: string) {
  const [user] = await ctx.sql<{ id: string; epoch: number }>(
    "SELECT id, credential_epoch AS epoch FROM users WHERE email = $1",
    [email],
  );
  return { id: user?.id ?? "", epoch: user?.epoch ?? -1 };
}

/** A sign-in's session start, with the epoch it read before whatever happened since. */
const startWithEpoch = (user: { id: string; epoch: number }, email: string) =>
  withServiceDeps(ctx, (deps) =>
    startSession(deps, {
      userId: user.id,
      email,
      emailVerified: false,
      amr: ["pwd"],
      client: NO_CLIENT,
      credentialEpoch: user.epoch,
    }),
  );

/** Sessions of the user that are not revoked and whose epoch is the user's: the ones that still work. */
const liveSessions = (userId: string) =>
  ctx.sql(
    "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.id = $1 AND s.revoked_at IS NULL AND s.credential_epoch = u.credential_epoch",
    [userId],
  );

async function resetPasswordOf(email: string) {
  expect((await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null })).status).toBe(202);
  const token = tokenIn(
    (await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null,
  );
  const reset = await ctx
    .client()
    .request("/auth/password/reset", { json: { token, password: NEW_PASSWORD }, origin: null });
  expect(reset.status).toBe(200);
}

describe("M5: credential epoch", () => {
  it("M5: a sign-in that read the old password before a reset gets no session, and none survives", async () => {
    const first = await signUpApi(ctx);
    const seen = await readUser(first.email);
    // One sign-in with the old password inserts its session before the reset commits…
    const early = await startWithEpoch(seen, first.email);
    expect(early).not.toBeNull();
    await resetPasswordOf(first.email);
    // …another, which read the same hash and epoch, inserts only now: refused.
    expect(await startWithEpoch(seen, first.email)).toBeNull();
    expect(await ctx.sql("SELECT 1 FROM sessions WHERE user_id = $1", [seen.id])).toHaveLength(2);
    // Had the early one been inserted after the reset listed the sessions, its epoch still ends it.
    await ctx.sql("UPDATE sessions SET revoked_at = NULL, revoke_reason = NULL WHERE id = $1", [early?.sessionId]);
    expect(await errorOf(await refresh(early?.refreshToken ?? ""))).toEqual([401, "invalid_refresh_token"]);
    expect(await errorOf(await refresh(first.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect(await liveSessions(seen.id)).toHaveLength(0);
    expect((await readUser(first.email)).epoch).toBe(seen.epoch + 1);
    // The new password signs in as usual.
    expect((await refresh((await loginApi(first.email, NEW_PASSWORD)).refreshToken)).status).toBe(200);
  });

  it("M5: after a password change, a session that missed its revocation is refused; the changing one lives on", async () => {
    const changer = await signUpApi(ctx);
    const other = await loginApi(changer.email);
    const change = await ctx.client().request("/auth/password/change", {
      json: { current: STRONG_PASSWORD, new: NEW_PASSWORD },
      bearer: changer.accessToken,
      origin: null,
    });
    expect(change.status).toBe(200);
    await ctx.sql("UPDATE sessions SET revoked_at = NULL, revoke_reason = NULL WHERE id = $1", [other.id]);
    expect(await errorOf(await refresh(other.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect((await refresh(changer.refreshToken)).status).toBe(200);
    const user = await readUser(changer.email);
    expect((await liveSessions(user.id)).map((row) => row.id)).toEqual([changer.id]);
    expect(await startWithEpoch({ ...user, epoch: user.epoch - 1 }, changer.email)).toBeNull();
  });

  it("M5: disabling a user moves the epoch: a session started with the epoch read before is refused", async () => {
    const { email } = await signUpApi(ctx);
    const seen = await readUser(email);
    await withServiceDeps(ctx, (deps) => disableUser(deps, { userId: seen.id, reason: "test", client: NO_CLIENT }));
    expect(await startWithEpoch(seen, email)).toBeNull();
    // Enabled again, the user's old sessions stay ended.
    await ctx.sql("UPDATE users SET status = 'ACTIVE' WHERE id = $1", [seen.id]);
    await ctx.sql("UPDATE sessions SET revoked_at = NULL, revoke_reason = NULL WHERE user_id = $1", [seen.id]);
    expect(await liveSessions(seen.id)).toHaveLength(0);
    expect(await startWithEpoch(seen, email)).toBeNull();
  });

  it("R8b: of racing password changes exactly one succeeds, and its password is the one that works", async () => {
    const first = await signUpApi(ctx);
    const other = await loginApi(first.email);
    const change = (bearer: string, next: string) =>
      ctx
        .client()
        .request("/auth/password/change", { json: { current: STRONG_PASSWORD, new: next }, bearer, origin: null });
    const passwords = Array.from({ length: 7 }, (_, i) => `racing passphrase number ${i}`);
    const answers = await Promise.all(
      passwords.map((next, i) => change(i % 2 === 0 ? first.accessToken : other.accessToken, next)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const losers = await Promise.all(answers.filter((r) => r.status !== 200).map(errorOf));
    expect(losers).toEqual(Array(6).fill([401, "invalid_credentials"]));
    const winner = passwords[statuses.indexOf(200)] ?? "";
    const user = await readUser(first.email);
    // One change, one epoch step, one success audited; only the winner's session lives on.
    expect(user.epoch).toBe(1);
    const [audited] = await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'password.changed' AND success AND user_id = $1",
      [user.id],
    );
    expect(audited?.n).toBe(1);
    expect(await liveSessions(user.id)).toHaveLength(1);
    expect((await loginApi(first.email, winner)).accessToken).toBeTruthy();
    expect(
      (
        await ctx.client().request("/auth/login", {
          json: { email: first.email, password: STRONG_PASSWORD, client: "api" },
          origin: null,
        })
      ).status,
    ).toBe(401);
  });
});
