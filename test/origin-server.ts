// A real origin for the gateway tests, on 127.0.0.1: echoes what it received and verifies the
// gateway's assertion with `jsonwebtoken` (not jose) to prove any origin can.
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import jwt from "jsonwebtoken";
import { WebSocketServer } from "ws";

export type OriginServer = { url: string; close(): Promise<void> };

type AssertionCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; error: string } | null;

function checkAssertion(request: IncomingMessage, keys: Map<string, KeyObject>, issuer: string): AssertionCheck {
  const token = request.headers["x-auth-assertion"];
  if (typeof token !== "string") return null;
  try {
    const decoded = jwt.decode(token, { complete: true });
    const key = decoded?.header.kid ? keys.get(decoded.header.kid) : undefined;
    if (!decoded || !key) return { ok: false, error: "unknown_key" };
    if (decoded.header.typ !== "portcullis-assertion+jwt") return { ok: false, error: "wrong_type" };
    const claims = jwt.verify(token, key, {
      algorithms: ["ES256"],
      issuer,
      audience: ["app", "svc", "admin"],
    }) as Record<string, unknown>;
    const path = new URL(request.url ?? "/", "http://origin").pathname;
    if (claims.htm !== request.method || claims.htp !== path) return { ok: false, error: "request_mismatch" };
    if (Number(claims.exp) - Number(claims.iat) > 60) return { ok: false, error: "lifetime_too_long" };
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, error: (error as Error).name };
  }
}

/** Starts the origin; `signingKeys` is the gateway's JWK set (its public halves are used). */
export async function startOriginServer(signingKeys: string, issuer: string): Promise<OriginServer> {
  const set = JSON.parse(signingKeys) as { keys: Array<Record<string, string>> };
  const keys = new Map(
    set.keys.map((jwk) => {
      const { d: _private, ...publicJwk } = jwk;
      return [String(jwk.kid), createPublicKey({ key: publicJwk as never, format: "jwk" })];
    }),
  );
  // Probe ids (the X-Test-Probe header) of every request that reached this origin, so a test can
  // prove one never did: GET /__probe/<id> answers {"seen": true|false}.
  const probes = new Set<string>();
  const server: Server = createServer((request, response) => {
    // A client that gave up (the gateway's timeout test) must not crash the test run.
    handle(request, response).catch(() => response.destroy());
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://origin");
    const probe = request.headers["x-test-probe"];
    if (typeof probe === "string") probes.add(probe);
    const probed = /^\/__probe\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (probed) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ seen: probes.has(probed) }));
      return;
    }
    if (url.pathname.startsWith("/slow")) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
    if (url.pathname.startsWith("/stream")) {
      response.writeHead(200, { "content-type": "text/plain" });
      for (let i = 0; i < 5; i++) {
        response.write(`chunk ${i}\n`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      response.end();
      return;
    }
    const hash = createHash("sha256");
    let length = 0;
    for await (const chunk of request) {
      hash.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    const status = /^\/status\/(\d{3})$/.exec(url.pathname)?.[1];
    response.statusCode = status ? Number(status) : 200;
    response.setHeader("content-type", "application/json");
    // /sets-gateway-cookies/*: an origin trying to clear or plant the gateway's session (it must not).
    const gatewayCookies = url.pathname.startsWith("/sets-gateway-cookies")
      ? [
          "__Host-portcullis_at=planted; Path=/; Secure; HttpOnly",
          "__host-PORTCULLIS_RT=; Path=/; Secure; Max-Age=0",
          "__Secure-portcullis_at=planted; Path=/; Secure",
          "portcullis_rt=planted; Path=/",
        ]
      : [];
    response.setHeader("set-cookie", ["origin_a=1; Path=/", ...gatewayCookies, "origin_b=2; Path=/; HttpOnly"]);
    response.setHeader("x-origin", "echo");
    response.end(
      JSON.stringify({
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawHeaderNames: request.rawHeaders.filter((_, index) => index % 2 === 0),
        bodyLength: length,
        bodySha256: hash.digest("hex"),
        assertion: checkAssertion(request, keys, issuer),
      }),
    );
  }
  const sockets = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    const probe = request.headers["x-test-probe"];
    if (typeof probe === "string") probes.add(probe);
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => ws.send(isBinary ? data : `echo: ${data.toString()}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
