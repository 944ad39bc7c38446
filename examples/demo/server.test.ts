// The demo origin shows the identity of an assertion signed as the gateway signs it, and refuses anything else.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateGatewaySecrets } from "../../scripts/lib/secrets.ts";
import { loadSigningKeys, type SigningKeys, signingKeySetSchema } from "../../src/crypto/signing-keys.ts";
import { type AssertionIdentity, signAssertion } from "../../src/gateway/assertion.ts";
import { type DemoServer, startDemoServer } from "./server.ts";

const ISSUER = "http://localhost:8787";

let keys: SigningKeys;
let jwks: Server;
let demo: DemoServer;

beforeAll(async () => {
  const secrets = await generateGatewaySecrets();
  keys = await loadSigningKeys(signingKeySetSchema.parse(JSON.parse(secrets.SIGNING_KEYS)));
  // What the gateway's /.well-known/jwks.json serves: the public halves only.
  jwks = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: keys.publicJwks }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const { port } = jwks.address() as AddressInfo;
  demo = await startDemoServer({
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: "demo",
    securePath: "/secure",
  });
});

afterAll(async () => {
  await demo?.close();
  jwks?.closeAllConnections();
  await new Promise((resolve) => jwks?.close(resolve));
});

const identity: AssertionIdentity = {
  userId: "01900000-0000-7000-8000-000000000001",
  sessionId: "01900000-0000-7000-8000-000000000002",
  email: "ada<script>@example.com",
  emailVerified: true,
  roles: [],
  amr: ["pwd", "otp", "mfa"],
  route: "demo-secure",
  authSource: "cookie",
};

function assertionFor(path: string, audience = "demo"): Promise<string> {
  return signAssertion(keys, identity, { method: "GET", path }, {
    issuer: ISSUER,
    audience,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
}

describe("examples/demo", () => {
  it("renders the verified identity, escaped, under a CSP that allows no script or style", async () => {
    const response = await fetch(`${demo.url}/secure?x=1`, {
      headers: { "X-Auth-Assertion": await assertionFor("/secure") },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain("Assertion verified");
    expect(html).toContain(identity.userId);
    expect(html).toContain("ada&lt;script&gt;@example.com");
    expect(html).not.toContain("<script");
    expect(html).toContain("<dd>pwd, otp, mfa</dd>");
    expect(html).toContain("<dd>demo-secure</dd>");
    expect(html).toContain('<form method="post" action="/auth/sign-out">');
    expect(html).toContain('href="/auth/account"');
    expect(html).not.toMatch(/style=|<style|<link/);
  });

  it("refuses a request without an assertion, and says why, with no identity", async () => {
    const response = await fetch(`${demo.url}/`, { headers: { "X-Auth-User-Id": identity.userId } });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain("Assertion not verified");
    expect(html).toContain("<code>missing_assertion</code>");
    expect(html).not.toContain(identity.userId);
  });

  it("refuses an assertion for another origin, another path, or one replayed", async () => {
    const foreign = await fetch(`${demo.url}/`, { headers: { "X-Auth-Assertion": await assertionFor("/", "app") } });
    expect(foreign.status).toBe(401);
    expect(await foreign.text()).toContain("Assertion not verified");

    const elsewhere = await fetch(`${demo.url}/other`, { headers: { "X-Auth-Assertion": await assertionFor("/") } });
    expect(elsewhere.status).toBe(401);

    const once = await assertionFor("/");
    expect((await fetch(`${demo.url}/`, { headers: { "X-Auth-Assertion": once } })).status).toBe(200);
    const replayed = await fetch(`${demo.url}/`, { headers: { "X-Auth-Assertion": once } });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).not.toContain(identity.userId);
  });

  it("answers 405 to anything but GET and HEAD", async () => {
    const response = await fetch(`${demo.url}/`, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});
