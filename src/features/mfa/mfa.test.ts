// Second factors end to end: TOTP enrollment, MFA sign-in, replay guard, recovery codes, challenges.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { setCookieHeaders, type TestClient } from "../../../test/helpers/client.ts";
import { codeAt, enrollTotp } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ LOGIN_FREE_FAILURES: "3" });
});

type Enrolled = { email: string; client: TestClient; secret: Uint8Array; recoveryCodes: string[] };

async function enrolled(): Promise<Enrolled> {
  const email = uniqueEmail("mfa");
  const client = await signUpBrowser(ctx, email);
  return { email, client, ...(await enrollTotp(client)) };
}

async function passwordStep(client: TestClient, email: string): Promise<string> {
  const response = await client.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
  expect(response.status).toBe(200);
  expect(setCookieHeaders(response)).toEqual([]);
  const body = (await response.json()) as { status: string; challenge: string };
  expect(body.status).toBe("mfa_required");
  return body.challenge;
}

describe("TOTP enrollment", () => {
  it("returns a 160-bit secret, an otpauth URI and a QR code, and stores the secret encrypted", async () => {
    const email = uniqueEmail("enroll");
    const client = await signUpBrowser(ctx, email);
    const response = await client.request("/auth/mfa/totp/enroll", { method: "POST" });
    const body = (await response.json()) as { secret: string; otpauthUri: string; qrSvg: string };
    expect(decodeBase32IgnorePadding(body.secret)).toHaveLength(20);
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(body.qrSvg).toMatch(/^<svg/);
    const [row] = await ctx.sql<{ secret_ciphertext: string; secret_version: number; confirmed: boolean }>(
      "SELECT secret_ciphertext, secret_version, confirmed_at IS NOT NULL AS confirmed FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
      [email],
    );
    expect(row?.secret_version).toBe(1);
    expect(row?.confirmed).toBe(false);
    expect(row?.secret_ciphertext).not.toContain(body.secret);
    // Not active until confirmed: the password alone still signs in.
    expect(
      (
        (await (await ctx.client().request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).json()) as {
          status: string;
        }
      ).status,
    ).toBe("signed_in");
  });

  it("confirms with a first valid code, shows 10 recovery codes once, and refuses a second enrollment", async () => {
    const { client, recoveryCodes } = await enrolled();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(await (await client.request("/auth/mfa")).json()).toEqual({
      totp: true,
      passkeys: 0,
      recoveryCodesLeft: 10,
    });
    const again = await client.request("/auth/mfa/totp/enroll", { method: "POST" });
    expect([again.status, ((await again.json()) as ErrorBody).error.code]).toEqual([409, "mfa_already_enabled"]);
  });

  it("refuses a wrong confirmation code", async () => {
    const client = await signUpBrowser(ctx);
    await client.request("/auth/mfa/totp/enroll", { method: "POST" });
    const wrong = await client.request("/auth/mfa/totp/confirm", { json: { code: "000000" } });
    expect([wrong.status, ((await wrong.json()) as ErrorBody).error.code]).toEqual([400, "invalid_code"]);
    expect(((await (await client.request("/auth/mfa")).json()) as { totp: boolean }).totp).toBe(false);
  });
});

