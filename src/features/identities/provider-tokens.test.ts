// Provider tokens kept for an entry with storeTokens: sealed in the database (never plaintext), handed
// only to their owner, refreshed once under concurrency (a rotating refresh token is spent once),
// invalid_grant → re-consent, deleted with the identity.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, uniqueEmail } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { providerAccount, socialSignIn } from "../../../test/helpers/oauth-flow.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type TokenRow = {
  identity_id: string;
  access_token_ciphertext: string;
  refresh_token_ciphertext: string | null;
  key_version: number;
  updated_at: Date;
};

async function signedInWithTokens(): Promise<{ client: TestClient; identityId: string; row: TokenRow }> {
  const client = ctx.client();
  const response = await socialSignIn(client, providerAccount(uniqueEmail("tokens")), { provider: "oidc-tokens" });
  expect(response.status).toBe(302);
  const listed = (await (await client.request("/auth/identities")).json()) as {
    identities: { id: string; tokensStored: boolean }[];
  };
  const identity = listed.identities[0];
  expect(identity?.tokensStored).toBe(true);
  const [row] = await ctx.sql<TokenRow>("SELECT * FROM provider_tokens WHERE identity_id = $1", [identity?.id]);
  if (!row || !identity) throw new Error("no stored tokens");
  return { client, identityId: identity.id, row };
}

const accessTokenOf = async (client: TestClient, identityId: string) => {
  const response = await client.request(`/auth/identities/${identityId}/access-token`, { method: "POST" });
  return {
    status: response.status,
    body: (await response.json()) as { accessToken?: string; error?: { code: string } },
  };
};

describe("stored provider tokens", () => {
  it("are sealed at rest and handed back only to their owner", async () => {
    const { client, identityId, row } = await signedInWithTokens();
    const fresh = await accessTokenOf(client, identityId);
    expect(fresh.status).toBe(200);
    const accessToken = fresh.body.accessToken ?? "";
    expect(accessToken.length).toBeGreaterThan(10);
    // Neither token is stored as plaintext anywhere in the row.
    expect(row.access_token_ciphertext).not.toContain(accessToken);
    expect(JSON.stringify(row)).not.toContain(accessToken);
    expect(row.refresh_token_ciphertext).toBeTruthy();
    // Another user cannot read them.
    const other = ctx.client();
    await socialSignIn(other, providerAccount(uniqueEmail("other")));
    expect((await accessTokenOf(other, identityId)).status).toBe(404);
  });

  it("are not kept for entries without storeTokens", async () => {
    const client = ctx.client();
    await socialSignIn(client, providerAccount(uniqueEmail("no-tokens")));
    const listed = (await (await client.request("/auth/identities")).json()) as { identities: { id: string }[] };
    const id = listed.identities[0]?.id ?? "";
    expect(await ctx.sql("SELECT 1 FROM provider_tokens WHERE identity_id = $1", [id])).toHaveLength(0);
    const answer = await accessTokenOf(client, id);
    expect([answer.status, answer.body.error?.code]).toEqual([404, "provider_token_not_stored"]);
  });

  it("refresh an expired access token once for concurrent requests, spending the rotating refresh token once", async () => {
    const { client, identityId, row } = await signedInWithTokens();
    const before = (await accessTokenOf(client, identityId)).body.accessToken;
    await ctx.sql(
      "UPDATE provider_tokens SET access_token_expires_at = now() - interval '1 minute' WHERE identity_id = $1",
      [identityId],
    );
    const answers = await Promise.all(Array.from({ length: 3 }, () => accessTokenOf(client, identityId)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const tokens = new Set(answers.map((answer) => answer.body.accessToken));
    expect(tokens.size).toBe(1);
    expect(tokens.has(before)).toBe(false);
    const [after] = await ctx.sql<TokenRow & { refresh_locked_until: Date | null }>(
      "SELECT * FROM provider_tokens WHERE identity_id = $1",
      [identityId],
    );
    expect(after?.refresh_token_ciphertext).not.toBe(row.refresh_token_ciphertext);
    expect(after?.refresh_locked_until).toBeNull();
    // The rotated refresh token still works: had two requests spent the old one, the provider would
    // have revoked the grant and this refresh would fail.
    await ctx.sql(
      "UPDATE provider_tokens SET access_token_expires_at = now() - interval '1 minute' WHERE identity_id = $1",
      [identityId],
    );
    expect((await accessTokenOf(client, identityId)).status).toBe(200);
  });

  it("mark the identity as needing consent again when the provider refuses the refresh token", async () => {
    const { client, identityId, row } = await signedInWithTokens();
    const expire = () =>
      ctx.sql(
        "UPDATE provider_tokens SET access_token_expires_at = now() - interval '1 minute' WHERE identity_id = $1",
        [identityId],
      );
    await expire();
    expect((await accessTokenOf(client, identityId)).status).toBe(200); // spends the first refresh token
    // Put the spent (rotated) refresh token back: the provider answers invalid_grant.
    await ctx.sql("UPDATE provider_tokens SET refresh_token_ciphertext = $2, key_version = $3 WHERE identity_id = $1", [
      identityId,
      row.refresh_token_ciphertext,
      row.key_version,
    ]);
    await expire();
    const refused = await accessTokenOf(client, identityId);
    expect([refused.status, refused.body.error?.code]).toEqual([409, "provider_reconsent_required"]);
    const [identity] = await ctx.sql<{ reconsent: boolean }>(
      "SELECT reconsent_at IS NOT NULL AS reconsent FROM external_identities WHERE id = $1",
      [identityId],
    );
    expect(identity?.reconsent).toBe(true);
    const listed = (await (await client.request("/auth/identities")).json()) as {
      identities: { reconsentRequired: boolean }[];
    };
    expect(listed.identities[0]?.reconsentRequired).toBe(true);
  });

  it("do not open when copied onto another identity's row", async () => {
    const first = await signedInWithTokens();
    const second = await signedInWithTokens();
    await ctx.sql("UPDATE provider_tokens SET access_token_ciphertext = $2, key_version = $3 WHERE identity_id = $1", [
      second.identityId,
      first.row.access_token_ciphertext,
      first.row.key_version,
    ]);
    const answer = await accessTokenOf(second.client, second.identityId);
    expect([answer.status, answer.body.error?.code]).toEqual([404, "provider_token_not_stored"]);
  });

  it("are deleted with the identity when it is unlinked", async () => {
    const { client, identityId } = await signedInWithTokens();
    // A second way in, so the identity is not the last one.
    await socialSignIn(client, providerAccount(uniqueEmail("second")), {
      query: { intent: "link", return_to: "/auth/account/security" },
    });
    expect((await client.request(`/auth/identities/${identityId}`, { method: "DELETE" })).status).toBe(200);
    expect(await ctx.sql("SELECT 1 FROM provider_tokens WHERE identity_id = $1", [identityId])).toHaveLength(0);
  });

  it("are deleted with the user", async () => {
    const { identityId } = await signedInWithTokens();
    await ctx.sql("DELETE FROM users WHERE id = (SELECT user_id FROM external_identities WHERE id = $1)", [identityId]);
    expect(await ctx.sql("SELECT 1 FROM provider_tokens WHERE identity_id = $1", [identityId])).toHaveLength(0);
    expect(await ctx.sql("SELECT 1 FROM external_identities WHERE id = $1", [identityId])).toHaveLength(0);
  });
});
