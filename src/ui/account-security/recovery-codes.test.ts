// Recovery codes on the security page: shown once (copy hook, text-file download), the count left,
// regeneration that needs a proven second factor and invalidates the old set.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codesOn, enrollOnPage, SECURITY } from "../../../test/helpers/security-page.ts";
import { ageAccessCookie, resignAccessToken } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const REAUTHENTICATE = `/auth/reauthenticate?return_to=${encodeURIComponent(SECURITY)}`;

describe("recovery codes shown once", () => {
  it("offers a copy button for the script and a download that works without it", async () => {
    const client = await signUpBrowser(ctx);
    const { page, codes } = await enrollOnPage(client);
    expect(codes.every((code) => /^[A-Z2-7]{5}-[A-Z2-7]{5}$/.test(code))).toBe(true);
    expect(page.text).toContain("Your authenticator app is on.");
    const copy = page.buttons.find((button) => button.attributes["data-copy-target"] === "codes");
    expect(copy?.attributes).toMatchObject({ type: "button", hidden: "" });
    const download = page.links.find((link) => link.attributes.download === "recovery-codes.txt");
    const href = download?.attributes.href ?? "";
    expect(href.startsWith("data:text/plain;charset=utf-8,")).toBe(true);
    const file = decodeURIComponent(href.slice("data:text/plain;charset=utf-8,".length));
    expect(file).toBe(`Portcullis recovery codes (each works once)\n\n${codes.join("\n")}\n`);
    expect(page.links.map((link) => link.attributes.href)).toContain(SECURITY);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.inlineHandlers).toEqual([]);
  });

  it("never shows them again: not on the security page, not on a reload of the enrollment page", async () => {
    const client = await signUpBrowser(ctx);
    const { codes } = await enrollOnPage(client);
    const security = await readPage(await client.request(SECURITY));
    expect(codesOn(security)).toEqual([]);
    for (const code of codes) expect(security.html).not.toContain(code);
    const reload = await client.request(`${SECURITY}/totp`);
    expect([reload.status, reload.headers.get("location")]).toEqual([302, SECURITY]);
  });

  it("shows how many are left after one is used", async () => {
    const client = await signUpBrowser(ctx);
    const { codes } = await enrollOnPage(client);
    const used = await client.request("/auth/reauthenticate", { json: { recoveryCode: codes[0] } });
    expect(used.status).toBe(200);
    expect((await readPage(await client.request(SECURITY))).text).toContain("9 unused recovery codes left.");
  });
});

describe("making new recovery codes", () => {
  it("shows a new set once and the old set stops working", async () => {
    const client = await signUpBrowser(ctx);
    const { codes: old } = await enrollOnPage(client);
    const page = await readPage(await submitForm(client, `${SECURITY}/recovery-codes`, {}));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Save your recovery codes");
    expect(page.text).not.toContain("Your authenticator app is on.");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const fresh = codesOn(page);
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => old.includes(code))).toBe(false);
    const oldCode = await client.request("/auth/reauthenticate", { json: { recoveryCode: old[0] } });
    expect(oldCode.status).toBe(401);
    const newCode = await client.request("/auth/reauthenticate", { json: { recoveryCode: fresh[0] } });
    expect(newCode.status).toBe(200);
    expect(codesOn(await readPage(await client.request(SECURITY)))).toEqual([]);
  });

  it("sends a session that never proved a second factor to step-up, changing nothing", async () => {
    const client = await signUpBrowser(ctx);
    await enrollOnPage(client);
    await ageAccessCookie(client, ["pwd"]);
    const before = await ctx.sql("SELECT code_hash, used_at FROM recovery_codes ORDER BY code_hash");
    const response = await submitForm(client, `${SECURITY}/recovery-codes`, {});
    expect([response.status, response.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
    expect(await ctx.sql("SELECT code_hash, used_at FROM recovery_codes ORDER BY code_hash")).toEqual(before);
  });

  it("sends a stale session to step-up even when it once proved a second factor", async () => {
    const client = await signUpBrowser(ctx);
    await enrollOnPage(client);
    await ageAccessCookie(client, ["pwd", "otp", "mfa"]);
    const response = await submitForm(client, `${SECURITY}/recovery-codes`, {});
    expect([response.status, response.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
  });

  it("says so when two-step sign-in is off", async () => {
    const client = await signUpBrowser(ctx);
    // A recent sign-in that proved "mfa" (as a step-up would), but no authenticator app to renew codes of.
    const token = client.cookies.get("__Host-portcullis_at") ?? "";
    client.cookies.set("__Host-portcullis_at", await resignAccessToken(token, { amr: ["pwd", "otp", "mfa"] }));
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, `${SECURITY}/recovery-codes`, {}));
    expect([page.status, page.summary]).toEqual([400, ["No authenticator app is set up."]]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
