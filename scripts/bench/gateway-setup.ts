// What the gateway benchmark runs against: a tiny origin on 127.0.0.1 (1 KB answers, verifies nothing),
// the dev stack (one route to that origin for the gateway bench), and browser sessions (cookies) signed in through the real API.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type CompactJWSHeaderParameters, decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from "jose";
import { type DevProcess, spawnDev, waitForGateway } from "../lib/dev-process.ts";
import { findFreePort } from "../lib/free-port.ts";

export const RESPONSE_BYTES = 1024;
export const ROUTE_PREFIX = "/bench";
const PASSWORD = "correct horse battery staple 42";
const BODY = Buffer.alloc(RESPONSE_BYTES, "x");

export type Origin = { url: string; close: () => Promise<void> };

/** GET /item → 200 with 1 KB; anything else → 204. Keep-alive, so both paths reuse connections. */
export async function startOrigin(): Promise<Origin> {
  const server: Server = createServer((request, response) => {
    request.resume();
    if (request.url === "/item") {
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": RESPONSE_BYTES });
      response.end(BODY);
    } else {
      response.writeHead(204).end();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The route table the gateway bench runs with: one authenticated route, `/bench/*` → `origin` (stripped). */
export const benchRoutes = (origin: Origin) =>
  JSON.stringify([
    { name: "bench", pathPrefix: ROUTE_PREFIX, origin: origin.url, policy: "authenticated", stripPrefix: true },
  ]);

export type Stack = { dev: DevProcess; baseUrl: string; dataDir: string; stop: () => Promise<void> };

/** `npm run dev` on free ports in `dataDir`, sign-ups signing in at once, `env` on top; waits for a 200. */
export async function startStack(dataDir: string, env: Record<string, string> = {}): Promise<Stack> {
  const [port, pgPort] = await Promise.all([findFreePort(), findFreePort()]);
  const dev = spawnDev({
    PORTCULLIS_DATA_DIR: dataDir,
    PORT: String(port),
    PORTCULLIS_PG_PORT: String(pgPort),
    REQUIRE_EMAIL_VERIFICATION: "false",
    ...env,
  });
  const deadline = Date.now() + 120_000;
  while ((await waitForGateway(port, dev)).status !== 200) {
    if (Date.now() > deadline) throw new Error("no 200 on /healthz within 120 s");
  }
  const stop = async () => {
    dev.child.kill("SIGINT");
    await dev.exited;
  };
  return { dev, baseUrl: `http://127.0.0.1:${port}`, dataDir, stop };
}

/** The cookies a browser holds, updated from every response's Set-Cookie (deletions included). */
export class CookieJar {
  readonly values = new Map<string, string>();

  update(response: Response): boolean {
    const cookies = response.headers.getSetCookie();
    for (const cookie of cookies) {
      const [pair = "", ...attributes] = cookie.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === "") this.values.delete(name);
      else this.values.set(name, value);
    }
    return cookies.length > 0;
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The cookie whose name ends in `suffix` (`portcullis_at`, with or without `__Host-`). */
  nameEndingIn(suffix: string): string {
    const name = [...this.values.keys()].find((key) => key.endsWith(suffix));
    if (!name) throw new Error(`no ${suffix} cookie`);
    return name;
  }
}

async function postJson(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(body),
  });
}

/**
 * Rotates the jar's session through POST /auth/refresh when its access cookie has less than a minute
 * left, so a long run under load keeps measuring valid access tokens, not edge refreshes.
 */
export async function keepAccessCookieFresh(baseUrl: string, jar: CookieJar): Promise<void> {
  const expiresAt = Number(decodeJwt(jar.values.get(jar.nameEndingIn("portcullis_at")) ?? "").exp);
  if (expiresAt - Date.now() / 1000 > 60) return;
  const response = await fetch(`${baseUrl}/auth/refresh`, {
    method: "POST",
    headers: { cookie: jar.header(), origin: baseUrl },
  });
  if (response.status !== 200) throw new Error(`refresh failed: ${response.status} ${await response.text()}`);
  jar.update(response);
}

/** One sign-up, then `count` browser sign-ins (each its own session and cookie jar). */
export async function browserSessions(baseUrl: string, count: number): Promise<CookieJar[]> {
  const email = `bench-${randomUUID()}@example.com`;
  const signup = await postJson(baseUrl, "/auth/signup", { email, password: PASSWORD });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
  const jars: CookieJar[] = [];
  for (let i = 0; i < count; i++) {
    const login = await postJson(baseUrl, "/auth/login", { email, password: PASSWORD });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const jar = new CookieJar();
    jar.update(login);
    jars.push(jar);
  }
  return jars;
}

/**
 * Replaces a jar's access cookie with the same token re-signed an hour in the past (so expired), with the
 * development keys `npm run dev` keeps in the data folder: the gateway must refresh at the edge.
 */
export async function accessCookieExpirer(stack: Stack): Promise<(jar: CookieJar) => Promise<void>> {
  const secrets = JSON.parse(await readFile(join(stack.dataDir, "dev-secrets.json"), "utf8")) as {
    SIGNING_KEYS: string;
  };
  const set = JSON.parse(secrets.SIGNING_KEYS) as { current: string; keys: JWK[] };
  const current = set.keys.find((key) => key.kid === set.current);
  if (!current) throw new Error("dev-secrets.json: no current signing key");
  const key = await importJWK(current, "ES256");
  return async (jar) => {
    const name = jar.nameEndingIn("portcullis_at");
    const token = jar.values.get(name) ?? "";
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...decodeJwt(token), iat: issuedAt, exp: issuedAt + 300 })
      .setProtectedHeader(decodeProtectedHeader(token) as CompactJWSHeaderParameters)
      .sign(key);
    jar.values.set(name, expired);
  };
}
