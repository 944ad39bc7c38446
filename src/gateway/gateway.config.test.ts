// A route table the Worker cannot use fails only the gateway's requests; /auth/* and /healthz go on.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthTestContext, type ErrorBody, setUpAuthTest, signUpApi } from "../../test/helpers/auth.ts";
import { echoOriginUrl, newProbe, originSaw } from "../../test/helpers/gateway.ts";

// As wrangler hands over a TOML array of tables under [vars]: objects, numbers as numbers. Route #2's
// origin carries a credential that no message may repeat.
const badTable = () => [
  { name: "site", pathPrefix: "/site", origin: echoOriginUrl(), policy: "public" },
  { name: "api", pathPrefix: "/api", origin: "https://svc:s3cret-in-url@api.internal", policy: "public", timeoutMs: 5 },
];
const PROBLEM = 'GATEWAY_ROUTES route #2 "api": timeoutMs must be a whole number of milliseconds from 100 to 300000';

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ GATEWAY_ROUTES: badTable() });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("gateway with an unusable route table", () => {
  it("answers 500 configuration_error naming the entry, forwards nothing and writes nothing", async () => {
    const before = await ctx.snapshot();
    const probe = newProbe();
    for (const path of ["/site/page", "/api/x", "/"]) {
      const response = await ctx.worker.fetch(path, { headers: { "X-Test-Probe": probe } });
      expect(response.status).toBe(500);
      const { error } = (await response.json()) as ErrorBody;
      expect(error.code).toBe("configuration_error");
      expect(error.message).toBe(PROBLEM);
      expect(error.message).not.toContain("s3cret");
    }
    expect(await originSaw(probe)).toBe(false);
    expect(await ctx.snapshot()).toEqual(before);
  });

  it("answers /healthz with 503 and the reason, while the database and KV are fine", async () => {
    const response = await ctx.worker.fetch("/healthz");
    expect(response.status).toBe(503);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "degraded", db: { ok: true }, kv: { ok: true } });
    expect(body.routes).toEqual({ ok: false, reason: PROBLEM });
  });

  it("keeps /auth/* and the gateway's own paths working", async () => {
    const session = await signUpApi(ctx);
    const me = await ctx.worker.fetch("/auth/session", { headers: { Authorization: `Bearer ${session.accessToken}` } });
    expect(me.status).toBe(200);
    expect((await ctx.worker.fetch("/.well-known/jwks.json")).status).toBe(200);
    const unknown = await ctx.worker.fetch("/auth/no-such-route");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("not_found");
  });

  it("logs the problem once per isolate, without the secret", async () => {
    // A table whose problem no other test in this isolate has seen.
    const table = [{ name: "once", origin: "https://u:s3cret@x.internal", policy: "public", maxAgeSeconds: 5 }];
    const other = await setUpAuthTest({ GATEWAY_ROUTES: table });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const path of ["/healthz", "/x", "/y"]) await other.worker.fetch(path);
    const lines = errors.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes("route table invalid"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'route #1 \\"once\\": maxAgeSeconds must be a whole number of seconds from 60 to 2592000',
    );
    expect(lines[0]).not.toContain("s3cret");
  });

  it("reports a GATEWAY_ROUTES that is not valid JSON the same way", async () => {
    const broken = await setUpAuthTest({ GATEWAY_ROUTES: '[{"name": "app",' });
    const response = await broken.worker.fetch("/anything");
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error).toEqual({
      code: "configuration_error",
      message: "GATEWAY_ROUTES is not valid JSON",
    });
  });
});

describe("gateway with a route table written as TOML", () => {
  it("routes by the array wrangler hands over", async () => {
    const toml = await setUpAuthTest({
      GATEWAY_ROUTES: [{ name: "site", pathPrefix: "/site", origin: echoOriginUrl(), policy: "public" }],
    });
    const probe = newProbe();
    const response = await toml.worker.fetch("/site/page", { headers: { "X-Test-Probe": probe } });
    expect(response.status).toBe(200);
    expect(await originSaw(probe)).toBe(true);
    expect((await toml.worker.fetch("/healthz")).status).toBe(200);
  });
});
