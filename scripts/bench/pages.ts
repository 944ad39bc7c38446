// Hosted-page benchmarks against a running gateway: time to first byte of /auth/sign-in (beside
// /healthz's, in the same run) and each page's compressed weight with the assets it loads.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type Summary, summarize } from "./stats.ts";

const PASSWORD = "correct horse battery staple 42";

/** Milliseconds until the response's headers arrive (fetch resolves then), body drained after. */
async function timeToFirstByte(url: string, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers, redirect: "manual" });
  const ms = performance.now() - started;
  await response.arrayBuffer();
  return ms;
}

/** TTFB of the sign-in page and of /healthz, interleaved so drift hits both alike. */
export async function benchSignInTtfb(baseUrl: string, requests: number): Promise<Record<string, Summary>> {
  const signIn: number[] = [];
  const health: number[] = [];
  for (let i = 0; i < requests; i++) {
    signIn.push(await timeToFirstByte(`${baseUrl}/auth/sign-in`));
    health.push(await timeToFirstByte(`${baseUrl}/healthz`));
  }
  return { signIn: summarize(signIn), healthz: summarize(health) };
}

async function signedInCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

export type PageWeight = { path: string; status: number; htmlGzip: number; assetsGzip: number; totalGzip: number };

const gzipBytes = (body: Uint8Array) => gzipSync(body, { level: 6 }).length;

async function weigh(baseUrl: string, path: string, cookie: string | undefined): Promise<PageWeight> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const response = await fetch(`${baseUrl}${path}`, { headers, redirect: "manual" });
  const html = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(html);
  const assets = [...text.matchAll(/(?:href|src)="(\/auth\/assets\/[^"]+)"/g)].map((match) => match[1] ?? "");
  let assetsGzip = 0;
  for (const asset of new Set(assets)) {
    assetsGzip += gzipBytes(new Uint8Array(await (await fetch(`${baseUrl}${asset}`)).arrayBuffer()));
  }
  const htmlGzip = gzipBytes(html);
  return { path, status: response.status, htmlGzip, assetsGzip, totalGzip: htmlGzip + assetsGzip };
}

const PUBLIC_PAGES = [
  "/auth/sign-in",
  "/auth/sign-up",
  "/auth/verify-email",
  "/auth/forgot-password",
  "/auth/reset-password?token=bench",
  "/auth/sign-out",
  "/auth/signed-out",
];
const SIGNED_IN_PAGES = ["/auth/account", "/auth/account/security", "/auth/reauthenticate"];

/** Gzip-compressed bytes of each page and the assets it references (target: under 30 KB each). */
export async function benchPageWeights(baseUrl: string): Promise<PageWeight[]> {
  const cookie = await signedInCookie(baseUrl);
  const weights: PageWeight[] = [];
  for (const path of PUBLIC_PAGES) weights.push(await weigh(baseUrl, path, undefined));
  for (const path of SIGNED_IN_PAGES) weights.push(await weigh(baseUrl, path, cookie));
  return weights;
}
