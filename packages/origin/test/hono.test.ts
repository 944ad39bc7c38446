// portcullisAuth for Hono: a real Hono app, verifying against a fake gateway's keys.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PortcullisVariables, portcullisAuth } from "../src/hono.ts";
import type { OriginMiddlewareOptions } from "../src/refusal.ts";
import { type FakeGateway, startFakeGateway } from "./support/fake-gateway.ts";
import { describeMiddlewareContract, middlewareOptions, PROTECTED_PATH } from "./support/middleware-contract.ts";

let gateway: FakeGateway;
beforeAll(async () => {
  gateway = await startFakeGateway();
});
afterAll(() => gateway?.close());

function appWith(options: OriginMiddlewareOptions) {
  const app = new Hono<{ Variables: PortcullisVariables }>();
  app.get("/public", (c) => c.json({ public: true }));
  app.use("/api/*", portcullisAuth(options));
  app.get(PROTECTED_PATH, (c) => c.json({ identity: c.get("portcullis") }));
  return app;
}

describe("portcullisAuth (Hono)", () => {
  describeMiddlewareContract(
    () => gateway,
    async (options) => {
      const app = appWith(options);
      return async ({ path, headers }) => {
        const response = await app.request(`http://origin.internal${path}`, { headers });
        return { status: response.status, body: await response.json(), headers: response.headers };
      };
    },
  );

  it("leaves routes it is not mounted on alone", async () => {
    const response = await appWith(middlewareOptions(gateway)).request("/public");
    expect([response.status, await response.json()]).toEqual([200, { public: true }]);
  });
});
