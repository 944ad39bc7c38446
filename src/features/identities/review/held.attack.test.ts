// Review of issue 13 (external identities): attacks that the change withstands, kept as regression
// tests: cross-origin unsafe requests, a pending link replayed from another client or after the
// account's address changed.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../../test/helpers/auth.ts";
import { locationOf, providerAccount, socialSignIn } from "../../../../test/helpers/oauth-flow.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);
const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];

async function pendingLink() {
  const email = uniqueEmail("owner");
  const owner = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  const account = providerAccount(email);
  const browser = ctx.client();
  expect(locationOf(await socialSignIn(browser, account))).toBe("/auth/link?return_to=%2Fdashboard");
  return { email, owner, browser, account, linkToken: browser.cookies.get("__Host-portcullis_link") ?? "" };
}

describe("what held", () => {
  it("refuses cookie-authenticated unlink and link completion from another origin", async () => {
    const { owner, account, linkToken } = await pendingLink();
    const evil = { origin: "https://evil.example" };
    expect(
      await errorOf(await owner.request(`/auth/identities/${crypto.randomUUID()}`, { method: "DELETE", ...evil })),
    ).toEqual([403, "csrf_rejected"]);
    expect(await errorOf(await owner.request("/auth/identities/link", { json: { linkToken }, ...evil }))).toEqual([
      403,
      "csrf_rejected",
    ]);
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(0);
  });

  it("refuses a pending link presented from another client, even by the account's own fresh session", async () => {
    const { email, owner, account, linkToken } = await pendingLink();
    // `owner` is another device (another address) than the browser that got the request.
    expect((await owner.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
    expect(await errorOf(await owner.request("/auth/identities/link", { json: { linkToken } }))).toEqual([
      400,
      "invalid_token",
    ]);
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(0);
  });

  it("refuses a pending link once the account's address changed after the request", async () => {
    const { browser, account, linkToken } = await pendingLink();
    const renamed = uniqueEmail("renamed");
    await ctx.sql("UPDATE users SET email = $1 WHERE email = $2", [renamed, account.email]);
    expect((await browser.request("/auth/login", { json: { email: renamed, password: STRONG_PASSWORD } })).status).toBe(
      200,
    );
    const refused = await browser.request("/auth/identities/link", { json: { linkToken } });
    expect((await errorOf(refused))[1]).toBe("invalid_token");
    expect(await countOf("external_identities", "subject = $1", [account.sub])).toBe(0);
  });
});
