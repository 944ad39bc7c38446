// The requests `npm run bench -- --compare` times on both stacks, and the interleaving that times them:
// per endpoint a fresh user per stack, a warm-up, then pairs in A B, B A, A B … order.
import { type ApiSession, logIn, post, signUp } from "./auth.ts";

/** The gateway route both stacks get, in front of the same tiny origin. */
export const COMPARE_ROUTE_PREFIX = "/bench-origin";

/** One stack under comparison; `network` picks its client addresses (198.18.0.0/15 is reserved for benchmarks). */
export type Stack = { label: "before" | "after"; baseUrl: string; network: 18 | 19 };

type Request = () => Promise<void>;

export type Endpoint = {
  name: string;
  warmups: number;
  requests: number;
  /** Signs up what the endpoint needs on `stack` (unmeasured) and returns the request to time. */
  prepare(stack: Stack): Promise<Request>;
};

/** A client address of its own for each user, inside the stack's /16, as Cloudflare sets it. */
function clientAddressOf(stack: Stack): Record<string, string> {
  const [b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(2));
  return { "cf-connecting-ip": `198.${stack.network}.${b}.${1 + (c % 254)}` };
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function signedInGet(stack: Stack, path: string): Promise<Request> {
  const address = clientAddressOf(stack);
  const { session } = await signUp(stack.baseUrl, address);
  const headers = { ...address, authorization: `Bearer ${session.accessToken}` };
  return async () => {
    await (await expectOk(await fetch(`${stack.baseUrl}${path}`, { headers }), `${stack.label} GET ${path}`)).text();
  };
}

export const ENDPOINTS: Endpoint[] = [
  {
    name: "login (password, no second factor)",
    warmups: 5,
    requests: 40,
    async prepare(stack) {
      const address = clientAddressOf(stack);
      const { email } = await signUp(stack.baseUrl, address);
      return async () => {
        await (await expectOk(await logIn(stack.baseUrl, email, address), `${stack.label} login`)).text();
      };
    },
  },
  {
    name: "refresh",
    warmups: 10,
    requests: 100,
    async prepare(stack) {
      const address = clientAddressOf(stack);
      let { refreshToken } = (await signUp(stack.baseUrl, address)).session;
      return async () => {
        const response = await expectOk(
          await post(stack.baseUrl, "/auth/refresh", { refreshToken }, address),
          `${stack.label} refresh`,
        );
        refreshToken = ((await response.json()) as { session: ApiSession }).session.refreshToken;
      };
    },
  },
  { name: "GET /auth/session", warmups: 10, requests: 100, prepare: (stack) => signedInGet(stack, "/auth/session") },
  {
    name: "GET /healthz",
    warmups: 10,
    requests: 100,
    async prepare(stack) {
      return async () => {
        await (await expectOk(await fetch(`${stack.baseUrl}/healthz`), `${stack.label} healthz`)).text();
      };
    },
  },
  {
    name: "gateway GET (bearer, tiny origin)",
    warmups: 10,
    requests: 100,
    prepare: (stack) => signedInGet(stack, `${COMPARE_ROUTE_PREFIX}/item`),
  },
];

async function timed(request: Request): Promise<number> {
  const started = performance.now();
  await request();
  return performance.now() - started;
}

/**
 * Times `endpoint` on both stacks, one request at a time, alternating which stack goes first in each
 * pair so that neither always follows the other's deferred work.
 */
export async function timeInterleaved(
  endpoint: Endpoint,
  [a, b]: [Stack, Stack],
  signal: AbortSignal,
): Promise<[number[], number[]]> {
  const requestA = await endpoint.prepare(a);
  const requestB = await endpoint.prepare(b);
  for (let i = 0; i < endpoint.warmups; i++) {
    await requestA();
    await requestB();
  }
  const durationsA: number[] = [];
  const durationsB: number[] = [];
  for (let i = 0; i < endpoint.requests; i++) {
    signal.throwIfAborted();
    if (i % 2 === 0) {
      durationsA.push(await timed(requestA));
      durationsB.push(await timed(requestB));
    } else {
      durationsB.push(await timed(requestB));
      durationsA.push(await timed(requestA));
    }
  }
  return [durationsA, durationsB];
}
