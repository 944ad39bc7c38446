// `npm run bench -- --gateway`: an authenticated GET with a 1 KB answer through the gateway against the
// same local origin fetched directly, one at a time and 16 at once, interleaved in one run; the same
// through a refresh at the edge (expired access cookie, valid refresh cookie); and wrangler dev's own
// floor (GET /dev/ping, answered before any middleware) beside a direct 204 from the origin.
import { join } from "node:path";
import {
  accessCookieExpirer,
  benchRoutes,
  browserSessions,
  type CookieJar,
  keepAccessCookieFresh,
  RESPONSE_BYTES,
  ROUTE_PREFIX,
  startOrigin,
  startStack,
} from "./gateway-setup.ts";
import { percentile } from "./stats.ts";

const WARMUP_ROUNDS = 20;
const SEQUENTIAL_ROUNDS = 300;
const CONCURRENCY = 16;
const REQUESTS_PER_WORKER = 100;
/** Concurrent bursts per kind, alternated between kinds so drift hits all of them alike. */
const BURSTS = 10;

// To tell the parts apart: publicRoute is GET /.well-known/jwks.json (every middleware, no session);
// sessionCheck is GET /auth/verify with the same cookie (adds the access-token check and revocation read).
const KINDS = ["directPing", "devPing", "direct", "publicRoute", "sessionCheck", "gateway", "gatewayRefresh"] as const;
type Kind = (typeof KINDS)[number];

export type Timing = { median: number; p95: number; p99: number; requests: number; requestsPerSecond: number };

type Targets = { originUrl: string; baseUrl: string; expire: (jar: CookieJar) => Promise<void> };

/**
 * Times one request of `kind` and checks its answer; `jar` is the browser whose cookies it sends (gateway
 * kinds only). After an edge refresh the new access cookie is expired again, outside the timing.
 */
async function send(kind: Kind, targets: Targets, jar: CookieJar): Promise<number> {
  const url = {
    directPing: `${targets.originUrl}/ping`,
    devPing: `${targets.baseUrl}/dev/ping`,
    direct: `${targets.originUrl}/item`,
    publicRoute: `${targets.baseUrl}/.well-known/jwks.json`,
    sessionCheck: `${targets.baseUrl}/auth/verify`,
    gateway: `${targets.baseUrl}${ROUTE_PREFIX}/item`,
    gatewayRefresh: `${targets.baseUrl}${ROUTE_PREFIX}/item`,
  }[kind];
  const viaGateway = kind === "sessionCheck" || kind === "gateway" || kind === "gatewayRefresh";
  const headers: Record<string, string> = { accept: "application/json" };
  if (kind === "sessionCheck" || kind === "gateway") await keepAccessCookieFresh(targets.baseUrl, jar);
  if (viaGateway) headers.cookie = jar.header();
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  const expected = kind.endsWith("Ping") ? 204 : 200;
  if (response.status !== expected) throw new Error(`${kind}: ${response.status} ${new TextDecoder().decode(body)}`);
  const fixedSize = kind === "direct" || kind === "gateway" || kind === "gatewayRefresh";
  if (fixedSize && body.byteLength !== RESPONSE_BYTES) throw new Error(`${kind}: ${body.byteLength} bytes`);
  if (!viaGateway) return ms;
  const rotated = jar.update(response);
  if (kind !== "gatewayRefresh" && rotated) throw new Error(`${kind}: a valid access cookie was refreshed`);
  if (kind === "gatewayRefresh") {
    if (!rotated) throw new Error("gatewayRefresh: no refresh at the edge");
    await targets.expire(jar);
  }
  return ms;
}

function timing(durations: number[], wallMs: number): Timing {
  return {
    median: percentile(durations, 50),
    p95: percentile(durations, 95),
    p99: percentile(durations, 99),
    requests: durations.length,
    requestsPerSecond: Math.round((durations.length / wallMs) * 1000),
  };
}

type Samples = Record<Kind, { durations: number[]; wallMs: number }>;
const emptySamples = (): Samples =>
  Object.fromEntries(KINDS.map((kind) => [kind, { durations: [], wallMs: 0 }])) as unknown as Samples;

