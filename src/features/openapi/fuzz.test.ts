// Spec-driven fuzzing (issue 16): every documented operation, anonymously and signed in (cookie and
// bearer), gets valid and invalid requests from a fixed seed; no answer may be a 5xx, break the document
// or the error shape, lack an X-Request-Id, leak a stack trace or secret, or write for a refused request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import document from "../../../docs/openapi.json";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { testEnv } from "../../../test/helpers/env.ts";
import { problemsWith, secretsOf } from "../../../test/helpers/fuzz/checks.ts";
import { FuzzIdentities, IDENTITY_KINDS } from "../../../test/helpers/fuzz/identities.ts";
import { SeededRandom } from "../../../test/helpers/fuzz/random.ts";
import type { FuzzOperation } from "../../../test/helpers/fuzz/requests.ts";
import { openRowCounter, type RowCounter } from "../../../test/helpers/fuzz/row-counts.ts";
import { type FuzzRun, type FuzzStats, fuzzOperation } from "../../../test/helpers/fuzz/runner.ts";
import { logger } from "../../http/logger.ts";

/** Fixed for CI; FUZZ_SEED and FUZZ_RUNS (cases per operation and identity) explore locally. */
const DEFAULT_SEED = 16;
const DEFAULT_RUNS = 8;
const fuzzEnv = testEnv as unknown as { FUZZ_SEED?: string; FUZZ_RUNS?: string };
const SEED = Number.parseInt(fuzzEnv.FUZZ_SEED || "", 10) || DEFAULT_SEED;
const RUNS = Number.parseInt(fuzzEnv.FUZZ_RUNS || "", 10) || DEFAULT_RUNS;

/**
 * Limits opened wide so the fuzzer reaches the handlers instead of a wall of 429s (each request also
 * comes from its own address); a 429 that still appears is checked against the document like any status.
 */
const GENEROUS_LIMITS = {
  LOGIN_FREE_FAILURES: "50",
  CLIENT_FREE_FAILURES: "1000",
  LOCKOUT_FAILURES: "100",
  MAX_TENANTS_PER_USER: "1000",
  INVITATIONS_PER_TENANT_PER_HOUR: "10000",
  // A valid createTenant makes the fuzz user an OWNER; were OWNER an MFA role, every later request of
  // that user would stop at mfa_enrollment_required instead of reaching the handlers.
  REQUIRE_MFA_ROLES: "PLATFORM_ADMIN",
};

const operations: FuzzOperation[] = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.entries(methods as Record<string, FuzzOperation["operation"]>).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    operation,
  })),
);

describe(`fuzzing every documented operation (seed ${SEED}, ${RUNS} cases per operation and identity)`, () => {
  let ctx: AuthTestContext;
  let counter: RowCounter;
  let run: FuzzRun;
  const stats: FuzzStats = { requests: 0, byStatus: {}, byKind: {} };
  let startedAt = 0;

  beforeAll(async () => {
    ctx = await setUpAuthTest(GENEROUS_LIMITS);
    counter = await openRowCounter(ctx.databaseUrl);
    const identities = new FuzzIdentities(ctx);
    const random = new SeededRandom(SEED);
    run = {
      ctx,
      identities,
      counter,
      random,
      ids: identities.userIds,
      secrets: secretsOf(ctx.worker.env),
      stats,
      runs: RUNS,
    };
    startedAt = Date.now();
  });

  afterAll(async () => {
    await counter?.close();
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    // The run's size and time, for BENCHMARKS.md (the project's logger: JSON lines, no secrets in them).
    logger.info("fuzz finished", {
      requests: stats.requests,
      operations: operations.length,
      seconds: Number(seconds),
      seed: SEED,
      runs: RUNS,
      statuses: JSON.stringify(stats.byStatus),
      identitiesRecreated: run?.identities.recreated ?? 0,
    });
  });

  it.each(
    operations.map((op, index) => [`${op.operation.operationId} (${op.method} ${op.template})`, op, index] as const),
  )("%s: no 5xx, the documented shape, an X-Request-Id, no leak, no write when refused", async (_name, op, index) => {
    const failures: string[] = [];
    for (const [position, kind] of IDENTITY_KINDS.entries()) {
      const found = await fuzzOperation(run, op, kind, index + position * RUNS);
      failures.push(...found.map((failure) => `[${kind}] ${failure}`));
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});

describe("the fuzz checks", () => {
  const headers = (entries: Record<string, string> = {}) =>
    new Headers({ "x-request-id": "r-1", "content-type": "application/json", ...entries });
  const error = JSON.stringify({ error: { code: "invalid_json", message: "The request body is not valid JSON." } });

  it("accept a 4xx in the error shape with a request id", () => {
    expect(problemsWith({ status: 400, headers: headers(), text: error }, "", [])).toEqual([]);
  });

  it("flag a 5xx, a missing request id and a 4xx without the error shape", () => {
    const noId = new Headers({ "content-type": "application/json" });
    expect(problemsWith({ status: 500, headers: headers(), text: error }, "", [])).toEqual(["answered 500"]);
    expect(problemsWith({ status: 400, headers: noId, text: error }, "", [])).toEqual(["no X-Request-Id header"]);
    expect(problemsWith({ status: 404, headers: headers(), text: '{"message":"nope"}' }, "", [])[0]).toMatch(
      /a 404 without the error shape/,
    );
  });

  it("flag a stack trace, a source path and a secret from the bindings", () => {
    const stack = "TypeError: x is undefined\n    at handler (/work/src/app.ts:10:5)";
    expect(problemsWith({ status: 200, headers: headers(), text: stack }, "", []).length).toBeGreaterThan(0);
    const secret = testEnv.AUTH_SECRET;
    expect(secretsOf(testEnv as never)).toContain(secret);
    expect(problemsWith({ status: 200, headers: headers(), text: `{"x":"${secret}"}` }, "", [secret])).toEqual([
      "a secret from the bindings in the body",
    ]);
  });

  it("flag a token in an error that the request did not send, and not one it did", () => {
    const token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
    const body = JSON.stringify({ error: { code: "unauthorized", message: `bad ${token}` } });
    expect(problemsWith({ status: 401, headers: headers(), text: body }, "", [])[0]).toMatch(/token-looking/);
    expect(problemsWith({ status: 401, headers: headers(), text: body }, `Bearer ${token}`, [])).toEqual([]);
  });
});
