// The example origin, run as the README says, answers 200 with the identity for a valid assertion and 401 without one.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeGateway,
  startFakeGateway,
  TEST_AUDIENCE,
  TEST_ISSUER,
} from "../../src/origin/test-support/fake-gateway.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

let gateway: FakeGateway;
let origin: ChildProcess;
let originUrl: string;

async function waitForListeningLine(child: ChildProcess): Promise<string> {
  let output = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.once("exit", (code) => reject(new Error(`origin exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  gateway = await startFakeGateway();
  origin = spawn(process.execPath, ["--import", "tsx", "examples/origin-node/server.ts"], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      PORTCULLIS_JWKS_URL: gateway.jwksUrl,
      PORTCULLIS_ISSUER: TEST_ISSUER,
      PORTCULLIS_AUDIENCE: TEST_AUDIENCE,
      PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  originUrl = await waitForListeningLine(origin);
});

afterAll(async () => {
  if (origin && origin.exitCode === null) {
    origin.kill("SIGTERM");
    await once(origin, "exit");
  }
  await gateway?.close();
});

describe("examples/origin-node", () => {
  it("answers 200 with the verified identity when the request carries a valid assertion", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const assertion = await gateway.signAssertion({ iat: nowSeconds, exp: nowSeconds + 30 });
    const response = await fetch(`${originUrl}/api/items/7?view=full`, { headers: { "X-Auth-Assertion": assertion } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      hello: "ada@example.com",
      identity: {
        userId: "user_1",
        sessionId: "session_1",
        roles: ["admin", "editor"],
        tenant: "tenant_1",
        tenantSlug: "acme",
      },
    });
  });

  it("answers 401 with the error code when the request carries no assertion", async () => {
    const response = await fetch(`${originUrl}/api/items/7`, { headers: { "X-Auth-User-Id": "user_1" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "missing_assertion" });
  });
});
