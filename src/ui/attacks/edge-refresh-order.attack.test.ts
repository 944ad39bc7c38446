// Finding (independent review of issue 11): pageSecurity appends the Set-Cookies of an edge refresh
// after the handler's own, so when a page both refreshed the session at the edge and then issued a new
// access token (TOTP confirm today; step-up on /auth/reauthenticate next), the browser keeps the
// refreshed, older token: the upgrade (amr "mfa", a fresh auth_time) is silently lost.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt } from "../../../test/helpers/second-factors.ts";
import { avoidStepEdge, codesOn, SECURITY, startEnrollment } from "../../../test/helpers/security-page.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("a page that issues a token without an edge refresh (control)", () => {
  it("leaves the browser with amr mfa after TOTP confirm", async () => {
    const client = await signUpBrowser(ctx);
    const { secret } = await startEnrollment(client);
    await avoidStepEdge();
    await submitForm(client, `${SECURITY}/totp/confirm`, { code: codeAt(secret, -1) });
    expect(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").amr).toContain("mfa");
  });
});

describe("a page that refreshes at the edge and then issues a token", () => {
  it("leaves the browser with the token it issued last (TOTP confirm: amr mfa)", async () => {
    const client = await signUpBrowser(ctx);
    const { secret } = await startEnrollment(client);
    await avoidStepEdge();
    // The access cookie has expired (the browser dropped it): the page refreshes at the edge first.
    client.cookies.delete("__Host-portcullis_at");
    const confirm = await submitForm(client, `${SECURITY}/totp/confirm`, { code: codeAt(secret, -1) });
    const page = await readPage(confirm);
    expect(page.status).toBe(200);
    expect(codesOn(page)).toHaveLength(10);
    const accessCookies = client.lastSetCookies.filter((cookie) => cookie.name === "__Host-portcullis_at");
    expect(accessCookies.length).toBeGreaterThan(0);
    // What the browser keeps is the last Set-Cookie of that name: it must be the upgraded token.
    expect(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").amr).toContain("mfa");
    // So the session may take new recovery codes without a detour through step-up, as it may without the refresh.
    const codes = await submitForm(client, `${SECURITY}/recovery-codes`, {});
    expect([codes.status, codes.headers.get("location")]).toEqual([200, null]);
  });
});
