// portcullisAuth for Fastify: a real Fastify instance (light-my-request injection), verifying against a fake gateway's keys.
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portcullisAuth } from "../src/fastify.ts";
import type { OriginMiddlewareOptions } from "../src/refusal.ts";
import { type FakeGateway, startFakeGateway } from "./support/fake-gateway.ts";
import { describeMiddlewareContract, middlewareOptions, PROTECTED_PATH } from "./support/middleware-contract.ts";
import { rawGet } from "./support/raw-request.ts";

let gateway: FakeGateway;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  gateway = await startFakeGateway();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await gateway?.close();
});

/** The hook registered in an encapsulated plugin: routes outside it stay public. */
async function appWith(options: OriginMiddlewareOptions): Promise<FastifyInstance> {
  const app = Fastify();
  apps.push(app);
  app.get("/public", async () => ({ public: true }));
  await app.register(async (protectedScope) => {
    protectedScope.addHook("onRequest", portcullisAuth(options));
    protectedScope.get(PROTECTED_PATH, async (request) => ({ identity: request.portcullis }));
  });
  await app.ready();
  return app;
}

describe("portcullisAuth (Fastify)", () => {
  describeMiddlewareContract(
    () => gateway,
    async (options) => {
      const app = await appWith(options);
      return async ({ path, headers }) => {
        const response = await app.inject({ method: "GET", url: path, headers });
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) responseHeaders.set(name, String(value));
        return { status: response.statusCode, body: response.json(), headers: responseHeaders };
      };
    },
  );

  it("refuses an absolute-form target whose path only resolves to the assertion's (dot segments)", async () => {
    // Fastify routes `/admin/%2e%2e/api/items/7` as written; WHATWG URL would resolve it to the htp.
    const app = Fastify();
    apps.push(app);
    app.addHook("onRequest", portcullisAuth(middlewareOptions(gateway)));
    app.get("/admin/*", async (request) => ({ admin: request.portcullis?.userId }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    for (const path of ["/admin/%2e%2e/api/items/7", "/admin/x/../../api/items/7"]) {
      const headers = { "x-auth-assertion": await gateway.signAssertion({ htp: "/api/items/7" }) };
      const answer = await rawGet(port, `http://127.0.0.1:${port}${path}`, headers);
      expect([path, answer.status, JSON.parse(answer.body).error.code]).toEqual([path, 401, "path_mismatch"]);
    }
  });

  it("leaves routes outside the hook's scope alone", async () => {
    const response = await (await appWith(middlewareOptions(gateway))).inject({ method: "GET", url: "/public" });
    expect([response.statusCode, response.json()]).toEqual([200, { public: true }]);
  });
});
