// H3 (issue 10): with REQUIRE_EMAIL_VERIFICATION on, a new user gets the code and link at signup, can
// verify without a session (code, or link: GET shows, POST consumes) and then sign in.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { codeIn, outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";

let strict: AuthTestContext;
beforeAll(async () => {
  strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
});

const OTHER_PASSWORD = "another perfectly fine passphrase";
const signup = (email: string, password = STRONG_PASSWORD) =>
  strict.client().request("/auth/signup", { json: { email, password } });
const login = (email: string, password = STRONG_PASSWORD) =>
  strict.client().request("/auth/login", { json: { email, password } });
const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
const verifiedOf = async (email: string) =>
  (
    await strict.sql<{ v: boolean }>("SELECT email_verified_at IS NOT NULL AS v FROM users WHERE email = $1", [email])
  )[0]?.v;
const openCodes = async (email: string) =>
  (
    await strict.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1 AND v.consumed_at IS NULL",
      [email],
    )
  )[0]?.n;

async function signedUp(): Promise<{ email: string; code: string; token: string; text: string }> {
  const email = uniqueEmail("h3");
  expect((await signup(email)).status).toBe(202);
  const mails = await outboxFor(strict.worker, email);
  expect(mails.map((m) => m.template)).toEqual(["email_verification"]);
  const text = mails[0]?.text ?? "";
  return { email, code: codeIn(text), token: tokenIn(text), text };
}

describe("H3: signing up with verification required", () => {
  it("H3: a new user signs up, verifies by the mailed code and signs in with verification required", async () => {
    const { email, code } = await signedUp();
    expect(code).toMatch(/^\d{6}$/);
    expect(await errorOf(await login(email))).toEqual([403, "email_not_verified"]);
    const verify = await strict
      .client()
      .request("/auth/email/verify", { json: { email: email.toUpperCase(), code }, origin: null });
    expect(verify.status).toBe(200);
    expect(await verifiedOf(email)).toBe(true);
    expect((await login(email)).status).toBe(200);
  });

  it("H3: the mailed link opens the hosted page; the old address redirects there, reading nothing", async () => {
    const { email, token, text } = await signedUp();
    expect(text).toContain(`http://localhost/auth/verify-email?token=${token}`);
    // Mails sent before the hosted page existed link to /auth/email/verify: browsers go on, token and all.
    const old = `/auth/email/verify?token=${token}`;
    for (let i = 0; i < 2; i++) {
      const page = await strict.client().request(old, { headers: { accept: "text/html" } });
      expect([page.status, page.headers.get("location")]).toEqual([302, `/auth/verify-email?token=${token}`]);
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    }
    const api = await strict.client().request(old, { headers: { accept: "application/json" } });
    expect([api.status, ((await api.json()) as { status: string }).status]).toEqual([200, "confirm"]);
    expect(await openCodes(email)).toBe(1);
    expect(await verifiedOf(email)).toBe(false);
    const confirmed = await strict.client().request("/auth/email/verify", { json: { token }, origin: null });
    expect(confirmed.status).toBe(200);
    expect(await verifiedOf(email)).toBe(true);
    expect((await login(email)).status).toBe(200);
    const spent = await strict.client().request(old, { headers: { accept: "application/json" } });
    expect(await errorOf(spent)).toEqual([400, "invalid_token"]);
  });

  it("H3: signup with a taken address answers the same, mails the owner a notice, and changes no account", async () => {
    const { email, code } = await signedUp();
    await strict.client().request("/auth/email/verify", { json: { email, code }, origin: null });
    const rowsOf = () =>
      strict.sql<{ id: string; password_hash: string }>(
        "SELECT a.id, a.password_hash FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1",
        [email],
      );
    const before = await rowsOf();
    const fresh = await signup(uniqueEmail("h3-fresh"));
    const taken = await signup(email, OTHER_PASSWORD);
    expect([taken.status, taken.headers.get("set-cookie")]).toEqual([fresh.status, null]);
    expect(await taken.text()).toBe(await fresh.text());
    expect((await outboxFor(strict.worker, email)).map((m) => m.template)).toEqual([
      "signup_attempt_notice",
      "email_verification",
    ]);
    const [notice] = await outboxFor(strict.worker, email);
    expect(notice?.text).toMatch(/sign in, or reset your password/);
    expect(codeIn(notice?.text ?? null)).toBe("");
    expect(tokenIn(notice?.text ?? null)).toBe("");
    expect(await strict.sql("SELECT 1 FROM users WHERE email = $1", [email])).toHaveLength(1);
    expect(await rowsOf()).toEqual(before);
    expect(before).toHaveLength(1);
    expect((await login(email, OTHER_PASSWORD)).status).toBe(401);
    expect((await login(email)).status).toBe(200);
  });

  it("H3: a completed password reset proves the address: the user is verified and signs in", async () => {
    const { email } = await signedUp();
    const forgot = await strict.client().request("/auth/password/forgot", { json: { email }, origin: null });
    expect(forgot.status).toBe(202);
    const mail = (await outboxFor(strict.worker, email)).find((m) => m.template === "password_reset");
    const reset = await strict.client().request("/auth/password/reset", {
      json: { token: tokenIn(mail?.text ?? null), password: OTHER_PASSWORD },
      origin: null,
    });
    expect(reset.status).toBe(200);
    expect(await verifiedOf(email)).toBe(true);
    expect((await login(email, OTHER_PASSWORD)).status).toBe(200);
  });

  it("H3: a wrong code for a known address and any code for an unknown one get the same 400", async () => {
    const { email, code } = await signedUp();
    const wrong = code === "000000" ? "111111" : "000000";
    const send = (address: string, value: string) =>
      strict.client().request("/auth/email/verify", { json: { email: address, code: value }, origin: null });
    const known = await send(email, wrong);
    const unknown = await send(uniqueEmail("ghost"), wrong);
    expect(known.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(await known.text()).toBe(await unknown.text());
    expect(await verifiedOf(email)).toBe(false);
    expect((await send(email, code)).status).toBe(200);
  });
});
