// portcullisAuth for Express: a real Express app on a loopback port, verifying against a fake gateway's keys.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portcullisAuth } from "../src/express.ts";
import type { OriginMiddlewareOptions } from "../src/refusal.ts";
import { type FakeGateway, startFakeGateway } from "./support/fake-gateway.ts";
import { describeMiddlewareContract, middlewareOptions } from "./support/middleware-contract.ts";
import { rawGet } from "./support/raw-request.ts";

let gateway: FakeGateway;
const servers: Server[] = [];
beforeAll(async () => {
  gateway = await startFakeGateway();
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await gateway?.close();
});

/** An app whose protected routes sit under a router mounted at /api, so req.url is rewritten there. */
async function listen(options: OriginMiddlewareOptions): Promise<string> {
  const app = express();
  app.get("/public", (_request, response) => {
    response.json({ public: true });
  });
  const api = express.Router();
  api.use(portcullisAuth(options));
  api.get("/items/:id", (request, response) => {
    response.json({ identity: request.portcullis });
  });
  app.use("/api", api);
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("portcullisAuth (Express)", () => {
  describeMiddlewareContract(
    () => gateway,
    async (options) => {
      const base = await listen(options);
      return async ({ path, headers }) => {
        const response = await fetch(`${base}${path}`, { headers });
        return { status: response.status, body: await response.json(), headers: response.headers };
      };
    },
  );

  it("refuses an absolute-form target whose path only resolves to the assertion's (dot segments)", async () => {
    // Express routes `/admin/%2e%2e/api/items/7` as written, under /admin; WHATWG URL would resolve it to htp.
    const app = express();
    app.use("/admin", portcullisAuth(middlewareOptions(gateway)), (request, response) => {
      response.json({ admin: request.portcullis?.userId });
    });
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as AddressInfo).port;
    const headers = { "x-auth-assertion": await gateway.signAssertion({ htp: "/api/items/7" }) };
    const answer = await rawGet(port, `http://127.0.0.1:${port}/admin/%2e%2e/api/items/7`, headers);
    expect([answer.status, JSON.parse(answer.body).error.code]).toEqual([401, "path_mismatch"]);
  });

  it("leaves routes it is not mounted on alone", async () => {
    const response = await fetch(`${await listen(middlewareOptions(gateway))}/public`);
    expect([response.status, await response.json()]).toEqual([200, { public: true }]);
  });
});
