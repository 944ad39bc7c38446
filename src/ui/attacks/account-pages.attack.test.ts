// Attacks on the account pages (issue 11, second page review): code guessing shared between the page
// and the JSON API, markup injection through names and user agents, secrets echoed, caching.
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
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

/** Six wrong guesses split between the page and the API; then neither may try again right away. */
async function guessBothWays(client: TestClient, pagePath: string, apiPath: string, code: string) {
  for (let i = 0; i < 3; i++) expect((await submitForm(client, pagePath, { code: wrongCode(code) })).status).toBe(400);
  for (let i = 0; i < 3; i++)
    expect((await client.request(apiPath, { json: { code: wrongCode(code) } })).status).toBe(400);
  const page = await submitForm(client, pagePath, { code });
  expect(page.status).toBe(429);
  expect(page.headers.get("retry-after")).toBeTruthy();
  const api = await client.request(apiPath, { json: { code } });
  expect(api.status).toBe(429);
}

describe("code guessing limits are one budget across the page and the JSON API", () => {
  it("email change: the right code after six interleaved wrong ones waits, and nothing changes", async () => {
    const oldEmail = uniqueEmail("guess-old");
    const newEmail = uniqueEmail("guess-new");
    const client = await signUpBrowser(ctx, oldEmail);
    expect((await submitForm(client, "/auth/account/email", { email: newEmail })).status).toBe(303);
    const code = codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null);
    await guessBothWays(client, "/auth/account/email/confirm", "/auth/email/change", code);
    expect((await ctx.sql("SELECT 1 FROM users WHERE email = $1", [oldEmail])).length).toBe(1);
  });

  it("phone: the same", async () => {
    const email = uniqueEmail("guess-phone");
    const client = await signUpBrowser(ctx, email);
    const phone = `+1415${String(Date.now()).slice(-7)}`;
    expect((await submitForm(client, "/auth/account/phone", { phone })).status).toBe(303);
    const code = codeIn((await outboxFor(ctx.worker, phone))[0]?.text ?? null);
    await guessBothWays(client, "/auth/account/phone/verify", "/auth/phone/verify", code);
    const [row] = await ctx.sql<{ v: boolean }>(
      "SELECT phone_verified_at IS NOT NULL AS v FROM users WHERE email = $1",
      [email],
    );
    expect(row?.v).toBe(false);
  });
});

describe("markup injection into the overview", () => {
  const PAYLOAD = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

  it("escapes a display name and a hostile user agent in the sessions list and activity", async () => {
    const email = uniqueEmail("xss");
    const client = await signUpBrowser(ctx, email);
    const hostile = ctx.client();
    const ua = `Mozilla/5.0 (Windows ${PAYLOAD}) Firefox/1${PAYLOAD}`;
    const login = await hostile.request("/auth/login", {
      json: { email, password: STRONG_PASSWORD },
      headers: { "user-agent": ua },
    });
    expect(login.status).toBe(200);
    await hostile.request("/auth/login", {
      json: { email, password: "wrong password 123" },
      headers: { "user-agent": ua },
    });
    const name = await submitForm(client, "/auth/account/name", { name: PAYLOAD.slice(0, 60) });
    expect(name.status).not.toBe(500);
    const page = await readPage(await client.request("/auth/account"));
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("<script>alert");
    expect(page.html).not.toContain("<img src=x");
    expect(page.inlineHandlers).toEqual([]);
    expect(page.scripts.every((script) => script.attributes.src !== undefined)).toBe(true);
  });
});

describe("secrets and caching", () => {
  it("never echoes either password when the change is refused, and caches no account page", async () => {
    const client = await signUpBrowser(ctx);
    const tries = [
      { current_password: "my wrong current pw 1", new_password: "a brand new passphrase 99" },
      { current_password: STRONG_PASSWORD, new_password: "short" },
      { current_password: "x".repeat(2000), new_password: "y".repeat(2000) },
    ];
    for (const fields of tries) {
      const response = await submitForm(client, "/auth/account/password", fields);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const html = await response.text();
      expect(html).not.toContain(fields.current_password);
      expect(html).not.toContain(fields.new_password);
    }
    for (const path of ["/auth/account", "/auth/account/email", "/auth/account/phone/verify", "/auth/reauthenticate"]) {
      const response = await client.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});
