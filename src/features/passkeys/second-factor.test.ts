// A passkey as the second step of a password sign-in: offered, bound to its user, purpose and client,
// and with WEBAUTHN_USER_VERIFICATION=preferred a key without a PIN as a second factor only.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { createSoftwareAuthenticator } from "../../../test/helpers/authenticator.ts";
import { TestClient } from "../../../test/helpers/client.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import {
  enrollTotp,
  errorOf,
  json,
  passwordStep,
  registerPasskey,
  TEST_RP,
  twoStepUser,
} from "../../../test/helpers/second-factors.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("a passkey as the second step of a password sign-in", () => {
  it("is offered, signs in, and the session's amr records the password and the passkey", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const device = ctx.client();
    const step = await passwordStep(device, email);
    expect(step).toMatchObject({ status: "mfa_required", methods: ["totp", "passkey", "recovery_code"] });

    const optionsResponse = await device.request("/auth/mfa/passkey/options", { json: { challenge: step.challenge } });
    expect(optionsResponse.status).toBe(200);
    expect(optionsResponse.headers.get("cache-control")).toBe("no-store");
    const options = await json<{ allowCredentials: Array<{ id: string }>; userVerification: string }>(optionsResponse);
    // Only this user's passkeys may answer, with user verification.
    expect(options.allowCredentials.map((credential) => credential.id)).toEqual([authenticator.credentialId()]);
    expect(options.userVerification).toBe("required");

    const passkey = await authenticator.authenticate(options as never);
    const verified = await device.request("/auth/mfa/verify", { json: { challenge: step.challenge, passkey } });
    expect(verified.status).toBe(200);
    const session = await json<{ session: { amr: string[] } }>(await device.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "hwk", "user", "mfa"]);
    const [audit] = await ctx.sql<{ metadata: { method: string } }>(
      "SELECT e.metadata FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'login.succeeded' ORDER BY e.created_at DESC LIMIT 1",
      [email],
    );
    expect(audit?.metadata.method).toBe("password+passkey");

    // The challenge and the assertion are both spent.
    const again = await ctx.client().request("/auth/mfa/verify", { json: { challenge: step.challenge, passkey } });
    expect(await errorOf(again)).toEqual([401, "invalid_challenge"]);
  });

  it("refuses another user's passkey and an assertion made for a different ceremony, counting each failure", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const stranger = await registerPasskey(await signUpBrowser(ctx));
    const device = ctx.client();
    const { challenge } = await passwordStep(device, email);
    const options = await json<object>(await device.request("/auth/mfa/passkey/options", { json: { challenge } }));

    const foreign = await stranger.authenticator.authenticate(options as never);
    expect(await errorOf(await device.request("/auth/mfa/verify", { json: { challenge, passkey: foreign } }))).toEqual([
      400,
      "passkey_rejected",
    ]);
    // A challenge issued for a usernameless sign-in cannot finish the second step.
    const loginOptions = await json<object>(await device.request("/auth/passkeys/login/options", { method: "POST" }));
    const wrongCeremony = await authenticator.authenticate(loginOptions as never);
    expect(
      await errorOf(await device.request("/auth/mfa/verify", { json: { challenge, passkey: wrongCeremony } })),
    ).toEqual([400, "passkey_rejected"]);
    const failures = await ctx.sql<{ method: string }>(
      "SELECT e.metadata->>'method' AS method FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'mfa.failed'",
      [email],
    );
    expect(failures.map((row) => row.method)).toEqual(["passkey", "passkey"]);
    expect(
      await ctx.sql("SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1", [email]),
    ).toHaveLength(1);

    // Failures do not spend the MFA challenge: the user's own passkey still finishes the sign-in.
    const fresh = await json<object>(await device.request("/auth/mfa/passkey/options", { json: { challenge } }));
    const own = await authenticator.authenticate(fresh as never);
    expect((await device.request("/auth/mfa/verify", { json: { challenge, passkey: own } })).status).toBe(200);
  });

  it("serves options only for a live challenge of this client, and only when the user has a passkey", async () => {
    const { email } = await twoStepUser(ctx);
    const device = ctx.client();
    const { challenge } = await passwordStep(device, email);
    expect(await errorOf(await ctx.client().request("/auth/mfa/passkey/options", { json: { challenge } }))).toEqual([
      401,
      "invalid_challenge",
    ]);
    expect(
      await errorOf(await device.request("/auth/mfa/passkey/options", { json: { challenge: "A".repeat(43) } })),
    ).toEqual([401, "invalid_challenge"]);
    for (const body of [{}, { challenge: "short" }, { challenge, extra: 1 }]) {
      expect(await errorOf(await device.request("/auth/mfa/passkey/options", { json: body }))).toEqual([
        400,
        "invalid_request",
      ]);
    }

    const totpOnly = uniqueEmail("totp-only");
    await enrollTotp(await signUpBrowser(ctx, totpOnly));
    const other = ctx.client();
    const step = await passwordStep(other, totpOnly);
    expect(step.methods).toEqual(["totp", "recovery_code"]);
    expect(
      await errorOf(await other.request("/auth/mfa/passkey/options", { json: { challenge: step.challenge } })),
    ).toEqual([409, "no_passkey"]);
  });

  it("leaves a password sign-in one step when the user has a passkey but no authenticator app", async () => {
    const email = uniqueEmail("passkey-only");
    await registerPasskey(await signUpBrowser(ctx, email));
    expect((await passwordStep(ctx.client(), email)).status).toBe("signed_in");
  });
});

