import { describe, expect, it } from "vitest";
import { testEnv } from "../../test/helpers/env.ts";
import { workerWith } from "../../test/helpers/worker.ts";
import { ConfigError, DEFAULT_CONFIG, loadConfig } from "./index.ts";

type ErrorBody = { error: { code: string; message: string } };

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ AUTH_KV: testEnv.AUTH_KV, DATABASE_URL: "postgres://u:p@db.example.com/app" });
    expect(config).toMatchObject({
      environment: "production",
      maxBodyBytes: DEFAULT_CONFIG.maxBodyBytes,
      healthDbTimeoutMs: DEFAULT_CONFIG.healthDbTimeoutMs,
      neonLocalRelay: undefined,
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
    const base = { AUTH_KV: testEnv.AUTH_KV, DATABASE_URL: "postgres://u:p@127.0.0.1/app" };
    expect(() => loadConfig({ ...base, ENVIRONMENT: "production", NEON_LOCAL_RELAY: "127.0.0.1:9000" })).toThrow(
      "NEON_LOCAL_RELAY must not be set in production",
    );
    expect(() => loadConfig({ ...base, ENVIRONMENT: "development", NEON_LOCAL_RELAY: "10.0.0.5:9000" })).toThrow(
      ConfigError,
    );
  });

  it("refuses a missing KV binding", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://u:p@db/app" } as never)).toThrow("AUTH_KV binding is missing");
  });
});
