// The demo app `npm run dev` puts behind the gateway: a node:http origin that renders the identity it
// received, trusting it only after the origin kit has verified the request's assertion.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AssertionVerifier, createAssertionVerifier } from "@portcullis/origin";
import { type DemoLinks, renderIdentityPage, renderRefusedPage } from "./page.ts";

export type DemoSettings = DemoLinks & {
  /** The gateway's JWKS, e.g. http://127.0.0.1:8787/.well-known/jwks.json. */
  jwksUrl: string;
  /** The gateway's ISSUER. */
  issuer: string;
  /** This origin's id in the route table (the assertion's `aud`). */
  audience: string;
};

export type DemoServer = { url: string; close: () => Promise<void> };

// No scripts, styles or other assets: nothing needs to load, so the policy allows nothing.
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

async function handle(
  verify: AssertionVerifier,
  settings: DemoSettings,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
    return;
  }
  const result = await verify({ method: request.method, path: request.url ?? "/", headers: request.headers });
  if (!result.ok) {
    // A JWKS outage is the gateway's problem, not the caller's: 503 rather than 401.
    const status = result.error === "jwks_unavailable" ? 503 : 401;
    response.writeHead(status, PAGE_HEADERS).end(renderRefusedPage(result.error));
    return;
  }
  response.writeHead(200, PAGE_HEADERS).end(renderIdentityPage(result.identity, settings));
}

/** Starts the demo origin on 127.0.0.1:`port` (0 picks a free port). */
export async function startDemoServer(settings: DemoSettings, port = 0): Promise<DemoServer> {
  const verify = createAssertionVerifier(settings);
  const server: Server = createServer((request, response) => {
    handle(verify, settings, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
