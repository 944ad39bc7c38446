// Auth-path benchmarks against a running gateway: edge session check, login, refresh.
import { randomUUID } from "node:crypto";
import { type Summary, summarize, timeEach } from "./stats.ts";

const PASSWORD = "correct horse battery staple 42";

export type ApiSession = { accessToken: string; refreshToken: string };

/** POSTs `json`; `headers` go on top (e.g. a CF-Connecting-IP of the caller's own). */
export async function post(
  baseUrl: string,
  path: string,
  json: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(json),
  });
}

/** A fresh API-client user (bearer tokens, no cookies), signed in by the signup itself. */
export async function signUp(
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<{ email: string; session: ApiSession }> {
  const email = `bench-${randomUUID()}@example.com`;
  const response = await post(baseUrl, "/auth/signup", { email, password: PASSWORD, client: "api" }, headers);
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return { email, session: ((await response.json()) as { session: ApiSession }).session };
}

/**
 * GET /auth/verify (requireSession: ES256 verify + two KV reads, no database) against
 * GET /.well-known/jwks.json (public, no database), interleaved so drift hits both alike.
 */
export async function benchSessionCheck(baseUrl: string, requests: number) {
  const { session } = await signUp(baseUrl);
  const headers = { authorization: `Bearer ${session.accessToken}` };
  const unprotected: number[] = [];
  const protectedRoute: number[] = [];
  for (let i = 0; i < requests; i++) {
    let started = performance.now();
    await (await fetch(`${baseUrl}/.well-known/jwks.json`)).arrayBuffer();
    unprotected.push(performance.now() - started);
    started = performance.now();
    const response = await fetch(`${baseUrl}/auth/verify`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`verify failed: ${response.status}`);
    protectedRoute.push(performance.now() - started);
  }
  const a = summarize(unprotected);
  const b = summarize(protectedRoute);
  return { unprotected: a, protected: b, addedMedianMs: Math.round((b.median - a.median) * 10) / 10 };
}

/** POST /auth/login as an API client with the password `signUp` gave the user. */
export function logIn(baseUrl: string, email: string, headers: Record<string, string> = {}): Promise<Response> {
  return post(baseUrl, "/auth/login", { email, password: PASSWORD, client: "api" }, headers);
}

/** POST /auth/login as an API client, including the Argon2id verification. */
export async function benchLogin(baseUrl: string, requests: number): Promise<Summary> {
  const { email } = await signUp(baseUrl);
  const durations = await timeEach(requests, async () => {
    const response = await logIn(baseUrl, email);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  });
  return summarize(durations);
}

/** POST /auth/refresh, each request rotating the token the previous one returned. */
export async function benchRefresh(baseUrl: string, requests: number): Promise<Summary> {
  let { refreshToken } = (await signUp(baseUrl)).session;
  const durations = await timeEach(requests, async () => {
    const response = await post(baseUrl, "/auth/refresh", { refreshToken });
    if (response.status !== 200) throw new Error(`refresh failed: ${response.status} ${await response.text()}`);
    refreshToken = ((await response.json()) as { session: ApiSession }).session.refreshToken;
  });
  return summarize(durations);
}
