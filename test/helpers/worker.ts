// Drives the real Worker entry point with a given set of bindings (e.g. a per-file database).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index.ts";
import { assertDocumentedResponse } from "./app-contract.ts";
import { type TestBindings, testEnv } from "./env.ts";

export type WorkerClient = {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  env: TestBindings;
};

/**
 * A client for the Worker whose bindings are the test run's, with `overrides` on top. Each call
 * waits for the request's `waitUntil` work (closing its database client) before it returns, and
 * checks the answer against the OpenAPI document (app-contract.ts) when the route is documented.
 */
export function workerWith(overrides: Partial<Record<keyof TestBindings, unknown>> = {}): WorkerClient {
  const bindings = { ...testEnv, ...overrides } as TestBindings;
  return {
    env: bindings,
    async fetch(path, init) {
      const ctx = createExecutionContext();
      const request = new Request(new URL(path, "http://localhost"), init);
      const response = await worker.fetch(request, bindings, ctx);
      await waitOnExecutionContext(ctx);
      await assertDocumentedResponse(request.method, request.url, response);
      return response;
    },
  };
}

/**
 * Bindings that make the test Worker a valid production one: a real mail provider, no cheap hashing,
 * no relay, and none of the suite's local identity providers (they listen on http://127.0.0.1, which
 * production refuses).
 */
export const PRODUCTION_BINDINGS = {
  ENVIRONMENT: "production",
  MAIL_PROVIDER: "http",
  MAIL_HTTP_URL: "https://mail.example/send",
  TEST_FAST_PASSWORD_HASHING: undefined,
  NEON_LOCAL_RELAY: undefined,
  OAUTH_PROVIDERS: undefined,
  FEDERATED_ISSUERS: undefined,
} as const;
