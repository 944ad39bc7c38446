// Finding (independent review of issue 11): the flow cookies outlive the flow. portcullis_verify keeps
// the last typed address for an hour through sign-in and sign-out, and portcullis_mfa keeps a pending
// challenge through another user's sign-in, so the next person on a shared browser meets them.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";

let strict: AuthTestContext;
let ctx: AuthTestContext;
beforeAll(async () => {
  [ctx, strict] = await Promise.all([setUpAuthTest(), setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" })]);
});

describe("flow cookies end with their flow", () => {
  it("the address of the last sign-up does not outlive a sign-out on a shared browser", async () => {
    const email = uniqueEmail("first");
    const browser = strict.client();
    await submitForm(browser, "/auth/sign-up", { email, password: STRONG_PASSWORD });
    // verify by link elsewhere (simulated: mark verified), then sign in and out on this browser
    await strict.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
    const signIn = await submitForm(browser, "/auth/sign-in", { email, password: STRONG_PASSWORD });
    expect(signIn.status).toBe(303);
    await submitForm(browser, "/auth/sign-out", {});
    const next = await readPage(await browser.request("/auth/verify-email"));
    expect(next.html).not.toContain(email);
  });

  it("a successful sign-in as another user clears a pending portcullis_mfa challenge", async () => {
    const mfaEmail = uniqueEmail("mfa");
    await enrollTotp(await signUpBrowser(ctx, mfaEmail));
    const other = uniqueEmail("other");
    await signUpBrowser(ctx, other);
    const browser = ctx.client();
    await submitForm(browser, "/auth/sign-in", { email: mfaEmail, password: STRONG_PASSWORD });
    expect([...browser.cookies.keys()]).toContain("__Host-portcullis_mfa");
    await submitForm(browser, "/auth/sign-in", { email: other, password: STRONG_PASSWORD });
    expect([...browser.cookies.keys()]).not.toContain("__Host-portcullis_mfa");
  });
});

describe("sign-out ends every flow", () => {
  it("clears a pending portcullis_mfa challenge and the remembered address", async () => {
    const mfaEmail = uniqueEmail("mfa-out");
    await enrollTotp(await signUpBrowser(ctx, mfaEmail));
    const browser = ctx.client();
    await submitForm(browser, "/auth/sign-in", { email: mfaEmail, password: STRONG_PASSWORD });
    await submitForm(browser, "/auth/verify-email/resend", { email: mfaEmail });
    expect([...browser.cookies.keys()]).toEqual(
      expect.arrayContaining(["__Host-portcullis_mfa", "__Host-portcullis_verify"]),
    );
    const out = await submitForm(browser, "/auth/sign-out", {});
    expect(out.status).toBe(303);
    expect([...browser.cookies.keys()].filter((name) => name.includes("portcullis_"))).toEqual([]);
  });
});
