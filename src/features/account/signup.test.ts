// POST /auth/signup: accounts, cookies, policy, enumeration and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  uniqueEmail,
  withProductionHashing,
} from "../../../test/helpers/auth.ts";
import { setCookieHeaders } from "../../../test/helpers/client.ts";
import { COMMON_PASSWORD_COUNT } from "./password-policy.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const signup = (json: unknown, origin?: string | null) =>
  ctx.client().request("/auth/signup", { json, ...(origin === undefined ? {} : { origin }) });

describe("POST /auth/signup", () => {
  it("creates the user and password account, audits, and signs the browser in with hardened cookies", async () => {
    const email = uniqueEmail();
    // The production cost: the stored hash must carry OWASP's parameters.
    const client = withProductionHashing(ctx).client();
    const response = await client.request("/auth/signup", {
      json: { email: `  ${email.toUpperCase()} `, password: STRONG_PASSWORD, name: "Ada" },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { status: string; session: Record<string, unknown> };
    expect(body.status).toBe("signed_in");
    expect(body.session).not.toHaveProperty("accessToken");
    expect(body.session).not.toHaveProperty("refreshToken");

    expect(client.lastSetCookies.map((cookie) => cookie.name).sort()).toEqual([
      "__Host-portcullis_at",
      "__Host-portcullis_rt",
    ]);
    for (const cookie of client.lastSetCookies) {
      const attributes = cookie.attributes.map((a) => a.toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
      expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
      expect(attributes.some((a) => a.startsWith("max-age="))).toBe(true);
    }

    const [user] = await ctx.sql<{ id: string; email: string; name: string; status: string }>(
      "SELECT id, email, name, status FROM users WHERE email = $1",
      [email],
    );
    expect(user).toMatchObject({ email, name: "Ada", status: "ACTIVE" });
    const [account] = await ctx.sql<{ provider: string; password_hash: string }>(
      "SELECT provider, password_hash FROM accounts WHERE user_id = $1",
      [user?.id],
    );
    expect(account?.provider).toBe("password");
    expect(account?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(account?.password_hash).not.toContain(STRONG_PASSWORD);
    const audit = await ctx.sql<{ action: string }>("SELECT action FROM audit_events WHERE user_id = $1", [user?.id]);
    expect(audit.map((row) => row.action)).toContain("user.signed_up");

    const me = await client.request("/auth/session");
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(email);
  });

  it("returns tokens in the body, and sets no cookie, for an API client", async () => {
    const client = ctx.client();
    const response = await client.request("/auth/signup", {
      json: { email: uniqueEmail(), password: STRONG_PASSWORD, client: "api" },
      origin: null,
    });
    expect(response.status).toBe(201);
    const { session } = (await response.json()) as { session: Record<string, string> };
    expect(session.accessToken?.split(".")).toHaveLength(3);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.tokenType).toBe("Bearer");
    expect(client.lastSetCookies).toEqual([]);
  });

  it("ships a common-password list of at least 10,000 entries", () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThanOrEqual(10_000);
  });

  it("refuses weak passwords with 400 weak_password and creates nothing", async () => {
    const before = await ctx.snapshot();
    const email = uniqueEmail("weak");
    for (const [password, hint] of [
      ["short", "at least 12"],
      ["password1234", "too common"],
      ["x".repeat(257), "at most 256"],
      [email.split("@")[0] ?? "", "email"],
    ] as const) {
      const response = await signup({ email, password });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe("weak_password");
      expect(body.error.message).toContain(hint);
    }
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("accepts long passphrases (128 characters) and any characters, with no composition rules", async () => {
    const response = await signup({ email: uniqueEmail(), password: "é".repeat(64) + "long passphrase ".repeat(4) });
    expect(response.status).toBe(201);
  });

  it("does not reveal a taken email when verification is required: same status and body", async () => {
    const strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
    const email = uniqueEmail("taken");
    const send = (address: string) =>
      strict.client().request("/auth/signup", { json: { email: address, password: STRONG_PASSWORD } });
    const first = await send(email);
    const again = await send(email);
    const fresh = await send(uniqueEmail("fresh"));
    expect([first.status, again.status, fresh.status]).toEqual([202, 202, 202]);
    const bodies = await Promise.all([first.text(), again.text(), fresh.text()]);
    expect(new Set(bodies).size).toBe(1);
    expect(await strict.sql("SELECT 1 FROM users WHERE email = $1", [email])).toHaveLength(1);
    expect(setCookieHeaders(first)).toEqual([]);
  });

  it("answers a taken email without a session when verification is off, and keeps one user", async () => {
    const email = uniqueEmail("dup");
    expect((await signup({ email, password: STRONG_PASSWORD })).status).toBe(201);
    const again = await signup({ email, password: "another fine passphrase" });
    expect(again.status).toBe(202);
    expect(setCookieHeaders(again)).toEqual([]);
    expect(await ctx.sql("SELECT 1 FROM users WHERE email = $1", [email])).toHaveLength(1);
  });

  it("answers bad input with 400 and the failing fields, and creates nothing", async () => {
    const before = await ctx.snapshot();
    const cases: Array<[unknown, string]> = [
      [{ email: "not-an-email", password: STRONG_PASSWORD }, "email"],
      [{ email: uniqueEmail(), password: 123456789012 }, "password"],
      [{ password: STRONG_PASSWORD }, "email"],
      [{ email: uniqueEmail(), password: STRONG_PASSWORD, role: "admin" }, ""],
      [{ email: uniqueEmail(), password: STRONG_PASSWORD, client: "robot" }, "client"],
      [[], "(body)"],
    ];
    for (const [json, field] of cases) {
      const response = await signup(json);
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.fields?.map((f) => f.path).join(",")).toContain(field);
    }
    const malformed = await ctx
      .client()
      .request("/auth/signup", { body: '{"email":', headers: { "content-type": "application/json" } });
    expect([malformed.status, ((await malformed.json()) as ErrorBody).error.code]).toEqual([400, "invalid_json"]);
    const huge = await ctx
      .client()
      .request("/auth/signup", { json: { email: uniqueEmail(), password: "p".repeat(70_000) } });
    expect([huge.status, ((await huge.json()) as ErrorBody).error.code]).toEqual([413, "payload_too_large"]);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("refuses a browser signup from a foreign origin (login CSRF) with 403 csrf_rejected", async () => {
    const before = await ctx.snapshot();
    const response = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD }, "https://evil.example.com");
    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("csrf_rejected");
    expect(await ctx.snapshot()).toEqual(before);
  });
});

describe("signup abuse and input hygiene", () => {
  it("slows down many signups from one client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await ctx.client().request("/auth/signup", {
        json: { email: uniqueEmail("farm"), password: STRONG_PASSWORD, client: "api" },
        headers: { "cf-connecting-ip": "192.0.2.77" },
        origin: null,
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("refuses control characters in the name with 400, creating nothing", async () => {
    const before = await ctx.snapshot();
    const response = await signup({ email: uniqueEmail(), password: STRONG_PASSWORD, name: "Ada\u0000Lovelace" });
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([400, "invalid_request"]);
    expect(await ctx.snapshot()).toEqual(before);
  });
});
