// H3 (issue 10): asking for the verification mail again without a session, and bad input on the
// verification routes that signup now relies on.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";

let strict: AuthTestContext;
beforeAll(async () => {
  strict = await setUpAuthTest({ REQUIRE_EMAIL_VERIFICATION: "true" });
});

const ask = (json: unknown) => strict.client().request("/auth/email/verify/request", { json, origin: null });
const verify = (json: unknown) => strict.client().request("/auth/email/verify", { json, origin: null });
const errorOf = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
const mailsTo = async (email: string) =>
  (await outboxFor(strict.worker, email)).filter((m) => m.template === "email_verification");

async function signedUp(label: string): Promise<{ email: string; code: string }> {
  const email = uniqueEmail(label);
  const response = await strict.client().request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
  expect(response.status).toBe(202);
  return { email, code: codeIn((await mailsTo(email))[0]?.text ?? null) };
}

/** What a bad request must leave alone: the usual tables plus codes and mail. */
async function untouched(): Promise<Record<string, number>> {
  const [row] = await strict.sql<{ codes: number; mail: number }>(
    "SELECT (SELECT count(*)::int FROM verification_codes) AS codes, (SELECT count(*)::int FROM outbox_messages) AS mail",
  );
  return { ...(await strict.snapshot()), codes: row?.codes ?? -1, mail: row?.mail ?? -1 };
}

describe("H3: POST /auth/email/verify/request {email}", () => {
  it("H3: a lost mail is asked for again without a session: one 202 for unverified, verified and unknown addresses, mail only to the unverified", async () => {
    const unverified = await signedUp("lost");
    const verified = await signedUp("done");
    expect((await verify({ email: verified.email, code: verified.code })).status).toBe(200);
    const unknown = uniqueEmail("nobody");

    const answers = [
      await ask({ email: unverified.email }),
      await ask({ email: verified.email }),
      await ask({ email: unknown }),
    ];
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? "{}")).toMatchObject({ status: "requested" });

    expect(await mailsTo(unverified.email)).toHaveLength(2);
    expect(await mailsTo(verified.email)).toHaveLength(1);
    expect(await outboxFor(strict.worker, unknown)).toEqual([]);
    // The new code replaces the signup's.
    const fresh = codeIn((await mailsTo(unverified.email))[0]?.text ?? null);
    expect(await errorOf(await verify({ email: unverified.email, code: unverified.code }))).toEqual([
      400,
      "invalid_code",
    ]);
    expect((await verify({ email: unverified.email, code: fresh })).status).toBe(200);
  });

  it("H3: without an address the request needs a session: 401 unauthenticated, nothing sent", async () => {
    const before = await untouched();
    const bare = await strict.client().request("/auth/email/verify/request", { method: "POST", origin: null });
    expect(await errorOf(bare)).toEqual([401, "unauthenticated"]);
    expect(await errorOf(await ask({}))).toEqual([401, "unauthenticated"]);
    expect(await untouched()).toEqual(before);
  });

  it("H3: answers bad input on the request route with 400/413/415 and changes nothing", async () => {
    const before = await untouched();
    for (const json of [{ email: 5 }, { email: "nope" }, { email: uniqueEmail(), extra: true }, ["x"], "text"]) {
      expect(await errorOf(await ask(json))).toEqual([400, "invalid_request"]);
    }
    const post = (body: string, contentType = "application/json") =>
      strict
        .client()
        .request("/auth/email/verify/request", { body, headers: { "content-type": contentType }, origin: null });
    expect(await errorOf(await post('{"email":'))).toEqual([400, "invalid_json"]);
    expect(await errorOf(await post("email=a@example.com", "text/plain"))).toEqual([415, "unsupported_media_type"]);
    expect(await errorOf(await post(JSON.stringify({ email: `${"a".repeat(70_000)}@example.com` })))).toEqual([
      413,
      "payload_too_large",
    ]);
    expect(await untouched()).toEqual(before);
  });
});

describe("H3: bad input on POST and GET /auth/email/verify", () => {
  it("H3: answers a malformed address-and-code body with 400 and changes nothing", async () => {
    const before = await untouched();
    for (const json of [
      { email: 5, code: "123456" },
      { email: uniqueEmail(), code: "12345" },
      { email: uniqueEmail(), code: 123456 },
      { email: uniqueEmail(), code: "123456", token: "x".repeat(43) },
      { email: uniqueEmail() },
    ]) {
      expect(await errorOf(await verify(json))).toEqual([400, "invalid_request"]);
    }
    const malformed = await strict
      .client()
      .request("/auth/email/verify", { body: "{{", headers: { "content-type": "application/json" }, origin: null });
    expect(await errorOf(malformed)).toEqual([400, "invalid_json"]);
    expect(await untouched()).toEqual(before);
  });

  it("H3: answers a malformed link with 400 invalid_request; a form body is not JSON (415); nothing changes", async () => {
    const before = await untouched();
    const token = "A".repeat(43);
    // The link's confirmation form posts to the hosted page (/auth/verify-email) now, never here.
    const form = await strict.client().request("/auth/email/verify", {
      body: `token=${token}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    for (const path of ["/auth/email/verify", "/auth/email/verify?token=short", "/auth/email/verify?token="]) {
      expect(await errorOf(await strict.client().request(path))).toEqual([400, "invalid_request"]);
    }
    const huge = await strict.client().request("/auth/email/verify", {
      body: `token=${"A".repeat(70_000)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(await errorOf(huge)).toEqual([413, "payload_too_large"]);
    const unknown = await strict.client().request(`/auth/email/verify?token=${token}`);
    expect([unknown.status, unknown.headers.get("location")]).toEqual([302, `/auth/verify-email?token=${token}`]);
    const page = await strict.client().request(`/auth/verify-email?token=${token}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("expired or was already used");
    expect(await untouched()).toEqual(before);
  });
});
