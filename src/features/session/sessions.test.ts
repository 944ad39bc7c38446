// The user's sessions: current session, list, revoke one or the others, logout, password change.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { TestClient } from "../../../test/helpers/client.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function twoDevices() {
  const email = uniqueEmail();
  const first = await signUpBrowser(ctx, email);
  const second = ctx.client();
  expect((await second.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
  return { email, first, second };
}

type SessionList = { sessions: Array<{ id: string; current: boolean }> };

describe("sessions", () => {
  it("shows the current user and session", async () => {
    const email = uniqueEmail();
    const client = await signUpBrowser(ctx, email);
    const response = await client.request("/auth/session");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: Record<string, unknown>; session: Record<string, unknown> };
    expect(body.user).toMatchObject({ email, emailVerified: false });
    expect(body.session.amr).toEqual(["pwd"]);
  });

  it("lists the user's active sessions and marks the current one", async () => {
    const { first } = await twoDevices();
    const { sessions } = (await (await first.request("/auth/sessions")).json()) as SessionList;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
  });

  it("revokes another session, whose access token stops working at once", async () => {
    const { first, second } = await twoDevices();
    const { sessions } = (await (await first.request("/auth/sessions")).json()) as SessionList;
    const other = sessions.find((s) => !s.current);
    const response = await first.request(`/auth/sessions/${other?.id}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect((await second.request("/auth/session")).status).toBe(401);
    expect((await second.request("/auth/refresh", { method: "POST" })).status).toBe(401);
    expect((await first.request("/auth/session")).status).toBe(200);
  });

  it("answers 404 for a session of another user and 400 for a malformed id, changing nothing", async () => {
    const { first } = await twoDevices();
    const stranger = await signUpBrowser(ctx);
    const { sessions } = (await (await stranger.request("/auth/sessions")).json()) as SessionList;
    const before = await ctx.snapshot();
    const foreign = await first.request(`/auth/sessions/${sessions[0]?.id}`, { method: "DELETE" });
    expect([foreign.status, ((await foreign.json()) as ErrorBody).error.code]).toEqual([404, "session_not_found"]);
    const malformed = await first.request("/auth/sessions/not-a-uuid", { method: "DELETE" });
    expect([malformed.status, ((await malformed.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    expect(await ctx.snapshot()).toEqual(before);
    expect((await stranger.request("/auth/session")).status).toBe(200);
  });

  it("revokes every other session", async () => {
    const { first, second } = await twoDevices();
    const response = await first.request("/auth/sessions/revoke-others", { method: "POST" });
    expect(await response.json()).toEqual({ revoked: 1 });
    expect((await second.request("/auth/session")).status).toBe(401);
    expect((await first.request("/auth/session")).status).toBe(200);
  });

  it("logs out: revokes the session, clears the cookies, and works with an expired access token", async () => {
    const client = await signUpBrowser(ctx);
    const accessToken = [...client.cookies].find(([name]) => name.endsWith("_at"))?.[1] ?? "";
    client.cookies.delete("__Host-portcullis_at"); // as if the access token had expired
    const response = await client.request("/auth/logout", { method: "POST" });
    expect(response.status).toBe(204);
    expect(client.lastSetCookies.every((cookie) => cookie.attributes.some((a) => /^max-age=0$/i.test(a)))).toBe(true);
    expect(client.cookies.size).toBe(0);
    expect((await ctx.client().request("/auth/session", { bearer: accessToken })).status).toBe(401);
  });

  it("requires a session for every session route", async () => {
    const anonymous = ctx.client();
    for (const [path, method] of [
      ["/auth/session", "GET"],
      ["/auth/sessions", "GET"],
      ["/auth/activity", "GET"],
      ["/auth/sessions/revoke-others", "POST"],
      ["/auth/password/change", "POST"],
    ] as const) {
      const response = await anonymous.request(path, { method });
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorBody).error.code).toBe("unauthenticated");
    }
  });
});

describe("POST /auth/password/change", () => {
  it("changes the password, keeps this session and ends the others", async () => {
    const { email, first, second } = await twoDevices();
    const newPassword = "a brand new passphrase 2026";
    const response = await first.request("/auth/password/change", {
      json: { current: STRONG_PASSWORD, new: newPassword },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "changed", revokedSessions: 1 });
    expect((await first.request("/auth/session")).status).toBe(200);
    expect((await second.request("/auth/session")).status).toBe(401);
    const login = (password: string) => ctx.client().request("/auth/login", { json: { email, password } });
    expect((await login(STRONG_PASSWORD)).status).toBe(401);
    expect((await login(newPassword)).status).toBe(200);
  });

  it("refuses a wrong current password or a weak new one without changing anything", async () => {
    const client = await signUpBrowser(ctx);
    const hashBefore = await ctx.sql("SELECT password_hash FROM accounts");
    const wrong = await client.request("/auth/password/change", {
      json: { current: "not my password", new: "another long passphrase" },
    });
    expect([wrong.status, ((await wrong.json()) as ErrorBody).error.code]).toEqual([401, "invalid_credentials"]);
    const weak = await client.request("/auth/password/change", { json: { current: STRONG_PASSWORD, new: "short" } });
    expect([weak.status, ((await weak.json()) as ErrorBody).error.code]).toEqual([400, "weak_password"]);
    const bad = await client.request("/auth/password/change", { json: { current: STRONG_PASSWORD } });
    expect([bad.status, ((await bad.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    expect(await ctx.sql("SELECT password_hash FROM accounts")).toEqual(hashBefore);
    expect((await client.request("/auth/session")).status).toBe(200);
  });
});

describe("revocation when KV cannot be written", () => {
  it("answers 503 after revoking in the database, so the client retries", async () => {
    const client = await signUpBrowser(ctx);
    const realKv = ctx.worker.env.AUTH_KV;
    const failingWrites = {
      get: realKv.get.bind(realKv),
      put: () => Promise.reject(new Error("KV write failed")),
    };
    const broken = new TestClient(workerWith({ DATABASE_URL: ctx.databaseUrl, AUTH_KV: failingWrites }));
    for (const [name, value] of client.cookies) broken.cookies.set(name, value);
    const response = await broken.request("/auth/logout", { method: "POST" });
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([503, "service_unavailable"]);
    const [session] = await ctx.sql<{ revoked: boolean }>(
      "SELECT revoked_at IS NOT NULL AS revoked FROM sessions ORDER BY created_at DESC LIMIT 1",
    );
    expect(session?.revoked).toBe(true);
  });
});
