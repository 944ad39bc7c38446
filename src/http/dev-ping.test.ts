// GET /dev/ping answers 204 in development only; elsewhere it is a 404 that never reaches an origin.
import { describe, expect, it } from "vitest";
import { type ErrorBody, testEnv } from "../../test/helpers/auth.ts";
import { echoOriginUrl, newProbe, originSaw } from "../../test/helpers/gateway.ts";
import { PRODUCTION_BINDINGS, workerWith } from "../../test/helpers/worker.ts";

// A catch-all public route: without the reservation, /dev/ping would be proxied to the echo origin.
const catchAll = () => JSON.stringify([{ name: "app", origin: echoOriginUrl(), policy: "public" }]);

const PRODUCTION = PRODUCTION_BINDINGS;

describe("GET /dev/ping", () => {
  it("answers 204 with no body in development", async () => {
    const worker = workerWith({
      ENVIRONMENT: "development",
      TEST_FAST_PASSWORD_HASHING: undefined,
      GATEWAY_ROUTES: catchAll(),
    });
    const response = await worker.fetch("/dev/ping");
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("is a 404 outside development, and the origin behind a catch-all route never sees it", async () => {
    for (const overrides of [{ ENVIRONMENT: testEnv.ENVIRONMENT }, PRODUCTION]) {
      const worker = workerWith({ ...overrides, GATEWAY_ROUTES: catchAll() });
      const probe = newProbe();
      const response = await worker.fetch("/dev/ping", { headers: { "x-test-probe": probe } });
      expect([overrides.ENVIRONMENT, response.status]).toEqual([overrides.ENVIRONMENT, 404]);
      expect(((await response.json()) as ErrorBody).error.code).toBe("not_found");
      expect(await originSaw(probe)).toBe(false);
    }
  });

  it("is refused as a route table prefix: the gateway serves it itself", async () => {
    const worker = workerWith({
      GATEWAY_ROUTES: JSON.stringify([
        { name: "ping", pathPrefix: "/dev/ping", origin: echoOriginUrl(), policy: "public" },
      ]),
    });
    const response = await worker.fetch("/public/x");
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error.code).toBe("configuration_error");
  });
});
