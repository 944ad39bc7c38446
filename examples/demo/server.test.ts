// The demo origin shows the identity of an assertion with the gateway's claims and keys served as a JWKS, and refuses anything else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGateway, startFakeGateway, TEST_ISSUER } from "../../src/origin/test-support/fake-gateway.ts";
import { type DemoServer, startDemoServer } from "./server.ts";

let gateway: FakeGateway;
let demo: DemoServer;

beforeAll(async () => {
  gateway = await startFakeGateway();
  demo = await startDemoServer({
    jwksUrl: gateway.jwksUrl,
    issuer: TEST_ISSUER,
    audience: "demo",
    securePath: "/secure",
  });
});

afterAll(async () => {
  await demo?.close();
  await gateway?.close();
});

const identity = {
  userId: "01900000-0000-7000-8000-000000000001",
  email: "ada<script>@example.com",
};

/** The claims the gateway signs (src/gateway/assertion.ts) for `GET path` on the demo's routes. */
function assertionFor(path: string, audience = "demo"): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return gateway.signAssertion({
    aud: audience,
    sub: identity.userId,
    email: identity.email,
    roles: [],
    tenant: undefined,
    amr: ["pwd", "otp", "mfa"],
    route: "demo-secure",
    htp: path,
    iat: nowSeconds,
    exp: nowSeconds + 30,
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
