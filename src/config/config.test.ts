import { describe, expect, it } from "vitest";
import { testEnv } from "../../test/helpers/env.ts";
import { workerWith } from "../../test/helpers/worker.ts";
import { DEFAULT_PASSWORD_HASH_PARAMS, TEST_PASSWORD_HASH_PARAMS } from "../crypto/password.ts";
import { ConfigError, DEFAULT_CONFIG, loadConfig } from "./index.ts";

type ErrorBody = { error: { code: string; message: string } };

const required = {
  AUTH_KV: testEnv.AUTH_KV,
  ISSUER: "https://auth.example.com/",
  AUTH_SECRET: testEnv.AUTH_SECRET,
  SIGNING_KEYS: testEnv.SIGNING_KEYS,
  MAIL_HTTP_URL: "https://mail.example.com/send",
};

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ ...required, DATABASE_URL: "postgres://u:p@db.example.com/app" });
    expect(config).toMatchObject({
      environment: "production",
      maxBodyBytes: DEFAULT_CONFIG.maxBodyBytes,
      healthDbTimeoutMs: DEFAULT_CONFIG.healthDbTimeoutMs,
      neonLocalRelay: undefined,
      accessTokenTtlSeconds: 300,
      refreshReuseOverlapSeconds: 10,
      sessionAbsoluteTtlSeconds: 30 * 24 * 3600,
      sessionIdleTtlSeconds: 7 * 24 * 3600,
      requireEmailVerification: true,
      passwordMinLength: 12,
      lockoutFailures: 100,
      trustedOrigins: [],
      issuer: "https://auth.example.com",
      audience: "https://auth.example.com",
    });
  });

  it("fails the first request with 500 configuration_error naming a missing variable", async () => {
    const response = await workerWith({ DATABASE_URL: undefined }).fetch("/healthz");
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("configuration_error");
    expect(body.error.message).toContain("DATABASE_URL is required");
  });

  it("names every invalid variable and never prints their values", async () => {
    const response = await workerWith({
      DATABASE_URL: "mysql://root:s3cret@db/app",
      MAX_BODY_BYTES: "lots",
      ENVIRONMENT: "staging",
    }).fetch("/healthz");
    expect(response.status).toBe(500);
    const { message } = ((await response.json()) as ErrorBody).error;
    expect(message).toContain("DATABASE_URL must be a postgres://");
    expect(message).toContain("MAX_BODY_BYTES");
    expect(message).toContain("ENVIRONMENT");
    expect(message).not.toContain("s3cret");
  });

  it("refuses the local relay in production and any relay that is not on loopback", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@127.0.0.1/app" };
    expect(() => loadConfig({ ...base, ENVIRONMENT: "production", NEON_LOCAL_RELAY: "127.0.0.1:9000" })).toThrow(
      "NEON_LOCAL_RELAY must not be set in production",
    );
    expect(() => loadConfig({ ...base, ENVIRONMENT: "development", NEON_LOCAL_RELAY: "10.0.0.5:9000" })).toThrow(
      ConfigError,
    );
  });

  it("refuses a PASSWORD_MIN_LENGTH below 8, a short AUTH_SECRET and a malformed key set", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    expect(() => loadConfig({ ...base, PASSWORD_MIN_LENGTH: "6" })).toThrow("PASSWORD_MIN_LENGTH");
    expect(() => loadConfig({ ...base, AUTH_SECRET: "short" })).toThrow("AUTH_SECRET must be at least 32 random bytes");
    expect(() => loadConfig({ ...base, AUTH_SECRET: `${"k".repeat(42)}a` })).toThrow("AUTH_SECRET is not canonical");
    expect(() => loadConfig({ ...base, SIGNING_KEYS: "{not json" })).toThrow("SIGNING_KEYS is not valid JSON");
    expect(() => loadConfig({ ...base, SIGNING_KEYS: '{"current":"a","keys":[]}' })).toThrow("SIGNING_KEYS");
    expect(() => loadConfig({ ...base, TRUSTED_ORIGINS: "javascript:alert(1)" })).toThrow("TRUSTED_ORIGINS");
    expect(() => loadConfig({ ...base, SIGN_IN_URL: "//evil.com/login" })).toThrow("SIGN_IN_URL");
    expect(() => loadConfig({ ...base, WEBAUTHN_USER_VERIFICATION: "sometimes" })).toThrow(
      "WEBAUTHN_USER_VERIFICATION",
    );
    const { MAIL_HTTP_URL: _url, ...withoutMailUrl } = base;
    expect(() => loadConfig({ ...withoutMailUrl, ENVIRONMENT: "production" })).toThrow("MAIL_HTTP_URL is required");
    expect(() => loadConfig({ ...base, ENVIRONMENT: "production", MAIL_PROVIDER: "outbox" })).toThrow("MAIL_PROVIDER");
  });

  it("reads ENCRYPTION_KEYS as versioned keys and refuses malformed entries without echoing them", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    const key = "k".repeat(43);
    expect(loadConfig({ ...base }).encryption).toEqual({ keys: [], currentVersion: 1 });
    expect(loadConfig({ ...base, ENCRYPTION_KEYS: `2:${key}, 3:${key}` }).encryption).toEqual({
      keys: [
        { version: 2, key },
        { version: 3, key },
      ],
      currentVersion: 3,
    });
    // A new key can be deployed for reading before it encrypts.
    expect(
      loadConfig({ ...base, ENCRYPTION_KEYS: `2:${key}`, ENCRYPTION_KEY_VERSION: "1" }).encryption.currentVersion,
    ).toBe(1);
    expect(() => loadConfig({ ...base, ENCRYPTION_KEYS: `2:${key}`, ENCRYPTION_KEY_VERSION: "3" })).toThrow(
      "ENCRYPTION_KEY_VERSION must be 1 or a version listed in ENCRYPTION_KEYS",
    );
    const nonCanonical = `${"k".repeat(42)}a`; // trailing bits set: not what a 32-byte key encodes to
    for (const bad of [`1:${key}`, `2:${key},2:${key}`, "2:short", key, `x:${key}`, `2:${nonCanonical}`]) {
      const message = (() => {
        try {
          loadConfig({ ...base, ENCRYPTION_KEYS: bad });
          return "accepted";
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message).toMatch(/ENCRYPTION_KEYS entry #\d must be "version:key"/);
      expect(message).not.toContain(key);
    }
  });

  it("carries a bad route table as a problem naming the entry instead of failing the whole config", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    const config = loadConfig({ ...base, GATEWAY_ROUTES: '[{"name":"x","origin":"nope","policy":"public"}]' });
    expect(config.gatewayRoutes).toEqual([]);
    expect(config.routeTableProblem).toMatch(/^GATEWAY_ROUTES route #1 "x": origin/);
    expect(loadConfig({ ...base }).routeTableProblem).toBeUndefined();
  });

  it("reads the route table as the array wrangler hands over for TOML under [vars]", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    const config = loadConfig({
      ...base,
      GATEWAY_ROUTES: [{ name: "app", origin: "https://app.internal.example.com", policy: "public", timeoutMs: 500 }],
    });
    expect(config.routeTableProblem).toBeUndefined();
    expect(config.gatewayRoutes).toMatchObject([{ name: "app", timeoutMs: 500, originId: "app" }]);
  });

  it("hashes passwords with OWASP's Argon2id parameters unless the test suite asks otherwise", () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    const owasp = { memoryKiB: 19456, iterations: 2, parallelism: 1 };
    expect(DEFAULT_PASSWORD_HASH_PARAMS).toEqual(owasp);
    for (const ENVIRONMENT of [undefined, "production", "development", "test"]) {
      expect(loadConfig({ ...base, ENVIRONMENT }).passwordHashParams).toEqual(owasp);
    }
    expect(
      loadConfig({ ...base, ENVIRONMENT: "test", TEST_FAST_PASSWORD_HASHING: "false" }).passwordHashParams,
    ).toEqual(owasp);
    expect(loadConfig({ ...base, ENVIRONMENT: "test", TEST_FAST_PASSWORD_HASHING: "true" }).passwordHashParams).toEqual(
      TEST_PASSWORD_HASH_PARAMS,
    );
  });

  it("refuses cheap password hashing anywhere but the test suite", async () => {
    const base = { ...required, DATABASE_URL: "postgres://u:p@db/app" };
    for (const ENVIRONMENT of [undefined, "production", "development"]) {
      for (const TEST_FAST_PASSWORD_HASHING of ["true", "false"]) {
        expect(() => loadConfig({ ...base, ENVIRONMENT, TEST_FAST_PASSWORD_HASHING })).toThrow(
          "TEST_FAST_PASSWORD_HASHING is for the test suite only",
        );
      }
    }
    const response = await workerWith({ ENVIRONMENT: "production" }).fetch("/healthz");
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect([body.error.code, body.error.message]).toEqual([
      "configuration_error",
      expect.stringContaining("TEST_FAST_PASSWORD_HASHING is for the test suite only"),
    ]);
  });

  it("refuses a missing KV binding", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://u:p@db/app" } as never)).toThrow("AUTH_KV binding is missing");
  });
});
