// The security page's "Sign-in methods": linking a provider from its link through the OpenID provider,
// the ?identity= notices, unlinking (mail, step-up, cross-site refusal) and never the last way in.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { type ParsedPage, readPage, submitForm } from "../../../test/helpers/html.ts";
import { deliverCallback, locationOf, providerAccount, socialSignIn } from "../../../test/helpers/oauth-flow.ts";
import { signInAtProvider } from "../../../test/helpers/oidc-provider.ts";
import { SECURITY } from "../../../test/helpers/security-page.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";
import { en } from "../messages/en.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const s = en.identities.security;
const LINK_OIDC = "/auth/oauth/oidc/start?intent=link&return_to=%2Fauth%2Faccount%2Fsecurity";

const identityRows = (page: ParsedPage) =>
  [...page.html.matchAll(/<tr data-identity-id="([0-9a-f-]{36})"><th scope="row">([^<]*)<\/th><td>([^<]*)<\/td>/g)].map(
    ([, id, provider, email]) => ({ id, provider, email }),
  );

const countIdentities = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM external_identities WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [email],
    )
  )[0]?.n;

/** A verified password account that linked the test OP from the security page's link. */
async function ownerWithLinkedOp(): Promise<{ email: string; owner: TestClient; providerEmail: string }> {
  const email = uniqueEmail("methods");
  const owner = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  const before = await readPage(await owner.request(SECURITY));
  // HTMLRewriter hands attributes over as written (&amp; in the href).
  const href = before.links.find((link) => link.attributes.id === "link-oidc")?.attributes.href;
  expect(href?.replaceAll("&amp;", "&")).toBe(LINK_OIDC);
  const start = await owner.request(LINK_OIDC, { headers: { "sec-fetch-site": "same-origin" } });
  expect(start.status).toBe(302);
  const providerEmail = uniqueEmail("at-op");
  const callback = await signInAtProvider(start.headers.get("location") ?? "", providerAccount(providerEmail));
  expect(locationOf(await deliverCallback(owner, callback))).toBe(`${SECURITY}?identity=linked`);
  return { email, owner, providerEmail };
}

describe("the Sign-in methods section", () => {
  it("lists nothing linked yet and offers a Link link per configured provider", async () => {
    const page = await readPage(await (await signUpBrowser(ctx)).request(SECURITY));
    expect(page.text).toContain(s.heading);
    expect(page.text).toContain(s.none);
    const links = page.links.filter((link) => link.attributes.id?.startsWith("link-"));
    expect(links.map((link) => link.text)).toEqual(
      expect.arrayContaining(["Link Single sign-on", "Link Google", "Link GitHub", "Link Apple", "Link Microsoft"]),
    );
    expect(links).toHaveLength(8);
    expect(page.inlineHandlers).toEqual([]);
  });

  it("links a provider from its link and shows it with its email, the notice, and no Link link for it", async () => {
    const { owner, providerEmail } = await ownerWithLinkedOp();
    const page = await readPage(await owner.request(`${SECURITY}?identity=linked`));
    expect(page.text).toContain(en.identities.outcomes.linked);
    expect(identityRows(page)).toEqual([{ id: expect.any(String), provider: "Single sign-on", email: providerEmail }]);
    expect(page.html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">/);
    expect(page.links.some((link) => link.attributes.id === "link-oidc")).toBe(false);
    expect(page.links.some((link) => link.attributes.id === "link-google")).toBe(true);
  });

  it("shows each ?identity= outcome as a notice, and nothing for an unknown one", async () => {
    const client = await signUpBrowser(ctx);
    for (const [outcome, message] of Object.entries(en.identities.outcomes)) {
      const page = await readPage(await client.request(`${SECURITY}?identity=${outcome}`));
      expect(page.html).toContain(`<p class="notice" role="status">${message}</p>`);
    }
    const unknown = await readPage(await client.request(`${SECURITY}?identity=%3Cb%3Ehi`));
    expect(unknown.html).not.toContain('class="notice"');
    expect(unknown.html).not.toContain("<b>hi");
  });
});

describe("unlinking", () => {
  it("unlinks after the page's POST, mails the owner and says so", async () => {
    const { email, owner } = await ownerWithLinkedOp();
    const [row] = identityRows(await readPage(await owner.request(SECURITY)));
    const response = await submitForm(owner, `${SECURITY}/identities/${row?.id}/unlink`, {});
    expect([response.status, response.headers.get("location")]).toEqual([303, `${SECURITY}?done=identity_unlinked`]);
    expect(await countIdentities(email)).toBe(0);
    const page = await readPage(await owner.request(`${SECURITY}?done=identity_unlinked`));
    expect(page.text).toContain(en.accountSecurity.done.identity_unlinked);
    expect(page.text).toContain(s.none);
    const mail = await ctx.sql<{ template: string }>("SELECT template FROM outbox_messages WHERE recipient = $1", [
      email,
    ]);
    expect(mail.map((m) => m.template)).toContain("identity_unlinked_notice");
  });

  it("refuses to unlink the only way to sign in, as a plain error", async () => {
    const client = ctx.client();
    const email = uniqueEmail("only-social");
    expect(locationOf(await socialSignIn(client, providerAccount(email)))).toBe("/dashboard");
    const [row] = identityRows(await readPage(await client.request(SECURITY)));
    const page = await readPage(await submitForm(client, `${SECURITY}/identities/${row?.id}/unlink`, {}));
    expect(page.status).toBe(409);
    expect(page.summary).toEqual([s.lastSignInMethod]);
    expect(await countIdentities(email)).toBe(1);
  });

  it("sends a stale session to confirm it is you first, and removes nothing", async () => {
    const { email, owner } = await ownerWithLinkedOp();
    const [row] = identityRows(await readPage(await owner.request(SECURITY)));
    await ageAccessCookie(owner);
    const response = await submitForm(owner, `${SECURITY}/identities/${row?.id}/unlink`, {});
    expect([response.status, response.headers.get("location")]).toEqual([
      303,
      `/auth/reauthenticate?return_to=${encodeURIComponent(SECURITY)}`,
    ]);
    expect(await countIdentities(email)).toBe(1);
  });

  it("refuses a cross-site unlink and removes nothing", async () => {
    const { email, owner } = await ownerWithLinkedOp();
    const [row] = identityRows(await readPage(await owner.request(SECURITY)));
    const refused = await submitForm(
      owner,
      `${SECURITY}/identities/${row?.id}/unlink`,
      {},
      {
        origin: "https://evil.example",
      },
    );
    expect(refused.status).toBe(403);
    expect(await countIdentities(email)).toBe(1);
  });

  it("answers 404 for an identity that is not the user's or not an id", async () => {
    const { email, owner } = await ownerWithLinkedOp();
    const other = await ownerWithLinkedOp();
    const [theirs] = identityRows(await readPage(await other.owner.request(SECURITY)));
    for (const id of [theirs?.id, crypto.randomUUID(), "not-an-id"]) {
      const page = await readPage(await submitForm(owner, `${SECURITY}/identities/${id}/unlink`, {}));
      expect(page.status).toBe(404);
      expect(page.summary).toEqual([s.notFound]);
    }
    expect(await countIdentities(email)).toBe(1);
    expect(await countIdentities(other.email)).toBe(1);
  });

  it("sends a POST without a session to sign in", async () => {
    const response = await submitForm(ctx.client(), `${SECURITY}/identities/${crypto.randomUUID()}/unlink`, {});
    expect([response.status, response.headers.get("location")]).toEqual([
      303,
      `/auth/sign-in?return_to=${encodeURIComponent(SECURITY)}`,
    ]);
  });
});
