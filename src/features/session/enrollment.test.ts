// Issue 14: forced second-factor enrollment. A holder of a REQUIRE_MFA_ROLES role without confirmed TOTP
// whose session proved no second factor gets a token with mfa_enroll, no roles and no tenant, and may only
// enroll TOTP (and look at itself, refresh, re-authenticate, sign out) until it has.
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
import type { TestClient } from "../../../test/helpers/client.ts";
import type { Echo } from "../../../test/helpers/gateway.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt, enrollTotp, registerPasskey } from "../../../test/helpers/second-factors.ts";
import { avoidStepEdge, keyOn } from "../../../test/helpers/security-page.ts";
import { addMember, insertTenant as createTenant } from "../../../test/helpers/tenancy.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
let acme: { id: string; slug: string };
beforeAll(async () => {
  ctx = await setUpAuthTest();
  acme = await createTenant(ctx, "acme");
});

const accessCookie = (client: TestClient) => client.cookies.get("__Host-portcullis_at") ?? "";
const codeOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];

/** An OWNER of acme (signed up through the Worker, role granted with SQL) signed in afresh with a password. */
async function ownerSignedIn(on = ctx): Promise<{ email: string; device: TestClient }> {
  const email = uniqueEmail("owner");
  await signUpBrowser(on, email);
  await addMember(on, email, acme.id, ["OWNER"]);
  const device = on.client();
  const response = await device.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
  expect(response.status).toBe(200);
  return { email, device };
}

