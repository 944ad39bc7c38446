import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { testEnv } from "../../../test/helpers/env.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

describe("GET /healthz", () => {
  it("answers ok with the database latency and KV status through the configured entry point", async () => {
    const response = await exports.default.fetch("http://localhost/healthz");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as {
      status: string;
      db: { ok: boolean; latencyMs: number };
      kv: { ok: boolean };
    };
    expect(body.status).toBe("ok");
    expect(body.db.ok).toBe(true);
    expect(body.db.latencyMs).toBeGreaterThanOrEqual(0);
    expect(body.kv).toEqual({ ok: true });
  });

  it("answers 503 with db.ok false and a reason when the database is unreachable", async () => {
    const worker = workerWith({ DATABASE_URL: testEnv.UNREACHABLE_DATABASE_URL });
    const response = await worker.fetch("/healthz");
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      db: { ok: boolean; reason: string };
      kv: { ok: boolean };
    };
    expect(body).toEqual({
      status: "degraded",
      db: { ok: false, reason: "unreachable" },
      kv: { ok: true },
      routes: { ok: true },
    });
  });

  it("answers 503 with reason timeout when the database does not answer in time", async () => {
    // A relay address with nothing behind it never completes the WebSocket handshake quickly enough
    // for a 1 ms budget; the check must give up instead of hanging.
    const worker = workerWith({ HEALTH_DB_TIMEOUT_MS: "1" });
    const response = await worker.fetch("/healthz");
    expect(response.status).toBe(503);
    const body = (await response.json()) as { db: { ok: boolean; reason: string } };
    expect(body.db).toEqual({ ok: false, reason: "timeout" });
  });
});