describe("passkey challenges for a known user", () => {
  it("expire after five minutes", async () => {
    const { email, authenticator } = await twoStepUser(ctx);
    const device = ctx.client();
    const { challenge } = await passwordStep(device, email);
    const options = await json<object>(await device.request("/auth/mfa/passkey/options", { json: { challenge } }));
    await ctx.sql(
      "UPDATE webauthn_challenges SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    );
    const passkey = await authenticator.authenticate(options as never);
    expect(await errorOf(await device.request("/auth/mfa/verify", { json: { challenge, passkey } }))).toEqual([
      400,
      "passkey_rejected",
    ]);
  });

  it("serve only their purpose and their client: a step-up assertion finishes no reset, a copied session no step-up", async () => {
    const { email, client, authenticator } = await twoStepUser(ctx);
    const stepUpOptions = await json<object>(
      await client.request("/auth/reauthenticate/passkey/options", { method: "POST" }),
    );
    const forStepUp = await authenticator.authenticate(stepUpOptions as never);
    await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    const token = tokenIn(
      (await outboxFor(ctx.worker, email)).find((m) => m.template === "password_reset")?.text ?? null,
    );
    const reset = await client.request("/auth/password/reset", {
      json: { token, password: "a brand new passphrase 9", passkey: forStepUp },
    });
    expect(await errorOf(reset)).toEqual([400, "passkey_rejected"]);

    // The same session's cookies on another device: the challenge was issued to the first one.
    const copy = ctx.client();
    for (const [name, value] of client.cookies) copy.cookies.set(name, value);
    const options = await json<object>(
      await client.request("/auth/reauthenticate/passkey/options", { method: "POST" }),
    );
    const passkey = await authenticator.authenticate(options as never);
    expect(await errorOf(await copy.request("/auth/reauthenticate", { json: { passkey } }))).toEqual([
      400,
      "passkey_rejected",
    ]);
  });
});

describe("WEBAUTHN_USER_VERIFICATION=preferred", () => {
  it("lets a key without user verification serve as a second factor, never as the only one", async () => {
    const lenient = workerWith({ DATABASE_URL: ctx.databaseUrl, WEBAUTHN_USER_VERIFICATION: "preferred" });
    const email = uniqueEmail("security-key");
    const client = new TestClient(lenient);
    expect((await client.request("/auth/signup", { json: { email, password: STRONG_PASSWORD } })).status).toBe(201);
    await enrollTotp(client);
    const authenticator = createSoftwareAuthenticator(TEST_RP);
    const creation = await json<{ authenticatorSelection: { userVerification: string } }>(
      await client.request("/auth/passkeys/register/options", { method: "POST" }),
    );
    expect(creation.authenticatorSelection.userVerification).toBe("preferred");
    const registration = await authenticator.register(creation as never, { userVerified: false });
    expect((await client.request("/auth/passkeys/register", { json: { response: registration } })).status).toBe(201);

    // Alone, a passkey must prove user verification, whatever the setting.
    const device = new TestClient(lenient);
    const loginOptions = await json<{ userVerification: string }>(
      await device.request("/auth/passkeys/login/options", { method: "POST" }),
    );
    expect(loginOptions.userVerification).toBe("required");
    const alone = await authenticator.authenticate(loginOptions as never, { userVerified: false });
    expect(await errorOf(await device.request("/auth/passkeys/login", { json: { response: alone } }))).toEqual([
      400,
      "passkey_rejected",
    ]);

    // After the password it is a second factor: amr has the key but not "user".
    const { challenge } = await passwordStep(device, email);
    const options = await json<object>(await device.request("/auth/mfa/passkey/options", { json: { challenge } }));
    const passkey = await authenticator.authenticate(options as never, { userVerified: false });
    expect((await device.request("/auth/mfa/verify", { json: { challenge, passkey } })).status).toBe(200);
    const session = await json<{ session: { amr: string[] } }>(await device.request("/auth/session"));
    expect(session.session.amr).toEqual(["pwd", "hwk", "mfa"]);

    // The default setting refuses the same key without user verification.
    const strict = ctx.client();
    const step = await passwordStep(strict, email);
    const strictOptions = await json<object>(
      await strict.request("/auth/mfa/passkey/options", { json: { challenge: step.challenge } }),
    );
    const unverified = await authenticator.authenticate(strictOptions as never, { userVerified: false });
    expect(
      await errorOf(
        await strict.request("/auth/mfa/verify", { json: { challenge: step.challenge, passkey: unverified } }),
      ),
    ).toEqual([400, "passkey_rejected"]);
  });
});