describe("an OWNER without a second factor", () => {
  it("gets a token with mfa_enroll, no roles and no tenant; GET /auth/session says so", async () => {
    const { device } = await ownerSignedIn();
    const claims = claimsOf(accessCookie(device));
    expect(claims).toMatchObject({ mfa_enroll: true, roles: [] });
    expect(claims.tenant).toBeUndefined();
    const session = await device.request("/auth/session");
    expect(session.status).toBe(200);
    expect(((await session.json()) as { session: { mfaEnrollmentRequired: boolean } }).session).toMatchObject({
      mfaEnrollmentRequired: true,
    });
  });

  it("answers 403 mfa_enrollment_required on every other session route", async () => {
    const { device } = await ownerSignedIn();
    const refused: Array<[string, { method?: string; json?: unknown }]> = [
      ["/auth/sessions", {}],
      ["/auth/verify", {}],
      ["/auth/activity", {}],
      ["/auth/identities", {}],
      ["/auth/passkeys", {}],
      ["/auth/profile", { method: "PATCH", json: { name: "Mallory" } }],
      // Issue 15: profile and preferences are not among what an enrolling session may use.
      ["/auth/profile", {}],
      ["/auth/preferences", {}],
      ["/auth/preferences", { method: "PATCH", json: { theme: "DARK" } }],
      ["/auth/sessions/revoke-others", { method: "POST" }],
      ["/auth/password/change", { json: { currentPassword: STRONG_PASSWORD, newPassword: `${STRONG_PASSWORD}!` } }],
      ["/auth/passkeys/register/options", { method: "POST" }],
      ["/auth/mfa/recovery-codes", { method: "POST" }],
    ];
    for (const [path, options] of refused) {
      expect([path, ...(await codeOf(await device.request(path, options)))]).toEqual([
        path,
        403,
        "mfa_enrollment_required",
      ]);
    }
    const [user] = await ctx.sql<{ name: string | null }>(
      "SELECT u.name FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.id = $1::uuid",
      [String(claimsOf(accessCookie(device)).sid)],
    );
    expect(user?.name).not.toBe("Mallory");
    // The allowlist: it can still look at its factors, refresh and sign out.
    expect((await device.request("/auth/mfa")).status).toBe(200);
    expect((await device.request("/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(claimsOf(accessCookie(device)).mfa_enroll).toBe(true);
    expect((await device.request("/auth/logout", { method: "POST" })).status).toBe(204);
  });

  it("the gateway answers 403 for API calls and sends browsers to the TOTP setup with return_to", async () => {
    const { device } = await ownerSignedIn();
    expect(await codeOf(await device.request("/items/1"))).toEqual([403, "mfa_enrollment_required"]);
    const tenantUrl = `http://${acme.slug}.tenants.localhost/board?x=1`;
    expect(await codeOf(await device.request(tenantUrl))).toEqual([403, "mfa_enrollment_required"]);
    const page = await device.request("/items/1?x=1", { headers: { accept: "text/html" } });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe(`/auth/account/security?return_to=${encodeURIComponent("/items/1?x=1")}`);
  });

  it("hosted pages send it to the security page, which shows the authenticator setup", async () => {
    const { device } = await ownerSignedIn();
    const account = await device.request("/auth/account", { headers: { accept: "text/html" } });
    expect(account.status).toBe(302);
    expect(account.headers.get("location")).toBe(
      `/auth/account/security?return_to=${encodeURIComponent("/auth/account")}`,
    );
    const form = await device.request("/auth/account/name", {
      body: new URLSearchParams({ name: "Mallory" }),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect([form.status, form.headers.get("location")]).toEqual([303, "/auth/account/security"]);
    const security = await device.request("/auth/account/security");
    expect(security.status).toBe(200);
    expect(await security.text()).toContain("/auth/account/security/totp/enroll");
    const form2 = { "content-type": "application/x-www-form-urlencoded" };
    const start = await device.request("/auth/account/security/totp/enroll", { body: "", headers: form2 });
    expect([start.status, start.headers.get("location")]).toEqual([303, "/auth/account/security/totp"]);
    expect((await device.request("/auth/account/security/totp")).status).toBe(200);
  });

  it("the setup carries return_to through its forms and ends with a link back to the interrupted page", async () => {
    const { device } = await ownerSignedIn();
    const back = "/items/1?x=1";
    const security = await readPage(
      await device.request(`/auth/account/security?return_to=${encodeURIComponent(back)}`),
    );
    expect(inputNamed(security, "return_to")?.attributes.value).toBe(back);
    const start = await submitForm(device, "/auth/account/security/totp/enroll", { return_to: back });
    const setupPath = `/auth/account/security/totp?return_to=${encodeURIComponent(back)}`;
    expect([start.status, start.headers.get("location")]).toEqual([303, setupPath]);
    const setup = await readPage(await device.request(setupPath));
    expect(inputNamed(setup, "return_to")?.attributes.value).toBe(back);
    const secret = decodeBase32IgnorePadding((keyOn(setup) ?? "").replace(/ /g, ""));
    await avoidStepEdge();
    const wrong = await readPage(
      await submitForm(device, "/auth/account/security/totp/confirm", { code: "000000", return_to: back }),
    );
    expect([wrong.status, inputNamed(wrong, "return_to")?.attributes.value]).toEqual([400, back]);
    const done = await readPage(
      await submitForm(device, "/auth/account/security/totp/confirm", { code: codeAt(secret, -1), return_to: back }),
    );
    expect(done.status).toBe(200);
    expect(done.links.find((link) => link.attributes.id === "codes-done")?.attributes.href).toBe(back);
    expect(claimsOf(accessCookie(device)).mfa_enroll).toBeUndefined();
    expect((await device.request(back)).status).toBe(200);
  });

  it("an unsafe return_to is dropped: the setup ends on the security page", async () => {
    const { device } = await ownerSignedIn();
    for (const unsafe of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const security = await readPage(
        await device.request(`/auth/account/security?return_to=${encodeURIComponent(unsafe)}`),
      );
      expect(inputNamed(security, "return_to")).toBeUndefined();
      const start = await submitForm(device, "/auth/account/security/totp/enroll", { return_to: unsafe });
      expect(start.headers.get("location")).toBe("/auth/account/security/totp");
    }
    const setup = await readPage(
      await device.request("/auth/account/security/totp?return_to=https%3A%2F%2Fevil.example"),
    );
    expect(inputNamed(setup, "return_to")).toBeUndefined();
    const secret = decodeBase32IgnorePadding((keyOn(setup) ?? "").replace(/ /g, ""));
    await avoidStepEdge();
    const done = await readPage(
      await submitForm(device, "/auth/account/security/totp/confirm", {
        code: codeAt(secret, -1),
        return_to: "https://evil.example/",
      }),
    );
    expect(done.links.find((link) => link.attributes.id === "codes-done")?.attributes.href).toBe(
      "/auth/account/security",
    );
  });

  it("after enrolling TOTP the session has its full powers: roles, tenant, gateway and routes", async () => {
    const { device } = await ownerSignedIn();
    await enrollTotp(device);
    const claims = claimsOf(accessCookie(device));
    expect(claims.mfa_enroll).toBeUndefined();
    expect(claims).toMatchObject({ roles: ["OWNER"], tenant: acme.id, tenant_slug: acme.slug });
    const session = (await (await device.request("/auth/session")).json()) as {
      session: { mfaEnrollmentRequired: boolean };
    };
    expect(session.session.mfaEnrollmentRequired).toBe(false);
    expect((await device.request("/auth/sessions")).status).toBe(200);
    const proxied = await device.request(`http://${acme.slug}.tenants.localhost/board`);
    expect(proxied.status).toBe(200);
    expect(((await proxied.json()) as Echo).headers["x-auth-roles"]).toBe("OWNER");
  });
});

describe("no restriction", () => {
  it('with REQUIRE_MFA_ROLES="" an OWNER without a second factor has its roles at once', async () => {
    const relaxed = await setUpAuthTest({ REQUIRE_MFA_ROLES: "" });
    const tenant = await createTenant(relaxed, "relaxed");
    const email = uniqueEmail("owner");
    await signUpBrowser(relaxed, email);
    await addMember(relaxed, email, tenant.id, ["OWNER"]);
    const device = relaxed.client();
    expect((await device.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
    const claims = claimsOf(accessCookie(device));
    expect(claims.mfa_enroll).toBeUndefined();
    expect(claims).toMatchObject({ roles: ["OWNER"], tenant: tenant.id });
    expect((await device.request("/auth/sessions")).status).toBe(200);
    expect((await device.request(`http://${tenant.slug}.tenants.localhost/board`)).status).toBe(200);
  });

  it("a passkey sign-in with user verification (amr mfa) is not restricted", async () => {
    const email = uniqueEmail("owner-passkey");
    const client = await signUpBrowser(ctx, email);
    const { authenticator } = await registerPasskey(client);
    await addMember(ctx, email, acme.id, ["OWNER"]);
    const device = ctx.client();
    const options = await (await device.request("/auth/passkeys/login/options", { method: "POST" })).json();
    const assertion = await authenticator.authenticate(options as never);
    expect((await device.request("/auth/passkeys/login", { json: { response: assertion } })).status).toBe(200);
    const claims = claimsOf(accessCookie(device));
    expect(claims.amr).toContain("mfa");
    expect(claims.mfa_enroll).toBeUndefined();
    expect(claims).toMatchObject({ roles: ["OWNER"], tenant: acme.id });
    expect((await device.request("/auth/sessions")).status).toBe(200);
    // The same user signing in with only a password is restricted (no confirmed TOTP).
    const withPassword = ctx.client();
    await withPassword.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
    expect(claimsOf(accessCookie(withPassword)).mfa_enroll).toBe(true);
  });
});
