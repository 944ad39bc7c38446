// The account page's username-and-picture and preferences forms, and hosted pages honouring a signed-in
// user's theme and language (anonymous pages keep the device's theme and Accept-Language).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { profileState } from "../../../test/helpers/profile.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const themeOf = (html: string) => /<html[^>]*\bdata-theme="([a-z]+)"/.exec(html)?.[1];

describe("the account page's profile forms", () => {
  it("saves a username and a picture URL, shows the URL as text (no <img>: the CSP keeps img-src to us)", async () => {
    const email = uniqueEmail("handle");
    const client = await signUpBrowser(ctx, email);
    const response = await submitForm(client, "/auth/account/profile", {
      username: " Ada.L ",
      avatar_url: "https://images.example/ada.png",
    });
    expect([response.status, response.headers.get("location")]).toEqual([303, "/auth/account?done=profile"]);
    const page = await readPage(await client.request("/auth/account?done=profile"));
    expect(page.text).toContain("Your username and picture were saved.");
    expect(inputNamed(page, "username")?.attributes.value).toBe("ada.l");
    expect(inputNamed(page, "avatar_url")?.attributes.value).toBe("https://images.example/ada.png");
    expect(page.html).not.toMatch(/<img[^>]+images\.example/);
    expect(page.headers.get("content-security-policy")).toContain("img-src 'self' data:;");
    const cleared = await submitForm(client, "/auth/account/profile", { username: "", avatar_url: "" });
    expect(cleared.status).toBe(303);
    const [row] = await ctx.sql<{ username: string | null; image: string | null }>(
      "SELECT username, image FROM users WHERE email = $1",
      [email],
    );
    expect(row).toEqual({ username: null, image: null });
  });

  it.each([
    [{ username: "admin", avatar_url: "" }, "username", "This username is reserved. Choose another.", 400],
    [{ username: "a b", avatar_url: "" }, "username", "Use 3 to 32", 400],
    [{ username: "", avatar_url: "javascript:alert(1)" }, "avatar_url", "Enter an https:// address", 400],
    [{ username: "", avatar_url: "http://images.example/a.png" }, "avatar_url", "Enter an https:// address", 400],
  ])("refuses %j with a field error and changes nothing", async (fields, field, message, status) => {
    const client = await signUpBrowser(ctx);
    const before = await profileState(ctx);
    const page = await readPage(await submitForm(client, "/auth/account/profile", fields));
    expect(page.status).toBe(status);
    expect(page.fieldErrors[field]).toContain(message);
    expect(await profileState(ctx)).toEqual(before);
  });

  it("answers a taken username with 409 and the field error", async () => {
    const holder = await signUpBrowser(ctx);
    expect((await submitForm(holder, "/auth/account/profile", { username: "taken_here", avatar_url: "" })).status).toBe(
      303,
    );
    const other = await signUpBrowser(ctx);
    const before = await profileState(ctx);
    const page = await readPage(await submitForm(other, "/auth/account/profile", { username: "Taken_Here" }));
    expect(page.status).toBe(409);
    expect(page.fieldErrors.username).toBe("This username is taken. Choose another.");
    expect(await profileState(ctx)).toEqual(before);
  });

  it("refuses a cross-site form post and a signed-out one without changing anything", async () => {
    const client = await signUpBrowser(ctx);
    const before = await profileState(ctx);
    const crossSite = await submitForm(
      client,
      "/auth/account/preferences",
      { theme: "DARK" },
      { origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    const signedOut = await submitForm(ctx.client(), "/auth/account/profile", { username: "mallory" });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toMatch(/^\/auth\/sign-in\?/);
    expect(await profileState(ctx)).toEqual(before);
  });
});

describe("preferences on the hosted pages", () => {
  it("saves theme, language and time zone; every signed-in page then carries data-theme and the catalogue", async () => {
    const client = await signUpBrowser(ctx);
    const before = await readPage(await client.request("/auth/account"));
    expect(themeOf(before.html)).toBe("system");
    const saved = await submitForm(client, "/auth/account/preferences", {
      theme: "DARK",
      locale: "en",
      time_zone: "Europe/Paris",
    });
    expect([saved.status, saved.headers.get("location")]).toEqual([303, "/auth/account?done=preferences"]);
    for (const path of ["/auth/account?done=preferences", "/auth/account/security", "/auth/account/email"]) {
      const page = await readPage(await client.request(path, { headers: { "accept-language": "de-DE,de;q=0.9" } }));
      expect([path, page.status, themeOf(page.html)]).toEqual([path, 200, "dark"]);
      expect(page.html).toMatch(/<html lang="en"/);
      expect(page.headers.get("content-language")).toBe("en");
    }
    const account = await readPage(await client.request("/auth/account"));
    expect(inputNamed(account, "time_zone")?.attributes.value).toBe("Europe/Paris");
    expect(account.html).toMatch(/<option value="DARK" selected/);
    // Signed out, the same browser gets the device's theme again.
    const anonymous = await ctx.client().request("/auth/sign-in");
    expect(themeOf(await anonymous.text())).toBe("system");
  });

  it("shows field errors for an unknown theme, language or time zone, and changes nothing", async () => {
    const client = await signUpBrowser(ctx);
    const before = await profileState(ctx);
    const page = await readPage(
      await submitForm(client, "/auth/account/preferences", { theme: "BLUE", locale: "fr", time_zone: "Mars/Base" }),
    );
    expect(page.status).toBe(400);
    expect(Object.keys(page.fieldErrors).sort()).toEqual(["locale", "theme", "time_zone"]);
    expect(await profileState(ctx)).toEqual(before);
  });

  it("the stylesheet lets data-theme override prefers-color-scheme", async () => {
    const client = await signUpBrowser(ctx);
    const html = await (await client.request("/auth/account")).text();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? "";
    const css = await (await client.request(href)).text();
    expect(css).toContain(":root[data-theme=dark]{color-scheme:dark;");
    expect(css).toContain(":root[data-theme=light]{color-scheme:light;");
  });
});
