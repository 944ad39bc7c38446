// Login history (issue 15): GET /auth/activity and the admin user view list every sign-in attempt with
// its method, result, ip_hash, user agent and, once the session has ended, its length in minutes.
import { beforeAll, describe, expect, it } from "vitest";
import { signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { mintOidcToken } from "../../../test/helpers/federated-tokens.ts";
import { readPage } from "../../../test/helpers/html.ts";
import { providerAccount, socialSignIn } from "../../../test/helpers/oauth-flow.ts";
import { registerPasskey } from "../../../test/helpers/second-factors.ts";
import { TEST_OIDC } from "../../../test/providers/federated-presets.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type Entry = {
  id: string;
  at: string;
  success: boolean;
  method: string | null;
  provider: string | null;
  issuer: string | null;
  ipHash: string | null;
  userAgent: string | null;
  sessionId: string | null;
  durationMinutes: number | null;
};
type History = { activity: Entry[]; nextCursor: string | null };

const AGENT = "HistoryBrowser/2.0";

async function historyOf(client: TestClient, query = "", bearer?: string): Promise<History> {
  const response = await client.request(`/auth/activity${query}`, bearer ? { bearer } : {});
  expect(response.status).toBe(200);
  return (await response.json()) as History;
}

function logIn(email: string, password = STRONG_PASSWORD) {
  const client = ctx.client();
  const response = client.request("/auth/login", { json: { email, password }, headers: { "user-agent": AGENT } });
  return { client, response };
}

