// Reset's second factor under replay: the TOTP code that just signed in cannot confirm a reset, and a
// recovery code spent on a reset is gone.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { submitForm } from "../../../test/helpers/html.ts";
import { outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { codeAt, enrollTotp, passwordStep } from "../../../test/helpers/second-factors.ts";
import { avoidStepEdge } from "../../../test/helpers/security-page.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function resetToken(email: string): Promise<string> {
  await submitForm(ctx.client(), "/auth/forgot-password", { email });
  const mails = (await outboxFor(ctx.worker, email)).filter((m) => m.template === "password_reset");
  return tokenIn(mails[0]?.text ?? null);
}

describe("reset second factor replay", () => {
  it("refuses the TOTP code that was just used to sign in", async () => {
    const email = uniqueEmail("replay");
    const { secret } = await enrollTotp(await signUpBrowser(ctx, email));
    await avoidStepEdge();
    const code = codeAt(secret);
    const device = ctx.client();
    const { challenge } = await passwordStep(device, email);
    const signIn = await device.request("/auth/mfa/verify", { json: { challenge, totp: code } });
    expect([signIn.status, await signIn.text()]).toEqual([200, expect.any(String)]);
    const token = await resetToken(email);
    const replay = await submitForm(ctx.client(), "/auth/reset-password", {
      token,
      password: "a brand new passphrase 9",
      method: "totp",
      totp: code,
    });
    expect(replay.status).toBe(400);
    expect((await ctx.client().request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(
      200,
    );
  });
});