describe("sign-in with a second factor", () => {
  it("asks for the second factor after the password, then signs in with amr pwd+otp", async () => {
    const { email, secret } = await enrolled();
    const device = ctx.client();
    const challenge = await passwordStep(device, email);
    const response = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
    expect(response.status).toBe(200);
    const session = (await (await device.request("/auth/session")).json()) as { session: { amr: string[] } };
    expect(session.session.amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("refuses a TOTP code whose step was already used (replay), and a challenge used twice", async () => {
    const { email, secret } = await enrolled();
    const device = ctx.client();
    const challenge = await passwordStep(device, email);
    const code = codeAt(secret, 0);
    expect((await device.request("/auth/mfa/verify", { json: { challenge, totp: code } })).status).toBe(200);
    const reused = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 1) } });
    expect([reused.status, ((await reused.json()) as ErrorBody).error.code]).toEqual([401, "invalid_challenge"]);
    const next = await passwordStep(device, email);
    const replay = await device.request("/auth/mfa/verify", { json: { challenge: next, totp: code } });
    expect([replay.status, ((await replay.json()) as ErrorBody).error.code]).toEqual([400, "invalid_code"]);
  });

  it("accepts each recovery code once", async () => {
    const { email, recoveryCodes } = await enrolled();
    const device = ctx.client();
    const code = recoveryCodes[0]?.toLowerCase() ?? "";
    expect(
      (
        await device.request("/auth/mfa/verify", {
          json: { challenge: await passwordStep(device, email), recoveryCode: code },
        })
      ).status,
    ).toBe(200);
    const again = await device.request("/auth/mfa/verify", {
      json: { challenge: await passwordStep(device, email), recoveryCode: code },
    });
    expect(((await again.json()) as ErrorBody).error.code).toBe("invalid_code");
    expect(
      ((await (await device.request("/auth/mfa")).json()) as { recoveryCodesLeft: number }).recoveryCodesLeft,
    ).toBe(9);
    // `recovery_code` is another accepted spelling.
    const snake = await device.request("/auth/mfa/verify", {
      json: { challenge: await passwordStep(device, email), recovery_code: recoveryCodes[1] },
    });
    expect(snake.status).toBe(200);
  });

  it("binds the challenge to the client and lets it expire", async () => {
    const { email, secret } = await enrolled();
    const device = ctx.client();
    const challenge = await passwordStep(device, email);
    const elsewhere = await ctx.client().request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
    expect(((await elsewhere.json()) as ErrorBody).error.code).toBe("invalid_challenge");
    await ctx.sql("UPDATE mfa_challenges SET expires_at = now() - interval '1 second'");
    const expired = await device.request("/auth/mfa/verify", { json: { challenge, totp: codeAt(secret, 0) } });
    expect([expired.status, ((await expired.json()) as ErrorBody).error.code]).toEqual([401, "invalid_challenge"]);
  });

  it("counts wrong second factors toward the sign-in throttle", async () => {
    const { email, secret } = await enrolled();
    const device = ctx.client();
    const challenge = await passwordStep(device, email);
    const wrong = codeAt(secret, 5);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await device.request("/auth/mfa/verify", { json: { challenge, totp: wrong } })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
  });

  it("answers malformed bodies with 400 and no session", async () => {
    const before = await ctx.snapshot();
    for (const json of [
      { challenge: "x", totp: "123456" },
      { challenge: "A".repeat(43), totp: "12345" },
      { challenge: "A".repeat(43) },
      {},
    ]) {
      const response = await ctx.client().request("/auth/mfa/verify", { json });
      expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("disabling and regenerating", () => {
  it("disables TOTP with a valid code and regenerates recovery codes (old ones stop working)", async () => {
    const { client, secret, recoveryCodes, email } = await enrolled();
    const fresh = (await (await client.request("/auth/mfa/recovery-codes", { method: "POST" })).json()) as {
      recoveryCodes: string[];
    };
    expect(fresh.recoveryCodes).toHaveLength(10);
    const device = ctx.client();
    const old = await device.request("/auth/mfa/verify", {
      json: { challenge: await passwordStep(device, email), recoveryCode: recoveryCodes[1] },
    });
    expect(((await old.json()) as ErrorBody).error.code).toBe("invalid_code");
    const wrong = await client.request("/auth/mfa/totp/disable", { json: { totp: "000000" } });
    expect(wrong.status).toBe(400);
    expect((await client.request("/auth/mfa/totp/disable", { json: { totp: codeAt(secret, 0) } })).status).toBe(200);
    expect(await (await client.request("/auth/mfa")).json()).toEqual({
      totp: false,
      passkeys: 0,
      recoveryCodesLeft: 0,
    });
  });
});

describe("password reset with a second factor", () => {
  const resetLink = async (email: string) => {
    await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    const messages = (await (await ctx.worker.fetch("/dev/outbox")).json()) as {
      messages: Array<{ recipient: string; text: string }>;
    };
    return (
      /token=([A-Za-z0-9_-]{43})/.exec(messages.messages.find((m) => m.recipient === email)?.text ?? "")?.[1] ?? ""
    );
  };
  const reset = (json: Record<string, string>) => ctx.client().request("/auth/password/reset", { json, origin: null });
  const NEW = "another long new passphrase";

  it("requires a TOTP code or a recovery code besides the link, and audits which", async () => {
    const { email, secret, recoveryCodes } = await enrolled();
    const token = await resetLink(email);
    const linkOnly = await reset({ token, password: NEW });
    expect([linkOnly.status, ((await linkOnly.json()) as ErrorBody).error.code]).toEqual([
      401,
      "second_factor_required",
    ]);
    const wrong = await reset({ token, password: NEW, totp: codeAt(secret, 7) });
    expect([wrong.status, ((await wrong.json()) as ErrorBody).error.code]).toEqual([400, "invalid_code"]);
    const flexible = await reset({ token, password: NEW, recoveryCode: recoveryCodes[2] ?? "" });
    expect(flexible.status).toBe(200);
    const audited = await ctx.sql<{ metadata: { method: string } }>(
      "SELECT e.metadata FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'password.reset_second_factor'",
      [email],
    );
    expect(audited.map((row) => row.metadata.method)).toEqual(["recovery_code"]);
  });

  it("throttles guesses at the second factor during a reset, per link and per user", async () => {
    const { email, secret } = await enrolled();
    const token = await resetLink(email);
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await reset({ token, password: NEW, totp: codeAt(secret, 9) });
      codes.push([answer.status, ((await answer.json()) as ErrorBody).error.code]);
    }
    // The link dies after five wrong factors (R4); the user-wide delay follows to the next link.
    expect(codes).toEqual([...Array(5).fill([400, "invalid_code"]), [400, "invalid_token"]]);
    const next = await resetLink(email);
    expect((await reset({ token: next, password: NEW, totp: codeAt(secret, 9) })).status).toBe(400);
    expect((await reset({ token: next, password: NEW, totp: codeAt(secret, 9) })).status).toBe(429);
  });
});