describe("GET /auth/activity", () => {
  it("lists password sign-ins and failed attempts with method, ip_hash and user agent, newest first", async () => {
    const email = uniqueEmail("hist-pw");
    const owner = await signUpBrowser(ctx, email);
    const failed = logIn(email, "wrong password entirely 99");
    expect((await failed.response).status).toBe(401);
    const ok = logIn(email);
    expect((await ok.response).status).toBe(200);

    const { activity } = await historyOf(owner);
    expect(activity.slice(0, 2)).toMatchObject([
      { success: true, method: "password", userAgent: AGENT, durationMinutes: null },
      { success: false, method: "password", userAgent: AGENT, sessionId: null, durationMinutes: null },
    ]);
    expect(activity[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const entry of activity) expect(entry.ipHash).toMatch(/^[0-9a-f]{64}$/);
    // Never a raw IP anywhere in the answer.
    expect(JSON.stringify(activity)).not.toContain(ok.client.ip);
  });

  it("gives a signed-out session's length in whole minutes, and an expired one's up to when it was last seen", async () => {
    const email = uniqueEmail("hist-dur");
    const owner = await signUpBrowser(ctx, email);
    const first = logIn(email);
    expect((await first.response).status).toBe(200);
    expect((await first.client.request("/auth/logout", { method: "POST" })).status).toBeLessThan(300);
    const second = logIn(email);
    expect((await second.response).status).toBe(200);

    const [ended, expired] = (await historyOf(owner)).activity.slice(0, 2).reverse();
    // The signed-out session began 90.5 minutes before it was revoked; the other was last seen 30 minutes in.
    await ctx.sql(
      "UPDATE sessions SET created_at = revoked_at - interval '90 minutes 30 seconds' WHERE id = $1 AND revoked_at IS NOT NULL",
      [ended?.sessionId],
    );
    await ctx.sql(
      `UPDATE sessions SET created_at = now() - interval '2 hours', last_seen_at = now() - interval '90 minutes',
         expires_at = now() - interval '1 minute' WHERE id = $1`,
      [expired?.sessionId],
    );
    const after = (await historyOf(owner)).activity;
    expect(after.find((entry) => entry.sessionId === ended?.sessionId)?.durationMinutes).toBe(90);
    expect(after.find((entry) => entry.sessionId === expired?.sessionId)?.durationMinutes).toBe(30);
  });

  it("records a usernameless passkey sign-in as passkey", async () => {
    const email = uniqueEmail("hist-passkey");
    const owner = await signUpBrowser(ctx, email);
    const { authenticator } = await registerPasskey(owner);
    const device = ctx.client();
    const options = await (await device.request("/auth/passkeys/login/options", { method: "POST" })).json();
    const response = await device.request("/auth/passkeys/login", {
      json: { response: await authenticator.authenticate(options as never) },
      headers: { "user-agent": AGENT },
    });
    expect(response.status).toBe(200);
    const [latest] = (await historyOf(owner)).activity;
    expect(latest).toMatchObject({ success: true, method: "passkey", userAgent: AGENT, durationMinutes: null });
  });

  it("names the provider of a social sign-in and the issuer of a token exchange", async () => {
    const email = uniqueEmail("hist-social");
    const browser = ctx.client();
    expect((await socialSignIn(browser, providerAccount(email))).status).toBe(302);
    const [social] = (await historyOf(browser)).activity;
    expect(social).toMatchObject({ success: true, method: "oauth", provider: "oidc", issuer: null });

    const token = await mintOidcToken({ email: uniqueEmail("hist-fed"), email_verified: true });
    const exchange = await ctx.client().request("/auth/token", {
      json: {
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: token,
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      },
      origin: null,
    });
    expect(exchange.status).toBe(200);
    const { access_token } = (await exchange.json()) as { access_token: string };
    const [federated] = (await historyOf(ctx.client(), "", access_token)).activity;
    expect(federated).toMatchObject({ success: true, method: "federated", issuer: TEST_OIDC.issuer });
  });

  it("pages with a cursor: limit entries, then the ones before the last", async () => {
    const email = uniqueEmail("hist-page");
    const owner = await signUpBrowser(ctx, email);
    for (let i = 0; i < 3; i++) expect((await logIn(email).response).status).toBe(200);
    const first = await historyOf(owner, "?limit=2");
    expect(first.activity).toHaveLength(2);
    expect(first.nextCursor).toBe(first.activity[1]?.id);
    const second = await historyOf(owner, `?limit=2&before=${first.nextCursor}`);
    expect(second.activity).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(second.activity[0]?.id).not.toBe(first.activity[0]?.id);
    expect((second.activity[0]?.id ?? "") < (first.activity[1]?.id ?? "")).toBe(true);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=abc", "limit"],
    ["limit=1000", "limit"],
    ["limit=2.5", "limit"],
    ["before=not-a-uuid", "before"],
    ["unknown=1", "query"],
  ])("refuses ?%s with 400 invalid_request and changes nothing", async (query, path) => {
    const owner = await signUpBrowser(ctx, uniqueEmail("hist-bad"));
    const before = await ctx.snapshot();
    const response = await owner.request(`/auth/activity?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.fields?.[0]?.path).toBe(path);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers 401 without a session", async () => {
    const response = await ctx.client().request("/auth/activity");
    expect(response.status).toBe(401);
  });
});

describe("the admin user view", () => {
  it("shows the same history in the API and on the console page", async () => {
    const admin = await signedInPlatformAdmin(ctx);
    const email = uniqueEmail("hist-admin");
    const owner = await signUpBrowser(ctx, email);
    expect((await logIn(email, "wrong password entirely 99").response).status).toBe(401);
    expect((await logIn(email).response).status).toBe(200);
    const own = (await historyOf(owner)).activity;
    const userId = await userIdOf(ctx, email);

    const detail = await admin.client.request(`/admin/users/${userId}`);
    expect(detail.status).toBe(200);
    const { loginHistory } = (await detail.json()) as { loginHistory: Entry[] };
    expect(loginHistory).toEqual(own);

    const page = await readPage(await admin.client.request(`/auth/admin/users/${userId}`));
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-section="login-history"');
    expect(page.html).toContain('data-activity="failed"');
    expect(page.html).toContain(own[0]?.ipHash?.slice(0, 12));
  });
});
