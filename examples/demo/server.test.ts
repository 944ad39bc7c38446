// The demo origin behind the real gateway (examples/test-support/global-setup.ts): it shows a signed-in
// caller the identity its assertion proved, under a CSP that allows nothing, and refuses anything else.
import { describe, expect, inject, it } from "vitest";
import { forgeAssertion, gatewayUrl, signUpOverApi } from "../test-support/behind-gateway.ts";
import { DEMO_ORIGIN } from "../test-support/example-origins.ts";

const demoUrl = () => inject("exampleDemoUrl");

describe("examples/demo behind the gateway", () => {
  it("renders the verified identity of a signed-in caller, under a CSP that allows no script or style", async () => {
    const session = await signUpOverApi("demo");
    const response = await fetch(`${gatewayUrl()}${DEMO_ORIGIN.pathPrefix}/?x=1`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain("Assertion verified");
    expect(html).toContain(`<dd>${session.userId}</dd>`);
    expect(html).toContain(`<dd>${session.email}</dd>`);
    expect(html).toContain("<dd>bearer</dd>");
  });

  it("refuses a request straight to the origin, and says why, with no identity", async () => {
    const response = await fetch(`${demoUrl()}/`, { headers: { "X-Auth-User-Id": "user_1" } });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain("Assertion not verified");
    expect(html).toContain("<code>missing_assertion</code>");
    expect(html).not.toContain("user_1");
  });

  it("refuses a forged assertion", async () => {
    const assertion = await forgeAssertion({ audience: DEMO_ORIGIN.audience, path: "/", userId: "user_1" });
    const response = await fetch(`${demoUrl()}/`, { headers: { "X-Auth-Assertion": assertion } });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("<code>invalid_signature</code>");
  });

  it("answers 405 to anything but GET and HEAD", async () => {
    const response = await fetch(`${demoUrl()}/`, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});
