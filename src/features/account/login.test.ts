// POST /auth/login: sessions, enumeration safety, hash upgrades, account states, bad input.
import bcrypt from "bcryptjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  withProductionHashing,
} from "../../../test/helpers/auth.ts";
import { setCookieHeaders } from "../../../test/helpers/client.ts";
import { outboxFor } from "../../../test/helpers/outbox.ts";
import { hashPassword } from "../../crypto/password.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const login = (json: unknown, on = ctx) => on.client().request("/auth/login", { json });

async function createUser(email: string, passwordHash: string, extra: { status?: string; verified?: boolean } = {}) {
  const [user] = await ctx.sql<{ id: string }>(
    `INSERT INTO users (id, email, status, email_verified_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2::user_status, $3, now()) RETURNING id`,
    [email, extra.status ?? "ACTIVE", extra.verified ? new Date() : null],
  );
  await ctx.sql(
    `INSERT INTO accounts (id, user_id, provider, provider_account_id, password_hash, updated_at)
     VALUES (gen_random_uuid(), $1, 'password', $2, $3, now())`,
    [user?.id, email, passwordHash],
  );
  return user?.id ?? "";
}

const storedHash = async (email: string) =>
  (
    await ctx.sql<{ h: string }>(
      "SELECT a.password_hash AS h FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
      [email],
    )
  )[0]?.h;

