// Step-up on the way to a gateway route with requireMfa (/sensitive in the test route table): the
// password cannot get the user there (it leaves the session password-only), so the page does not offer
// it, and says what is missing when the account has no second factor. Before, confirming with the
// password sent the browser back to the same page, round and round.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, claimsOf } from "../../../test/helpers/tokens.ts";

const ACTION = "/auth/reauthenticate/confirm";
const TO_SENSITIVE = `/auth/reauthenticate?return_to=${encodeURIComponent("/sensitive/x")}`;
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function stalePasswordOnlyBrowser() {
  const client = await signUpBrowser(ctx);
  await ageAccessCookie(client);
  return client;
}

describe("reauthenticate on the way to a requireMfa route", () => {
  it("offers a password-only account no password and points it to adding a second factor", async () => {
    const client = await stalePasswordOnlyBrowser();
    const page = await readPage(await client.request(TO_SENSITIVE));
    expect(page.status).toBe(200);
    expect(inputNamed(page, "password")).toBeUndefined();
    expect(page.forms).toEqual([]);
    expect(page.text).toContain("The page you were going to needs a second factor, and this account has none yet.");
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/account/security");
  });

  it("still asks for the password on the way to a route without requireMfa", async () => {
    const client = await stalePasswordOnlyBrowser();
    const page = await readPage(await client.request(`/auth/reauthenticate?return_to=${encodeURIComponent("/docs")}`));
    expect(inputNamed(page, "password")?.attributes.autocomplete).toBe("current-password");
    expect(page.text).not.toContain("needs a second factor");
  });

  it("refuses a password posted for a requireMfa route (400, nothing written, the sign-in stays old)", async () => {
    const client = await stalePasswordOnlyBrowser();
    const authTime = claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").auth_time;
    const before = await ctx.snapshot();
    const page = await readPage(
      await submitForm(client, ACTION, { password: STRONG_PASSWORD, return_to: "/sensitive/x" }),
    );
    expect(page.status).toBe(400);
    expect(page.summary).toEqual(["This account cannot be confirmed that way. Use one of the methods below."]);
    expect(await ctx.snapshot()).toEqual(before);
    expect(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").auth_time).toBe(authTime);
  });

  it("asks an account with two-step sign-in for its second factor there, as everywhere", async () => {
    const client = await signUpBrowser(ctx);
    await enrollTotp(client);
    await ageAccessCookie(client, ["pwd"]);
    const page = await readPage(await client.request(TO_SENSITIVE));
    expect(inputNamed(page, "password")).toBeUndefined();
    expect(inputNamed(page, "code")).toBeDefined();
    expect(page.text).toContain("The page you were going to needs a second factor. Prove it with one to continue.");
  });
});
