// The account page's data download and "Delete account": the link, step-up exactly where the API demands it,
// the DELETE confirmation, the last-owner refusal, and the deleted page with the session gone.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { tenantWith } from "../../../test/helpers/lifecycle.ts";
import { enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie, resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const DELETION = "/auth/account/deletion";
const REAUTH = "/auth/reauthenticate?return_to=%2Fauth%2Faccount%2Fdeletion";

describe("the account page's data and deletion section", () => {
  it("links to the data download and the delete page, and explains the retention", async () => {
    const client = await signUpBrowser(ctx);
    const page = await readPage(await client.request("/auth/account"));
    expect(page.html).toContain('href="/auth/account/export"');
    expect(page.html).toContain(`href="${DELETION}"`);
    expect(page.html).toContain("erased 30 days later");
    const download = await client.request("/auth/account/export");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("deletes the account after DELETE is typed, shows the erase date and ends the session", async () => {
    const email = uniqueEmail("page-delete");
    const client = await signUpBrowser(ctx, email);
    const form = await readPage(await client.request(DELETION));
    expect(inputNamed(form, "confirm")).toBeDefined();
    expect(form.html).toContain("After 30 days");

    const wrong = await submitForm(client, DELETION, { confirm: "delete" });
    expect(wrong.status).toBe(400);
    expect((await readPage(wrong)).html).toContain("Type DELETE, in capital letters");
    expect(await ctx.count("users", "email = $1 AND status = 'ACTIVE'", [email])).toBe(1);

    const done = await submitForm(client, DELETION, { confirm: "DELETE" });
    expect(done.status).toBe(200);
    const page = await readPage(done);
    // Shown in the user's time zone (none set: UTC), as every hosted page's times are.
    const scrubOn = new Date(Date.now() + 30 * 86_400_000);
    const day = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
    expect(page.text).toContain(`erased on ${day.format(scrubOn)}`);
    expect(page.text).toMatch(/UTC\. Changed your mind/);
    expect(page.html).toContain('href="/auth/forgot-password"');
    expect(await ctx.count("users", "email = $1 AND status = 'DELETED'", [email])).toBe(1);
    expect(client.cookies.has("__Host-portcullis_at")).toBe(false);
    expect((await client.request("/auth/session")).status).toBe(401);
  });

  it("sends an old sign-in, or a session without the second factor, to reauthenticate, deleting nothing", async () => {
    const stale = { email: uniqueEmail("stale"), client: ctx.client() };
    stale.client = await signUpBrowser(ctx, stale.email);
    await ageAccessCookie(stale.client);
    const get = await stale.client.request(DELETION);
    expect([get.status, get.headers.get("location")]).toEqual([302, REAUTH]);
    const post = await submitForm(stale.client, DELETION, { confirm: "DELETE" });
    expect([post.status, post.headers.get("location")]).toEqual([303, REAUTH]);

    const withTotp = { email: uniqueEmail("totp"), client: ctx.client() };
    withTotp.client = await signUpBrowser(ctx, withTotp.email);
    await enrollTotp(withTotp.client);
    // The same session with a token that never proved the second factor.
    const token = withTotp.client.cookies.get("__Host-portcullis_at") ?? "";
    withTotp.client.cookies.set("__Host-portcullis_at", await resignAccessToken(token, { amr: ["pwd"] }));
    const noFactor = await submitForm(withTotp.client, DELETION, { confirm: "DELETE" });
    expect([noFactor.status, noFactor.headers.get("location")]).toEqual([303, REAUTH]);
    const ids = [await userIdOf(ctx, stale.email), await userIdOf(ctx, withTotp.email)];
    expect(await ctx.count("users", "id = ANY($1::uuid[]) AND status = 'DELETED'", [ids])).toBe(0);
  });

  it("refuses a cross-site form post and a last owner, changing nothing", async () => {
    const email = uniqueEmail("page-owner");
    const client = await signUpBrowser(ctx, email);
    const slug = await tenantWith(ctx, [{ id: await userIdOf(ctx, email), role: "OWNER" }]);
    const before = await ctx.snapshot();
    const crossSite = await submitForm(client, DELETION, { confirm: "DELETE" }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const refused = await submitForm(client, DELETION, { confirm: "DELETE" });
    expect(refused.status).toBe(409);
    expect((await readPage(refused)).html).toContain(slug);
    expect(await ctx.snapshot()).toEqual(before);
    expect((await client.request("/auth/session")).status).toBe(200);
  });
});
