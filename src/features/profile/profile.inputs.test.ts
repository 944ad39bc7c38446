// Bad input on PATCH /auth/profile and PATCH /auth/preferences: each refused with its status and code,
// and nothing written (row counts and the profile and preference columns alike).
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpApi, signUpBrowser } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { profileState, refusal } from "../../../test/helpers/profile.ts";

let ctx: AuthTestContext;
let browser: TestClient;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  browser = await signUpBrowser(ctx);
});

const ROUTES = ["/auth/profile", "/auth/preferences"] as const;

describe.each(ROUTES)("PATCH %s refuses bad input and changes nothing", (path) => {
  const send = (options: Parameters<TestClient["request"]>[1]) =>
    browser.request(path, { method: "PATCH", ...options });

  it("malformed JSON is 400 invalid_json", async () => {
    const before = await profileState(ctx);
    for (const body of ["{", '{"theme": }', "", "null x"]) {
      const response = await send({ body, headers: { "content-type": "application/json" } });
      expect([body, ...(await refusal(response))]).toEqual([body, 400, "invalid_json"]);
    }
    expect(await profileState(ctx)).toEqual(before);
  });

  it("a body that is not an object, wrong types and unknown fields are 400 invalid_request", async () => {
    const before = await profileState(ctx);
    for (const json of [
      null,
      [],
      "theme",
      7,
      { name: 5 },
      { username: true },
      { avatarUrl: {} },
      { theme: "dark" },
      { theme: 1 },
      { locale: ["en"] },
      { timeZone: 0 },
      { unknown: "x" },
      { name: "Ok", isAdmin: true },
      { theme: "DARK", notifications: { email: true } },
      { __proto__: { name: "x" }, constructor: "y" },
    ]) {
      const response = await send({ json });
      expect([json, ...(await refusal(response))]).toEqual([json, 400, "invalid_request"]);
    }
    expect(await profileState(ctx)).toEqual(before);
  });

  it("a body over MAX_BODY_BYTES is 413 payload_too_large", async () => {
    const before = await profileState(ctx);
    const response = await send({ json: { name: "x".repeat(70 * 1024) } });
    expect(await refusal(response)).toEqual([413, "payload_too_large"]);
    expect(await profileState(ctx)).toEqual(before);
  });

  it("a body that is not application/json is 415 unsupported_media_type", async () => {
    const before = await profileState(ctx);
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await send({
        body: '{"name":"Mallory","theme":"DARK"}',
        headers: { "content-type": contentType },
      });
      expect([contentType, ...(await refusal(response))]).toEqual([contentType, 415, "unsupported_media_type"]);
    }
    expect(await profileState(ctx)).toEqual(before);
  });

  it("a cross-site or Origin-less cookie request is 403 csrf_rejected; no session is 401", async () => {
    const before = await profileState(ctx);
    const json = { name: "Mallory", theme: "DARK" };
    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example"]) {
      expect(await refusal(await send({ json, origin }))).toEqual([403, "csrf_rejected"]);
    }
    expect(await refusal(await send({ json, origin: null, headers: { "sec-fetch-site": "cross-site" } }))).toEqual([
      403,
      "csrf_rejected",
    ]);
    const anonymous = await ctx.client().request(path, { method: "PATCH", json, origin: null });
    expect(await refusal(anonymous)).toEqual([401, "unauthenticated"]);
    expect(await profileState(ctx)).toEqual(before);
  });

  it("spoofed identity headers and a forged token do not pick the user", async () => {
    const api = await signUpApi(ctx);
    const before = await profileState(ctx);
    const spoofed = await ctx.client().request(path, {
      method: "PATCH",
      json: { name: "Mallory" },
      origin: null,
      headers: { "x-auth-user-id": api.id, "x-forwarded-for": "203.0.113.9", "x-auth-email": api.email },
    });
    expect(await refusal(spoofed)).toEqual([401, "unauthenticated"]);
    const forged = await ctx
      .client()
      .request(path, { method: "PATCH", json: { name: "Mallory" }, origin: null, bearer: `${api.accessToken}x` });
    expect(await refusal(forged)).toEqual([401, "unauthenticated"]);
    expect(await profileState(ctx)).toEqual(before);
  });
});
