// Disabling a user: database and edge both refuse the user at once.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpApi,
  testEnv,
} from "../../../test/helpers/auth.ts";
import { loadConfig } from "../../config/index.ts";
import { deriveServerKeys } from "../../crypto/server-keys.ts";
import { loadSigningKeys, signingKeySetSchema } from "../../crypto/signing-keys.ts";
import { withDatabase } from "../../db/client.ts";
import { disableUser } from "./service.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

describe("disableUser", () => {
  it("revokes every session in the database, writes the edge marker, audits, and blocks sign-in", async () => {
    const first = await signUpApi(ctx);
    const [user] = await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [first.email]);
    const config = loadConfig({ ...testEnv, DATABASE_URL: ctx.databaseUrl });
    await withDatabase(config, async (db) => {
      const deps = {
        db,
        kv: config.kv,
        signingKeys: await loadSigningKeys(signingKeySetSchema.parse(JSON.parse(testEnv.SIGNING_KEYS))),
        serverKeys: await deriveServerKeys(testEnv.AUTH_SECRET),
        settings: config,
        now: new Date(),
      };
      expect(
        await disableUser(deps, {
          userId: user?.id ?? "",
          reason: "test",
          client: { ipHash: null, limitHash: null, scopeHash: null, userAgent: null },
        }),
      ).toBe("disabled");
      expect(
        await disableUser(deps, {
          userId: user?.id ?? "",
          reason: "again",
          client: { ipHash: null, limitHash: null, scopeHash: null, userAgent: null },
        }),
      ).toBe("unchanged");
    });

    expect((await ctx.client().request("/auth/session", { bearer: first.accessToken })).status).toBe(401);
    const refresh = await ctx
      .client()
      .request("/auth/refresh", { json: { refreshToken: first.refreshToken }, origin: null });
    expect(refresh.status).toBe(401);
    const sessions = await ctx.sql<{ reason: string }>(
      "SELECT revoke_reason AS reason FROM sessions WHERE user_id = $1",
      [user?.id],
    );
    expect(sessions.map((s) => s.reason)).toEqual(["user_disabled"]);
    expect(
      await ctx.sql("SELECT 1 FROM audit_events WHERE user_id = $1 AND action = 'user.disabled'", [user?.id]),
    ).toHaveLength(1);
    const login = await ctx
      .client()
      .request("/auth/login", { json: { email: first.email, password: STRONG_PASSWORD } });
    expect(login.status).toBe(403);
  });
});
