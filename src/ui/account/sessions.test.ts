// Sessions and devices on the account page: revoking one (its refresh then fails), revoking every
// other one (the current one stays), and refusals that change nothing.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function devices(count: number): Promise<{ email: string; phone: TestClient; others: TestClient[] }> {
  const email = uniqueEmail("devices");
  const phone = await signUpBrowser(ctx, email);
  const others: TestClient[] = [];
  for (let i = 0; i < count; i++) {
    const device = ctx.client();
    expect((await device.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })).status).toBe(200);
    others.push(device);
  }
  return { email, phone, others };
}

async function currentSessionId(client: TestClient): Promise<string> {
  const body = (await (await client.request("/auth/session")).json()) as { session: { id: string } };
  return body.session.id;
}

const revokedCount = async (email: string) =>
  (
    await ctx.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND s.revoked_at IS NOT NULL",
      [email],
    )
  )[0]?.n;

describe("POST /auth/account/sessions/revoke", () => {
  it("signs another session out: its access and its refresh both stop working", async () => {
    const { phone, others } = await devices(1);
    const laptop = others[0] as TestClient;
    const response = await submitForm(phone, "/auth/account/sessions/revoke", {
      session_id: await currentSessionId(laptop),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=session");
    expect((await laptop.request("/auth/session")).status).toBe(401);
    expect((await laptop.request("/auth/refresh", { method: "POST" })).status).toBe(401);
    expect((await phone.request("/auth/session")).status).toBe(200);
    const page = await readPage(await phone.request("/auth/account?done=session"));
    expect(page.text).toContain("That session was signed out.");
    expect(page.html).not.toContain("data-revoke-session=");
  });

  it("signs the current session out when its own id is posted", async () => {
    const { email, phone } = await devices(0);
    const response = await submitForm(phone, "/auth/account/sessions/revoke", {
      session_id: await currentSessionId(phone),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/signed-out");
    expect(phone.cookies.has("__Host-portcullis_rt")).toBe(false);
    expect(await revokedCount(email)).toBe(1);
  });

  it("answers another user's session with 404 and a malformed id with 400, changing nothing", async () => {
    const { email, phone } = await devices(1);
    const stranger = await signUpBrowser(ctx);
    const foreignId = await currentSessionId(stranger);
    const before = await ctx.snapshot();
    const foreign = await readPage(await submitForm(phone, "/auth/account/sessions/revoke", { session_id: foreignId }));
    expect(foreign.status).toBe(404);
    expect(foreign.summary).toEqual(["That session has already ended."]);
    for (const session_id of ["not-a-uuid", ""]) {
      const malformed = await readPage(await submitForm(phone, "/auth/account/sessions/revoke", { session_id }));
      expect(malformed.status).toBe(400);
      expect(malformed.summary).toEqual(["That session has already ended."]);
    }
    expect(await ctx.snapshot()).toEqual(before);
    expect(await revokedCount(email)).toBe(0);
    expect((await stranger.request("/auth/session")).status).toBe(200);
  });
});

describe("POST /auth/account/sessions/revoke-others", () => {
  it("signs out every other session and keeps the current one", async () => {
    const { email, phone, others } = await devices(2);
    const response = await submitForm(phone, "/auth/account/sessions/revoke-others", {});
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/account?done=sessions");
    for (const device of others) {
      expect((await device.request("/auth/session")).status).toBe(401);
      expect((await device.request("/auth/refresh", { method: "POST" })).status).toBe(401);
    }
    expect(await revokedCount(email)).toBe(2);
    expect((await phone.request("/auth/session")).status).toBe(200);
    expect((await phone.request("/auth/refresh", { method: "POST" })).status).toBe(200);
    const page = await readPage(await phone.request("/auth/account?done=sessions"));
    expect(page.text).toContain("Every other session was signed out.");
    expect(page.text).toContain("No other sessions.");
    expect(page.html.match(/<tr data-session-id=/g)).toHaveLength(1);
  });
});
