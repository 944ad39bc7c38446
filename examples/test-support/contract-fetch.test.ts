// The examples' contract check (contract-fetch.ts) fails a call whose answer breaks docs/openapi.json, as
// the workers-side contract tests prove for theirs (src/features/openapi/contract.test.ts): crafted answers
// through the typed client, and the real gateway's answers passing.
import { createBearerClient, type FetchLike } from "@portcullis/client";
import { describe, expect, it } from "vitest";
import { gatewayClient, gatewayUrl } from "./behind-gateway.ts";
import { contractCheckedFetch } from "./contract-fetch.ts";

const GATEWAY = "http://gateway.test";
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A typed client whose every request is answered by `answer` (a gateway that misbehaves), contract-checked. */
function clientAnsweredBy(answer: (request: Request) => Response) {
  const inner: FetchLike = async (request) => answer(request);
  return createBearerClient({ baseUrl: GATEWAY, fetch: contractCheckedFetch(inner) });
}

const jwks = { keys: [{ kty: "EC", kid: "k1", alg: "ES256", use: "sig", crv: "P-256", x: "x", y: "y" }] };

describe("the examples' contract check", () => {
  it("passes a documented status whose body matches", async () => {
    const { data } = await clientAnsweredBy(() => json(jwks)).GET("/.well-known/jwks.json");
    expect(data?.keys[0]?.kid).toBe("k1");
  });

  it("fails a call answered with an undocumented status, naming the operation", async () => {
    const client = clientAnsweredBy(() => json({ error: { code: "teapot", message: "No." } }, 418));
    await expect(client.GET("/.well-known/jwks.json")).rejects.toThrow(
      /getJwks \(GET \/\.well-known\/jwks\.json\) answered 418, an undocumented status/,
    );
  });

  it("fails a body the document does not describe: a wrong type, an extra field, an undocumented error code", async () => {
    await expect(clientAnsweredBy(() => json({ keys: "none" })).GET("/.well-known/jwks.json")).rejects.toThrow(
      /getJwks .* answered 200, body does not match: #\/keys/,
    );
    const verified = {
      userId: "0190a5f4-7c1e-7d3a-9b2f-4e5d6c7b8a90",
      sessionId: "0190a5f4-7c1e-7d3a-9b2f-4e5d6c7b8a91",
      amr: ["pwd"],
      roles: [],
      authTime: "2026-12-03T10:00:00.000Z",
      expiresAt: "2026-12-03T10:05:00.000Z",
    };
    await expect(clientAnsweredBy(() => json({ ...verified })).GET("/auth/verify")).resolves.toMatchObject({
      data: verified,
    });
    await expect(
      clientAnsweredBy(() => json({ ...verified, accessToken: "leaked" })).GET("/auth/verify"),
    ).rejects.toThrow(/verifySession .* answered 200, body does not match: #/);
    const wrongCode = json({ error: { code: "not_found", message: "No such thing." } }, 401);
    await expect(clientAnsweredBy(() => wrongCode).GET("/auth/verify")).rejects.toThrow(
      /answered 401, body does not match: #\/error\/code/,
    );
  });

  it("leaves the app's own routes behind the gateway alone", async () => {
    const client = clientAnsweredBy(() => new Response("<p>teapot</p>", { status: 418 }));
    const response = await client.fetch(`${GATEWAY}/hono/items/7`);
    expect(response.status).toBe(418);
  });

  it("passes the real gateway's answers and records every request", async () => {
    const recording = contractCheckedFetch();
    const client = createBearerClient({ baseUrl: gatewayUrl(), fetch: recording });
    const { response } = await client.GET("/auth/session");
    expect(response.status).toBe(401);
    expect((await gatewayClient().GET("/.well-known/jwks.json")).response.status).toBe(200);
    expect(recording.sent()).toEqual(["GET /auth/session"]);
  });
});
