// Passkeys on the security page: the options route the script calls, registration with a software
// authenticator's response, garbage responses, rename, remove, and the last sign-in method.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import { createSoftwareAuthenticator } from "../../../test/helpers/authenticator.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { registerPasskey, TEST_RP } from "../../../test/helpers/second-factors.ts";
import { enrollOnPage, SECURITY } from "../../../test/helpers/security-page.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const OPTIONS = `${SECURITY}/passkeys/options`;
const REAUTHENTICATE = `/auth/reauthenticate?return_to=${encodeURIComponent(SECURITY)}`;

const passkeysOf = async (client: TestClient) =>
  ((await (await client.request("/auth/passkeys")).json()) as { passkeys: { id: string; name: string }[] }).passkeys;

/** The options route as the script calls it, then the software authenticator's response. */
async function ceremony(client: TestClient) {
  const options = await client.request(OPTIONS, { json: {} });
  expect(options.status).toBe(200);
  const body = (await options.json()) as { options: Record<string, unknown> };
  return createSoftwareAuthenticator(TEST_RP).register(body.options as never);
}

describe("the add-a-passkey form and its options route", () => {
  it("marks the form up for the passkey script, hidden until the script reveals it", async () => {
    const page = await readPage(await (await signUpBrowser(ctx)).request(SECURITY));
    const form = page.forms.find((f) => f.attributes.action === `${SECURITY}/passkeys`);
    expect(form?.attributes).toMatchObject({
      method: "post",
      "data-passkey-register": expect.any(String),
      "data-options-url": OPTIONS,
      hidden: "",
    });
    expect(inputNamed(page, "passkey_response")?.attributes.type).toBe("hidden");
    expect(inputNamed(page, "name")?.attributes.autocomplete).toBe("off");
    expect(page.buttons.some((b) => "data-passkey-start" in b.attributes && b.attributes.type === "button")).toBe(true);
  });

  it("answers JSON creation options for this user, not cached", async () => {
    const client = await signUpBrowser(ctx);
    const response = await client.request(OPTIONS, { json: {} });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { options } = (await response.json()) as {
      options: { challenge: string; rp: { id: string }; user: { name: string }; authenticatorSelection: object };
    };
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(options.rp.id).toBe("localhost");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required" });
  });

  it("answers JSON errors: no session, a bad body, a session that must step up first", async () => {
    const noSession = await ctx.client().request(OPTIONS, { json: {} });
    expect(noSession.status).toBe(401);
    expect(((await noSession.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const client = await signUpBrowser(ctx);
    const bad = await client.request(OPTIONS, { json: { extra: 1 } });
    expect(bad.status).toBe(400);
    await ageAccessCookie(client);
    const stale = await client.request(OPTIONS, { json: {} });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("reauthentication_required");
  });
});

describe("registering a passkey from the form", () => {
  it("verifies the ceremony's response with the same service as the API, then redirects (303)", async () => {
    const client = await signUpBrowser(ctx);
    const response = await ceremony(client);
    const added = await submitForm(client, `${SECURITY}/passkeys`, {
      name: "Work laptop",
      passkey_response: JSON.stringify(response),
    });
    expect([added.status, added.headers.get("location")]).toEqual([303, `${SECURITY}?done=passkey_added`]);
    expect((await passkeysOf(client)).map((p) => p.name)).toEqual(["Work laptop"]);
    const page = await readPage(await client.request(added.headers.get("location") ?? ""));
    expect(page.text).toContain("Passkey added.");
    expect(page.text).toContain("Work laptop");
    expect(page.text).toContain("Never");
  });

  it("names it 'Passkey' when the name is left empty, as the API does", async () => {
    const client = await signUpBrowser(ctx);
    const response = await ceremony(client);
    const added = await submitForm(client, `${SECURITY}/passkeys`, { passkey_response: JSON.stringify(response) });
    expect(added.status).toBe(303);
    expect((await passkeysOf(client)).map((p) => p.name)).toEqual(["Passkey"]);
  });

  it("refuses garbage and a forged response, writing nothing but the audit of the forged one", async () => {
    const client = await signUpBrowser(ctx);
    const response = await ceremony(client);
    const forged = { ...response, response: { ...response.response, clientDataJSON: "AAAA" } };
    const before = await ctx.snapshot();
    for (const passkey_response of ["", "not json", "{}", '{"id":"x"}', JSON.stringify(forged)]) {
      const page = await readPage(
        await submitForm(client, `${SECURITY}/passkeys`, { name: "Phone", passkey_response }),
      );
      expect([page.status, page.summary]).toEqual([400, ["The passkey could not be verified. Try again."]]);
      expect(inputNamed(page, "name")?.attributes.value).toBe("Phone");
    }
    expect(await passkeysOf(client)).toEqual([]);
    // Only the forged one reaches the verifier, which audits the rejection (as for the API).
    expect(await ctx.snapshot()).toEqual({ ...before, audit_events: (before.audit_events ?? 0) + 1 });
    const [audit] = await ctx.sql<{ action: string; success: boolean }>(
      "SELECT action, success FROM audit_events ORDER BY created_at DESC LIMIT 1",
    );
    expect(audit).toEqual({ action: "passkey.rejected", success: false });
  });

  it("refuses a name with control characters next to the field", async () => {
    const client = await signUpBrowser(ctx);
    const response = await ceremony(client);
    const page = await readPage(
      await submitForm(client, `${SECURITY}/passkeys`, {
        name: "bad\u0007",
        passkey_response: JSON.stringify(response),
      }),
    );
    expect([page.status, page.fieldErrors.name]).toEqual([
      400,
      "Enter a name of up to 64 characters, without control characters.",
    ]);
    expect(await passkeysOf(client)).toEqual([]);
  });

  it("sends a password-only session of a two-step user to step-up, as the API does", async () => {
    const client = await signUpBrowser(ctx);
    await enrollOnPage(client);
    await ageAccessCookie(client, ["pwd"]);
    const page = await readPage(await client.request(SECURITY));
    expect(page.forms.some((f) => f.attributes.action === `${SECURITY}/passkeys`)).toBe(false);
    expect(page.links.map((l) => l.attributes.href)).toContain(REAUTHENTICATE);
    const post = await submitForm(client, `${SECURITY}/passkeys`, { name: "x", passkey_response: "{}" });
    expect([post.status, post.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
  });
});

describe("renaming and removing passkeys", () => {
  it("renames one, refusing an empty name next to its field", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    const empty = await readPage(await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/rename`, { name: " " }));
    expect(empty.status).toBe(400);
    expect(empty.fieldErrors[`passkey-name-${passkeyId}`]).toBe(
      "Enter a name of up to 64 characters, without control characters.",
    );
    expect((await passkeysOf(client)).map((p) => p.name)).toEqual(["Laptop"]);
    const renamed = await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/rename`, { name: "Desk key" });
    expect([renamed.status, renamed.headers.get("location")]).toEqual([303, `${SECURITY}?done=passkey_renamed`]);
    expect((await passkeysOf(client)).map((p) => p.name)).toEqual(["Desk key"]);
  });

  it("answers 404 for an unknown id, a malformed one and another user's passkey", async () => {
    const owner = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(owner);
    const other = await signUpBrowser(ctx);
    for (const id of [crypto.randomUUID(), "not-an-id", passkeyId]) {
      for (const action of ["rename", "remove"]) {
        const page = await readPage(await submitForm(other, `${SECURITY}/passkeys/${id}/${action}`, { name: "Mine" }));
        expect([page.status, page.summary]).toEqual([404, ["That passkey does not exist any more."]]);
      }
    }
    expect((await passkeysOf(owner)).map((p) => p.name)).toEqual(["Laptop"]);
  });

  it("removes one", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    const removed = await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/remove`, {});
    expect([removed.status, removed.headers.get("location")]).toEqual([303, `${SECURITY}?done=passkey_removed`]);
    expect(await passkeysOf(client)).toEqual([]);
  });

  it("refuses to remove the last way to sign in, and says so plainly", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    await ctx.sql(
      "UPDATE accounts SET password_hash = NULL WHERE user_id = (SELECT user_id FROM passkeys WHERE id = $1)",
      [passkeyId],
    );
    const before = await ctx.snapshot();
    const page = await readPage(await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/remove`, {}));
    expect(page.status).toBe(409);
    expect(page.summary).toEqual([
      "This passkey is your only way to sign in. Add a password or another passkey before removing it.",
    ]);
    expect(await passkeysOf(client)).toHaveLength(1);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("sends a stale session to step-up before removing", async () => {
    const client = await signUpBrowser(ctx);
    const { passkeyId } = await registerPasskey(client);
    await ageAccessCookie(client);
    const response = await submitForm(client, `${SECURITY}/passkeys/${passkeyId}/remove`, {});
    expect([response.status, response.headers.get("location")]).toEqual([303, REAUTHENTICATE]);
    expect(await passkeysOf(client)).toHaveLength(1);
  });
});