describe("POST /auth/login", () => {
  it("signs a browser in with cookies and records the login in the activity history", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const client = ctx.client();
    const response = await client.request("/auth/login", {
      json: { email: email.toUpperCase(), password: STRONG_PASSWORD },
      headers: { "user-agent": "TestBrowser/1.0", "cf-connecting-ip": "203.0.113.7" },
    });
    expect(response.status).toBe(200);
    expect(client.cookies.has("__Host-portcullis_at")).toBe(true);

    const activity = await client.request("/auth/activity");
    expect(activity.status).toBe(200);
    const { activity: entries } = (await activity.json()) as { activity: Array<Record<string, unknown>> };
    expect(entries[0]).toMatchObject({ success: true, method: "password", userAgent: "TestBrowser/1.0" });
    expect(entries[0]?.ipHash).toMatch(/^[0-9a-f]{64}$/);
    const rows = await ctx.sql(
      "SELECT 1 FROM audit_events WHERE ip_hash LIKE '%203.0.113.7%' OR metadata::text LIKE '%203.0.113.7%'",
    );
    expect(rows).toEqual([]);
  });

  it("tells the user about a sign-in from a new device, not about a known one", async () => {
    const email = uniqueEmail("notice");
    await signUpBrowser(ctx, email);
    const from = (agent: string) =>
      ctx
        .client()
        .request("/auth/login", { json: { email, password: STRONG_PASSWORD }, headers: { "user-agent": agent } });
    expect((await from("NewPhone/2.0")).status).toBe(200);
    expect((await from("NewPhone/2.0")).status).toBe(200);
    const notices = (await outboxFor(ctx.worker, email)).filter((m) => m.template === "new_sign_in_notice");
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain("NewPhone/2.0");
  });

  it("M1: hands back a validated redirect target, never an open redirect", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const target = async (returnTo: string) =>
      ((await (await login({ email, password: STRONG_PASSWORD, returnTo })).json()) as { redirectTo: string })
        .redirectTo;
    expect(await target("/reports/q3?x=1")).toBe("/reports/q3?x=1");
    expect(await target("//evil.com/steal")).toBe("/");
    expect(await target("/%5Cevil.com")).toBe("/");
    // M1: dot segments resolved before the check.
    expect(await target("/.//evil.com")).toBe("/");
    expect(await target("/x/..//evil.com")).toBe("/");
  });

  it("gives an unknown email and a wrong password the same status and body", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const wrong = await login({ email, password: "not the right password" });
    const unknown = await login({ email: uniqueEmail("ghost"), password: "not the right password" });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({
      error: { code: "invalid_credentials", message: "The email or password is incorrect." },
    });
    expect(setCookieHeaders(wrong)).toEqual([]);
  });

  it("audits a failed login against the account without creating a session", async () => {
    const email = uniqueEmail();
    await signUpBrowser(ctx, email);
    const sessionsBefore = await ctx.sql(
      "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
      [email],
    );
    await login({ email, password: "wrong wrong wrong" });
    const failed = await ctx.sql<{ metadata: Record<string, unknown> }>(
      "SELECT e.metadata FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.email = $1 AND e.action = 'login.failed'",
      [email],
    );
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed)).not.toContain("wrong wrong wrong");
    expect(
      await ctx.sql("SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1", [email]),
    ).toHaveLength(sessionsBefore.length);
  });

  it("verifies an imported bcrypt hash and upgrades it to argon2id on success", async () => {
    const email = uniqueEmail("imported");
    await createUser(email, bcrypt.hashSync(STRONG_PASSWORD, 10));
    // The production cost: the upgrade must write OWASP's parameters.
    const response = await login({ email, password: STRONG_PASSWORD }, withProductionHashing(ctx));
    expect(response.status).toBe(200);
    expect(await storedHash(email)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("upgrades a hash made with weaker argon2id parameters", async () => {
    const email = uniqueEmail("old-params");
    await createUser(email, await hashPassword(STRONG_PASSWORD, { memoryKiB: 8192, iterations: 1, parallelism: 1 }));
    expect((await login({ email, password: STRONG_PASSWORD }, withProductionHashing(ctx))).status).toBe(200);
    expect(await storedHash(email)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("reveals a disabled account only after the right password", async () => {
    const email = uniqueEmail("disabled");
    await createUser(email, await hashPassword(STRONG_PASSWORD), { status: "DISABLED" });
    const wrong = await login({ email, password: "definitely not it" });
    expect(((await wrong.json()) as ErrorBody).error.code).toBe("invalid_credentials");
    const right = await login({ email, password: STRONG_PASSWORD });
    expect([right.status, ((await right.json()) as ErrorBody).error.code]).toEqual([403, "account_disabled"]);
    expect(setCookieHeaders(right)).toEqual([]);
  });

  it("requires a verified email when REQUIRE_EMAIL_VERIFICATION is on, after the password check", async () => {
    const strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
    const email = uniqueEmail("unverified");
    await strict.sql("SELECT 1"); // the database exists
    const hash = await hashPassword(STRONG_PASSWORD);
    const [user] = await strict.sql<{ id: string }>(
      "INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), $1, now()) RETURNING id",
      [email],
    );
    await strict.sql(
      "INSERT INTO accounts (id, user_id, provider, provider_account_id, password_hash, updated_at) VALUES (gen_random_uuid(), $1, 'password', $2, $3, now())",
      [user?.id, email, hash],
    );
    const browser = strict.client();
    const send = (password: string) => browser.request("/auth/login", { json: { email, password } });
    expect(((await (await send("not the password!")).json()) as ErrorBody).error.code).toBe("invalid_credentials");
    // The right password ends the run of attempts: an owner retrying while they look for the mail is
    // told to verify every time, never throttled (LOGIN_FREE_FAILURES is 5).
    for (let attempt = 0; attempt < 7; attempt++) {
      const right = await send(STRONG_PASSWORD);
      expect([right.status, ((await right.json()) as ErrorBody).error.code]).toEqual([403, "email_not_verified"]);
    }
    await strict.sql("UPDATE users SET email_verified_at = now() WHERE id = $1", [user?.id]);
    expect((await send(STRONG_PASSWORD)).status).toBe(200);
  });

  it("answers bad input with 400 and changes nothing", async () => {
    const before = await ctx.snapshot();
    for (const json of [
      { email: "x@example.com" },
      { email: 5, password: "p" },
      { email: "x@example.com", password: "" },
      "text",
    ]) {
      const response = await login(json);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
    const malformed = await ctx
      .client()
      .request("/auth/login", { body: "{{", headers: { "content-type": "application/json" } });
    expect(((await malformed.json()) as ErrorBody).error.code).toBe("invalid_json");
    const form = await ctx.client().request("/auth/login", {
      body: "email=a&password=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
