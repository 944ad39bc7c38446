// Tiny HTTP plumbing for the local providers: a server on 127.0.0.1, forms, JSON, client credentials.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type LocalServer = { url: string; close(): Promise<void> };

export type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

const MAX_BODY_BYTES = 64 * 1024;

/** Listens on a free port of 127.0.0.1; `handler` gets the request URL parsed. */
export function startServer(handler: (origin: string) => Handler): Promise<LocalServer> {
  return new Promise((resolve, reject) => {
    let handle: Handler | undefined;
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`);
      (handle as Handler)(request, response, url).catch(() => {
        if (!response.headersSent) sendJson(response, 500, { error: "server_error" });
        else response.destroy();
      });
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      handle = handler(origin);
      resolve({
        url: origin,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** The request body as text, at most 64 KiB. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(request));
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location });
  response.end();
}

/** client_secret_basic or client_secret_post, as RFC 6749 2.3.1 spells them. */
export function clientCredentials(
  request: IncomingMessage,
  form: URLSearchParams,
): { clientId: string; clientSecret: string } | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const [id, secret] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
    if (id === undefined || secret === undefined) return undefined;
    return { clientId: decodeURIComponent(id), clientSecret: decodeURIComponent(secret) };
  }
  const clientId = form.get("client_id");
  const clientSecret = form.get("client_secret");
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The account a test chose, passed on the authorization request as base64url JSON (`test_account`). */
export function accountFrom(url: URL): Record<string, unknown> & { sub: string } {
  const encoded = url.searchParams.get("test_account");
  if (!encoded) throw new Error("test_account is missing");
  const account = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as { sub?: unknown };
  if (typeof account.sub !== "string") throw new Error("test_account.sub is missing");
  return account as Record<string, unknown> & { sub: string };
}