/** Each round sends every kind once, the order rotating per round. */
async function sequential(targets: Targets, jars: { valid: CookieJar; refresh: CookieJar }, rounds: number) {
  const samples = emptySamples();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < KINDS.length; i++) {
      const kind = KINDS[(round + i) % KINDS.length] as Kind;
      const jar = kind === "gatewayRefresh" ? jars.refresh : jars.valid;
      const ms = await send(kind, targets, jar);
      samples[kind].durations.push(ms);
      samples[kind].wallMs += ms;
    }
  }
  return samples;
}

/** `CONCURRENCY` workers, each with its own browser session, in bursts alternating between kinds. */
async function concurrent(targets: Targets, jars: { valid: CookieJar[]; refresh: CookieJar[] }) {
  const samples = emptySamples();
  const perBurst = REQUESTS_PER_WORKER / BURSTS;
  for (let burst = 0; burst < BURSTS; burst++) {
    for (let i = 0; i < KINDS.length; i++) {
      const kind = KINDS[(burst + i) % KINDS.length] as Kind;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, worker) => {
          const jar = (kind === "gatewayRefresh" ? jars.refresh : jars.valid)[worker] as CookieJar;
          for (let n = 0; n < perBurst; n++) samples[kind].durations.push(await send(kind, targets, jar));
        }),
      );
      samples[kind].wallMs += performance.now() - started;
    }
  }
  return samples;
}

const round1 = (ms: number) => Math.round(ms * 100) / 100;

function summarizeRun(samples: Samples) {
  const t = Object.fromEntries(KINDS.map((kind) => [kind, timing(samples[kind].durations, samples[kind].wallMs)]));
  const m = (kind: Kind) => (t[kind] as Timing).median;
  const floorMs = m("devPing") - m("directPing");
  return {
    timings: t as Record<Kind, Timing>,
    /** What wrangler dev adds to a request that does nothing (its own floor) over a direct 204. */
    wranglerFloorMs: round1(floorMs),
    gatewayAddedMs: round1(m("gateway") - m("direct")),
    gatewayAddedBeyondFloorMs: round1(m("gateway") - m("direct") - floorMs),
    gatewayRatio: round1(m("gateway") / m("direct")),
    middlewareBeyondFloorMs: round1(m("publicRoute") - m("devPing")),
    sessionCheckOverPublicRouteMs: round1(m("sessionCheck") - m("publicRoute")),
    refreshAddedBeyondFloorMs: round1(m("gatewayRefresh") - m("direct") - floorMs),
    refreshRatio: round1(m("gatewayRefresh") / m("direct")),
  };
}

export async function benchGateway(root: string) {
  const origin = await startOrigin();
  const stack = await startStack(join(root, "gateway"), { GATEWAY_ROUTES: benchRoutes(origin) }).catch(
    async (error: unknown) => {
      await origin.close();
      throw error;
    },
  );
  try {
    const targets: Targets = {
      originUrl: origin.url,
      baseUrl: stack.baseUrl,
      expire: await accessCookieExpirer(stack),
    };
    const [valid, ...others] = await browserSessions(stack.baseUrl, 1 + 2 * CONCURRENCY);
    const validJars = [valid as CookieJar, ...others.slice(0, CONCURRENCY - 1)];
    const refreshJars = others.slice(CONCURRENCY - 1);
    for (const jar of refreshJars) await targets.expire(jar);
    const refresh = refreshJars[0] as CookieJar;
    await sequential(targets, { valid: valid as CookieJar, refresh }, WARMUP_ROUNDS);
    const one = await sequential(targets, { valid: valid as CookieJar, refresh }, SEQUENTIAL_ROUNDS);
    const sixteen = await concurrent(targets, { valid: validJars, refresh: refreshJars });
    return {
      responseBytes: RESPONSE_BYTES,
      oneAtATime: summarizeRun(one),
      [`concurrent${CONCURRENCY}`]: summarizeRun(sixteen),
      target: "≤ 1.5 ms median added over the direct path beyond wrangler dev's floor",
    };
  } finally {
    await stack.stop();
    await origin.close();
  }
}
