// A passkey where a fresh proof is asked for: step-up (POST /auth/reauthenticate) and a password
// reset when two-step sign-in is on.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import {
  codeAt,
  enrollTotp,
  errorOf,
  json,
  passwordStep,
  registerPasskey,
  twoStepUser,
} from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("step-up with a passkey", () => {
  it("refreshes auth_time, adds hwk+user to amr, and refuses the same assertion twice", async () => {
    const client = await signUpBrowser(ctx);
    const { authenticator } = await registerPasskey(client);
    await ageAccessCookie(client);
    const gated = await client.request("/auth/email/change/request", { json: { email: uniqueEmail() } });
    expect(await errorOf(gated)).toEqual([401, "reauthentication_required"]);

    const options = await json<{ allowCredentials: Array<{ id: string }> }>(
      await client.request("/auth/reauthenticate/passkey/options", { method: "POST" }),
    );
    expect(options.allowCredentials.map((credential) => credential.id)).toEqual([authenticator.credentialId()]);
    const passkey = await authenticator.authenticate(options as never);
    expect((await client.request("/auth/reauthenticate", { json: { passkey } })).status).toBe(200);
    expect((await client.request("/auth/email/change/request", { json: { email: uniqueEmail() } })).status).toBe(202);
    const session = await json<{ session: { amr: string[] } }>(await client.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "hwk", "user", "mfa"]);

    expect(await errorOf(await client.request("/auth/reauthenticate", { json: { passkey } }))).toEqual([
      400,
      "passkey_rejected",
    ]);
  });

  it("answers 409 without a passkey, 401 without a session, and 400 for a malformed assertion", async () => {
    const client = await signUpBrowser(ctx);
    expect(await errorOf(await client.request("/auth/reauthenticate/passkey/options", { method: "POST" }))).toEqual([
      409,
      "no_passkey",
    ]);
    expect(
      await errorOf(await ctx.client().request("/auth/reauthenticate/passkey/options", { method: "POST" })),
    ).toEqual([401, "unauthenticated"]);
    const before = await ctx.snapshot();
    for (const body of [{ passkey: "x" }, { passkey: { id: "a", rawId: "a", type: "public-key" } }]) {
      expect(await errorOf(await client.request("/auth/reauthenticate", { json: body }))).toEqual([
        400,
        "invalid_request",
      ]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("password reset confirmed with a passkey", () => {
  const NEW_PASSWORD = "a brand new passphrase 9";

  async function resetToken(email: string): Promise<string> {
    await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    return tokenIn((await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null);
  }

  const passwordHashOf = async (email: string) =>
    (
      await ctx.sql<{ password_hash: string }>(
        "SELECT a.password_hash FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
        [email],
      )
    )[0]?.password_hash;

  it("accepts the user's passkey instead of a code, and audits the method", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const token = await resetToken(email);
    const browser = ctx.client();
    const options = await json<object>(
      await browser.request("/auth/password/reset/passkey/options", { json: { token }, origin: null }),
    );
    const passkey = await authenticator.authenticate(options as never);
    const reset = await browser.request("/auth/password/reset", {
      json: { token, password: NEW_PASSWORD, passkey },
      origin: null,
    });
    expect(reset.status).toBe(200);
    const [audit] = await ctx.sql<{ method: string }>(
      "SELECT e.metadata->>'method' AS method FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'password.reset_second_factor'",
      [email],
    );
    expect(audit?.method).toBe("passkey");
    expect((await passwordStep(ctx.client(), email, NEW_PASSWORD)).status).toBe("mfa_required");
  });

  it("refuses another client's or another user's passkey and two factors at once, and changes nothing", async () => {
    const { email, authenticator, secret } = await twoStepUser(ctx);
    const stranger = await registerPasskey(await signUpBrowser(ctx));
    const token = await resetToken(email);
    const hashBefore = await passwordHashOf(email);
    const browser = ctx.client();
    const optionsFor = async (device: TestClient) =>
      json<object>(await device.request("/auth/password/reset/passkey/options", { json: { token }, origin: null }));
    const attempt = (device: TestClient, body: Record<string, unknown>) =>
      device.request("/auth/password/reset", { json: { token, password: NEW_PASSWORD, ...body }, origin: null });

    const elsewhere = await authenticator.authenticate((await optionsFor(ctx.client())) as never);
    expect(await errorOf(await attempt(browser, { passkey: elsewhere }))).toEqual([400, "passkey_rejected"]);
    const foreign = await stranger.authenticator.authenticate((await optionsFor(browser)) as never);
    expect(await errorOf(await attempt(browser, { passkey: foreign }))).toEqual([400, "passkey_rejected"]);
    const own = await authenticator.authenticate((await optionsFor(browser)) as never);
    expect(await errorOf(await attempt(browser, { passkey: own, totp: codeAt(secret) }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(
      await errorOf(
        await browser.request("/auth/password/reset/passkey/options", {
          json: { token: "A".repeat(43) },
          origin: null,
        }),
      ),
    ).toEqual([400, "invalid_token"]);
    expect(await passwordHashOf(email)).toBe(hashBefore);

    // The link survived the refusals.
    expect((await attempt(browser, { passkey: own })).status).toBe(200);
    expect(await passwordHashOf(email)).not.toBe(hashBefore);
  });

  it("H1: a reset link takes at most five wrong passkeys, then dies like one with wrong codes", async () => {
    const { email } = await twoStepUser(ctx);
    const stranger = await registerPasskey(await signUpBrowser(ctx));
    const token = await resetToken(email);
    const browser = ctx.client();
    const options = await json<object>(
      await browser.request("/auth/password/reset/passkey/options", { json: { token }, origin: null }),
    );
    const foreign = await stranger.authenticator.authenticate(options as never);
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const attempt = await browser.request("/auth/password/reset", {
        json: { token, password: NEW_PASSWORD, passkey: foreign },
        origin: null,
      });
      codes.push([attempt.status, ((await attempt.json()) as { error: { code: string } }).error.code]);
    }
    // Five tries per link, then the link is dead (issue 10 review, R4), as with codes.
    expect(codes).toEqual([...Array(5).fill([400, "passkey_rejected"]), [400, "invalid_token"]]);
    const audited = await ctx.sql<{ purpose: string; method: string }>(
      "SELECT e.metadata->>'purpose' AS purpose, e.metadata->>'method' AS method FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'mfa.failed'",
      [email],
    );
    expect(audited).toHaveLength(5);
    expect(new Set(audited.map((row) => `${row.purpose}/${row.method}`))).toEqual(new Set(["password_reset/passkey"]));
  });

  it("answers option requests it cannot serve (malformed 400, no passkey 409) and stores no challenge", async () => {
    const email = uniqueEmail("reset-totp-only");
    await enrollTotp(await signUpBrowser(ctx, email));
    const token = await resetToken(email);
    const browser = ctx.client();
    const before = await ctx.sql("SELECT 1 FROM webauthn_challenges");
    for (const json of [{}, { token: "short" }, { token, extra: true }]) {
      const response = await browser.request("/auth/password/reset/passkey/options", { json, origin: null });
      expect(await errorOf(response)).toEqual([400, "invalid_request"]);
    }
    expect(
      await errorOf(await browser.request("/auth/password/reset/passkey/options", { json: { token }, origin: null })),
    ).toEqual([409, "no_passkey"]);
    expect(await ctx.sql("SELECT 1 FROM webauthn_challenges")).toHaveLength(before.length);
  });
});
