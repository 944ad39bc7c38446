// Example origin behind Portcullis: a plain node:http server that trusts a request only after verifying its assertion.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { type AssertionVerifier, createAssertionVerifier, refusalFor } from "@portcullis/origin";

export type OriginSettings = { jwksUrl: string; issuer: string; audience: string };

/** Reads the verifier's settings from `PORTCULLIS_JWKS_URL`, `PORTCULLIS_ISSUER` and `PORTCULLIS_AUDIENCE`. */
export function readOriginSettings(env: NodeJS.ProcessEnv): OriginSettings {
  const settings = {
    jwksUrl: env.PORTCULLIS_JWKS_URL,
    issuer: env.PORTCULLIS_ISSUER,
    audience: env.PORTCULLIS_AUDIENCE,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!value)
      throw new Error(`missing setting ${name} (PORTCULLIS_JWKS_URL, PORTCULLIS_ISSUER, PORTCULLIS_AUDIENCE)`);
  }
  return settings as OriginSettings;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

async function handle(verify: AssertionVerifier, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const result = await verify({ method: request.method ?? "GET", path: request.url ?? "/", headers: request.headers });
  if (!result.ok) {
    // 401 {"error": {"code", "message"}}; an outage of the gateway's JWKS is ours to fix, not the caller's: 503.
    const refusal = refusalFor(result.error);
    sendJson(response, refusal.status, refusal.body);
    return;
  }
  // Only the verified identity is used; the X-Auth-* headers are informational copies of it.
  const { identity } = result;
  sendJson(response, 200, { origin: "node", identity });
}

/** Creates the origin server; it verifies every request against the gateway's keys. */
export function createOriginServer(settings: OriginSettings): Server {
  const verify = createAssertionVerifier(settings);
  return createServer((request, response) => {
    handle(verify, request, response).catch(() =>
      sendJson(response, 500, { error: { code: "internal_error", message: "The origin failed." } }),
    );
  });
}

/** Starts the origin on 127.0.0.1:`port` (0 picks a free port) and resolves once it listens. */
export async function startOriginServer(settings: OriginSettings, port: number): Promise<Server> {
  const server = createOriginServer(settings);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await startOriginServer(readOriginSettings(process.env), Number(process.env.PORT ?? 3000));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`origin listening on http://127.0.0.1:${port}\n`);
  process.once("SIGINT", () => server.close());
  process.once("SIGTERM", () => server.close());
}
