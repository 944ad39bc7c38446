// The account overview: what it shows, who may see it, success notices, the name form, and CSRF
// refusal on every account form.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

const nameOf = async (email: string) =>
  (await ctx.sql<{ name: string | null }>("SELECT name FROM users WHERE email = $1", [email]))[0]?.name;

async function sessionIds(client: ReturnType<AuthTestContext["client"]>) {
  const body = (await (await client.request("/auth/sessions")).json()) as {
    sessions: Array<{ id: string; current: boolean }>;
  };
  return body.sessions;
}

describe("GET /auth/account", () => {
  it("shows the user's data, every session with the current one marked, and recent sign-ins", async () => {
    const email = uniqueEmail("overview");
    const client = await signUpBrowser(ctx, email);
    const laptop = ctx.client();
    const login = (password: string) =>
      laptop.request("/auth/login", { json: { email, password }, headers: { "user-agent": FIREFOX } });
    expect((await login("not the password at all")).status).toBe(401);
    expect((await login(STRONG_PASSWORD)).status).toBe(200);

    const page = await readPage(await client.request("/auth/account"));
    expect(page.status).toBe(200);
    expect(page.h1).toBe("Your account");
    expect(page.text).toContain(`Signed in as ${email}`);
    expect(page.text).toContain("Not verified");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.inlineHandlers).toEqual([]);

    const sessions = await sessionIds(client);
    const current = sessions.find((session) => session.current)?.id;
    const other = sessions.find((session) => !session.current)?.id;
    expect(page.html).toContain(`<tr data-session-id="${current}" data-current="true">`);
    expect(page.html).toContain(`<tr data-session-id="${other}">`);
    expect(page.text).toContain("(This device)");
    expect(page.text).toContain("Firefox on Linux");
    // Only other sessions get a revoke button; the current one signs out at /auth/sign-out.
    expect(page.buttons.map((button) => button.attributes["data-revoke-session"]).filter(Boolean)).toEqual([other]);
    expect(page.html).toContain('data-activity="succeeded"');
    expect(page.html).toContain('data-activity="failed"');

    const actions = page.forms.map((form) => form.attributes.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "/auth/account/name",
        "/auth/account/phone",
        "/auth/account/password",
        "/auth/account/sessions/revoke",
        "/auth/account/sessions/revoke-others",
      ]),
    );
    const hrefs = page.links.map((link) => link.attributes.href);
    expect(hrefs).toEqual(expect.arrayContaining(["/auth/account/email", "/auth/account/security", "/auth/sign-out"]));
    expect(inputNamed(page, "current_password")?.attributes.autocomplete).toBe("current-password");
    expect(inputNamed(page, "new_password")?.attributes.autocomplete).toBe("new-password");
    expect(page.text).toContain("every other session ends");
  });

  it("refreshes an expired access cookie at the edge instead of sending the user to sign in", async () => {
    const client = await signUpBrowser(ctx);
    client.cookies.delete("__Host-portcullis_at");
    const response = await client.request("/auth/account");
    expect(response.status).toBe(200);
    expect(client.cookies.has("__Host-portcullis_at")).toBe(true);
    expect((await client.request("/auth/session")).status).toBe(200);
  });

  it("sends a signed-out visitor to sign in, with return_to back here", async () => {
    const response = await ctx.client().request("/auth/account?done=name");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/sign-in?return_to=%2Fauth%2Faccount%3Fdone%3Dname");
    const email = await ctx.client().request("/auth/account/email");
    expect(email.headers.get("location")).toBe("/auth/sign-in?return_to=%2Fauth%2Faccount%2Femail");
  });

  it("sends a signed-out form post to sign in (303) and changes nothing", async () => {
    const before = await ctx.snapshot();
    const response = await submitForm(ctx.client(), "/auth/account/name", { name: "Mallory" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/sign-in?return_to=%2Fauth%2Faccount");
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("shows a catalog notice for a known done= value and nothing for any other text", async () => {
    const client = await signUpBrowser(ctx);
    const done = await readPage(await client.request("/auth/account?done=password"));
    expect(done.text).toContain("Your password was changed, and every other session was signed out.");
    const forged = await readPage(await client.request("/auth/account?done=%3Cb%3Ehacked%3C%2Fb%3E"));
    expect(forged.status).toBe(200);
    expect(forged.html).not.toContain("hacked");
    expect(forged.html).not.toContain('role="status"');
  });
});

describe("POST /auth/account/name", () => {
  it("saves the name and comes back to the overview with a notice", async () => {
    const email = uniqueEmail("name");
    const client = await signUpBrowser(ctx, email);
    const response = await submitForm(client, "/auth/account/name", { name: "  Ada Lovelace  " });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=name");
    expect(await nameOf(email)).toBe("Ada Lovelace");
    const page = await readPage(await client.request("/auth/account?done=name"));
    expect(page.text).toContain("Your name was saved.");
    expect(inputNamed(page, "name")?.attributes.value).toBe("Ada Lovelace");
  });

  it.each([
    ["", "Enter your name."],
    ["   ", "Enter your name."],
    ["x".repeat(201), "Name is too long."],
    ["Ada\u0000Lovelace", "Your name cannot contain control characters."],
  ])("refuses %j with a field error and changes nothing", async (name, message) => {
    const email = uniqueEmail("badname");
    const client = await signUpBrowser(ctx, email);
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, "/auth/account/name", { name }));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual({ name: message });
    expect(page.summary).toEqual([message]);
    expect(inputNamed(page, "name")?.attributes["aria-describedby"]).toBe("name-hint name-error");
    expect(await nameOf(email)).toBeNull();
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("CSRF", () => {
  it.each([
    ["/auth/account/name", { name: "Mallory" }],
    ["/auth/account/password", { current_password: STRONG_PASSWORD, new_password: "another long passphrase 77" }],
    ["/auth/account/phone", { phone: "+14155550123" }],
    ["/auth/account/phone/verify", { code: "123456" }],
    ["/auth/account/email", { email: "mallory@example.com" }],
    ["/auth/account/email/confirm", { code: "123456" }],
    ["/auth/account/sessions/revoke", { session_id: "0190a0a0-0000-7000-8000-000000000000" }],
    ["/auth/account/sessions/revoke-others", {}],
  ])("refuses a cross-site post to %s with the 403 page and changes nothing", async (path, fields) => {
    const client = await signUpBrowser(ctx);
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, path, fields, { origin: "https://evil.example" }));
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-error-code="csrf_rejected"');
    expect(page.headers.get("content-type")).toContain("text/html");
    const bare = await submitForm(client, path, fields, { origin: null });
    expect(bare.status).toBe(403);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
