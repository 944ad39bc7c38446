// Error pages under attack: a failing database, development tools outside development.
import { describe, expect, it } from "vitest";
import { testEnv } from "../../../test/helpers/auth.ts";
import { PRODUCTION_BINDINGS, workerWith } from "../../../test/helpers/worker.ts";

const form = (body: string) => ({
  method: "POST",
  body,
  headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
});

describe("error pages", () => {
  it("a failing database yields a page with a reference only: no stack, message or internals", async () => {
    const worker = workerWith({ DATABASE_URL: testEnv.UNREACHABLE_DATABASE_URL });
    const responses = [
      await worker.fetch(`/auth/verify-email?token=${"a".repeat(43)}`),
      await worker.fetch(`/auth/reset-password?token=${"a".repeat(43)}`),
      await worker.fetch("/auth/sign-in", form("email=a%40example.com&password=x")),
    ];
    for (const response of responses) {
      const html = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(html).not.toMatch(/at \S+ \(|\.ts:\d+|prisma|neon|postgres|ECONNREFUSED|websocket|Error:/i);
      expect(html).not.toContain(testEnv.UNREACHABLE_DATABASE_URL);
    }
  });

  it("/dev/mail is a 404 page outside development", async () => {
    for (const ENVIRONMENT of ["test", "production"]) {
      const production = ENVIRONMENT === "production";
      const worker = workerWith(production ? PRODUCTION_BINDINGS : { ENVIRONMENT });
      const response = await worker.fetch("/dev/mail");
      expect([ENVIRONMENT, response.status, response.headers.get("content-type")]).toEqual([
        ENVIRONMENT,
        404,
        "text/html; charset=UTF-8",
      ]);
    }
  });
});
