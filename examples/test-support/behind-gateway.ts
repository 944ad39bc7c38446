// What every example origin must do behind the real gateway, as `it` blocks: serve a signed-in caller the
// identity it verified, and refuse a request that bypasses the gateway or carries a forged assertion.
import { randomUUID } from "node:crypto";
import { createBearerClient, type PortcullisBearerClient } from "@portcullis/client";
import { generateKeyPair, SignJWT } from "jose";
import { expect, inject, it } from "vitest";
import { contractCheckedFetch } from "./contract-fetch.ts";
import { EXAMPLE_ORIGINS, type ExampleName } from "./example-origins.ts";

export const gatewayUrl = () => inject("exampleGatewayUrl");

type Session = {
  email: string;
  userId: string;
  sessionId: string;
  accessToken: string;
  client: PortcullisBearerClient;
};

/** A typed client for the gateway whose answers are held to docs/openapi.json (contract-fetch.ts). */
export const gatewayClient = (): PortcullisBearerClient =>
  createBearerClient({ baseUrl: gatewayUrl(), fetch: contractCheckedFetch() });

/** A new account signed up over the JSON API (bearer mode); the gateway signs it in at once here. */
export async function signUpOverApi(label: string): Promise<Session> {
  const email = `${label}-${randomUUID()}@example.com`;
  const client = gatewayClient();
  const signUp = await client.POST("/auth/signup", {
    body: { email, password: `Quiet harbour ${randomUUID()}`, client: "api" },
  });
  const accessToken = client.tokens()?.accessToken;
  if (signUp.response.status !== 201 || !accessToken) throw new Error(`sign-up answered ${signUp.response.status}`);
  // The edge's own view of the session, to compare with what the origin verified.
  const { data: verified } = await client.GET("/auth/verify");
  if (!verified) throw new Error("the gateway did not verify the new session");
  return { email, userId: verified.userId, sessionId: verified.sessionId, accessToken, client };
}

/**
 * An assertion as the gateway would send it for `GET path` to `audience`, but signed with a key of our
 * own under the kid the gateway publishes: only the signature gives it away.
 */
export async function forgeAssertion(options: { audience: string; path: string; userId: string }): Promise<string> {
  const { data: jwks } = await gatewayClient().GET("/.well-known/jwks.json");
  const kid = jwks?.keys[0]?.kid;
  if (!kid) throw new Error("the gateway publishes no key");
  const { privateKey } = await generateKeyPair("ES256");
  const nowSeconds = Math.floor(Date.now() / 1000);
  const issuer = `http://localhost:${new URL(gatewayUrl()).port}`;
  return new SignJWT({
    sub: options.userId,
    sid: randomUUID(),
    email: "mallory@example.com",
    email_verified: true,
    roles: ["admin"],
    amr: ["pwd"],
    route: "forged",
    auth_src: "bearer",
    htm: "GET",
    htp: options.path,
  })
    .setProtectedHeader({ alg: "ES256", typ: "portcullis-assertion+jwt", kid })
    .setIssuer(issuer)
    .setAudience(options.audience)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 30)
    .setJti(randomUUID())
    .sign(privateKey);
}

/** The refusal every example answers with: 401 and `{"error": {"code", "message"}}`. */
async function expectRefusal(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
}

/** Declares the behind-the-gateway tests for one example origin. */
export function describeBehindGateway(name: ExampleName): void {
  const example = EXAMPLE_ORIGINS.find((candidate) => candidate.name === name);
  if (!example) throw new Error(`no example origin named ${name} in example-origins.ts`);
  const originUrl = () => inject("exampleOriginUrls")[name];
  const path = `${example.pathPrefix}/items/7`;

  it("answers a signed-in request through the gateway with the identity it verified", async () => {
    const session = await signUpOverApi(name);
    const response = await session.client.fetch(`${gatewayUrl()}${path}?view=full`, {
      headers: { "x-auth-user-id": "someone-else" },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { origin: string; identity: Record<string, unknown> };
    expect(body.origin).toBe(name.replace("origin-", ""));
    expect(body.identity).toMatchObject({
      userId: session.userId,
      sessionId: session.sessionId,
      email: session.email,
      emailVerified: false,
      roles: [],
      amr: ["pwd"],
      route: name,
      authSource: "bearer",
      name: null,
      username: null,
    });
    expect(body.identity).not.toHaveProperty("tenant");
  });

  it("refuses a request straight to the origin, bypassing the gateway, even with X-Auth-* headers", async () => {
    const response = await fetch(`${originUrl()}${path}`, {
      headers: { "x-auth-user-id": "user_1", "x-auth-email": "ada@example.com", "x-auth-roles": "admin" },
    });
    await expectRefusal(response, "missing_assertion");
  });

  it("refuses a forged assertion that names the gateway's key id", async () => {
    const assertion = await forgeAssertion({ audience: example.audience, path, userId: randomUUID() });
    await expectRefusal(
      await fetch(`${originUrl()}${path}`, { headers: { "x-auth-assertion": assertion } }),
      "invalid_signature",
    );
  });

  it("refuses a signed-out caller at the gateway, before the origin", async () => {
    const response = await fetch(`${gatewayUrl()}${path}`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });
}
