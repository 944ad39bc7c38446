// Review of issue 13 (external identities): attacks on linking from the account page and on the
// pending-link proof, driven through the Worker against the local OpenID provider. Each test states
// the safe behaviour; the ones that fail are findings (see the review report).
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../../test/helpers/auth.ts";
import type { TestClient } from "../../../../test/helpers/client.ts";
import {
  deliverCallback,
  locationOf,
  providerAccount,
  socialSignIn,
  startSocialSignIn,
} from "../../../../test/helpers/oauth-flow.ts";
import { signInAtProvider } from "../../../../test/helpers/oidc-provider.ts";
import { enrollTotp } from "../../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const LINK_QUERY = { intent: "link", return_to: "/auth/account/security" };

const countOf = (table: string, where?: string, params?: unknown[]) => ctx.count(table, where, params);

async function verifiedPasswordAccount(): Promise<{ email: string; owner: TestClient }> {
  const email = uniqueEmail("owner");
  const owner = await signUpBrowser(ctx, email);
  await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
  return { email, owner };
}

const identitiesOf = (email: string) =>
  countOf("external_identities", "user_id = (SELECT id FROM users WHERE email = $1)", [email]);

describe("linking from the account page", () => {
  it("does not finish a link whose starting session was ended before the provider answered", async () => {
    // A thief holding a stolen, recent session starts a link; the owner sees it and ends every other
    // session (as a password reset would). The thief's identity must not become a lasting way in.
    const { email, owner: thief } = await verifiedPasswordAccount();
    const ownerDevice = ctx.client();
    const login = await ownerDevice.request("/auth/login", { json: { email, password: STRONG_PASSWORD } });
    expect(login.status).toBe(200);
    const authorization = await startSocialSignIn(thief, "oidc", LINK_QUERY);
    const callback = await signInAtProvider(authorization.href, providerAccount(uniqueEmail("thief")));

    const revoked = await ownerDevice.request("/auth/sessions/revoke-others", { method: "POST" });
    expect(revoked.status).toBe(200);
    expect((await thief.request("/auth/session")).status).toBe(401);

    const response = await deliverCallback(thief, callback);
    expect(locationOf(response)).not.toBe("/auth/account/security?identity=linked");
    expect(await identitiesOf(email)).toBe(0);
  });

  it("does not start a link from a cross-site navigation (link CSRF with a provider session the attacker planted)", async () => {
    const { email, owner } = await verifiedPasswordAccount();
    const flowsBefore = await countOf("oauth_flows", "purpose = 'link'");
    // What a top-level navigation from another site sends: the Lax session cookies, Sec-Fetch-Site cross-site.
    const start = await owner.request("/auth/oauth/oidc/start?intent=link&return_to=%2Fauth%2Faccount%2Fsecurity", {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
    });
    const location = new URL(start.headers.get("location") ?? "/", "http://localhost");
    expect(location.origin).toBe("http://localhost");
    expect(await countOf("oauth_flows", "purpose = 'link'")).toBe(flowsBefore);
    if (location.origin !== "http://localhost") {
      // The provider knows the browser as the attacker (login CSRF there) and answers at once.
      const callback = await signInAtProvider(location.href, providerAccount(uniqueEmail("planted")));
      await deliverCallback(owner, callback);
    }
    expect(await identitiesOf(email)).toBe(0);
  });
});

describe("changing ways in with two-step sign-in on", () => {
  async function twoStepOwnerWithLinkedProvider() {
    const { email, owner } = await verifiedPasswordAccount();
    await enrollTotp(owner); // this session now counts as multi-factor
    const linked = await socialSignIn(owner, providerAccount(uniqueEmail("own-provider")), { query: LINK_QUERY });
    expect(locationOf(linked)).toBe("/auth/account/security?identity=linked");
    // A stolen session plus the password: a fresh step-up that proved only the password.
    const stepUp = await owner.request("/auth/reauthenticate", { json: { password: STRONG_PASSWORD } });
    expect(stepUp.status).toBe(200);
    const session = (await (await owner.request("/auth/session")).json()) as { session: { amr: string[] } };
    expect(session.session.amr).toEqual(["pwd"]);
    return { email, owner };
  }

  it("keeps a password-only step-up from linking a new provider, as it keeps it from adding a passkey", async () => {
    const { email, owner } = await twoStepOwnerWithLinkedProvider();
    const start = await owner.request("/auth/oauth/oidc/start?intent=link&return_to=%2Fauth%2Faccount%2Fsecurity", {
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location") ?? "/", "http://localhost");
    expect(location.origin).toBe("http://localhost");
    expect(location.pathname).toBe("/auth/reauthenticate");
    if (location.origin !== "http://localhost") {
      await deliverCallback(owner, await signInAtProvider(location.href, providerAccount(uniqueEmail("attacker"))));
    }
    expect(await identitiesOf(email)).toBe(1);
  });

  it("keeps a password-only step-up from unlinking a provider", async () => {
    const { email, owner } = await twoStepOwnerWithLinkedProvider();
    const listed = (await (await owner.request("/auth/identities")).json()) as { identities: { id: string }[] };
    const id = listed.identities[0]?.id;
    const removed = await owner.request(`/auth/identities/${id}`, { method: "DELETE" });
    expect(removed.status).toBe(401);
    expect(((await removed.json()) as ErrorBody).error.code).toBe("second_factor_required");
    expect(await identitiesOf(email)).toBe(1);
  });
});

describe("the pending link in a browser", () => {
  it("serves the page the callback sends a link_required browser to, so the owner can finish with proof", async () => {
    const { email } = await verifiedPasswordAccount();
    const browser = ctx.client();
    const response = await socialSignIn(browser, providerAccount(email));
    expect(locationOf(response)).toBe("/auth/link?return_to=%2Fdashboard");
    const page = await browser.request("/auth/link?return_to=%2Fdashboard");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type") ?? "").toMatch(/^text\/html/);
  });
});
