// The requests `npm run bench -- --count` measures, each with the (unmeasured) setup it needs: a
// fresh user from its own client address, TOTP enrolled through the API, a browser session whose
// access cookie is gone so that the gateway refreshes it at the edge.
import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";

const PASSWORD = "correct horse battery staple 42";
const TOTP_PERIOD_SECONDS = 30;
/** The gateway route in front of the bench's origin. */
export const BENCH_ROUTE_PREFIX = "/bench-origin";

export type Scenario = {
  name: string;
  /** The status the measured request must answer with: anything else means the setup went wrong. */
  expectedStatus: number;
  /** Issue 12's target for the round trips before the response, after the connection's start-up. */
  roundTripTarget?: number;
  /** Does the setup and returns the request to measure. */
  prepare(baseUrl: string): Promise<() => Promise<Response>>;
};

type ApiSession = { accessToken: string; refreshToken: string };

/** A client address of its own for each user (198.18.0.0/15, reserved for benchmarks), as Cloudflare sets it. */
function visitorAddress(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint8Array(2));
  return `198.${18 + (a & 1)}.${b}.${1 + (a >> 1)}`;
}

type Visitor = { baseUrl: string; address: string };

function post(visitor: Visitor, path: string, json: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${visitor.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": visitor.address, ...headers },
    body: JSON.stringify(json),
  });
}

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function signUpApi(visitor: Visitor): Promise<{ email: string; session: ApiSession }> {
  const email = `count-${randomUUID()}@example.com`;
  const response = await post(visitor, "/auth/signup", { email, password: PASSWORD, client: "api" });
  await expectStatus(response, 201, "signup");
  return { email, session: ((await response.json()) as { session: ApiSession }).session };
}

const newVisitor = (baseUrl: string): Visitor => ({ baseUrl, address: visitorAddress() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const totpFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), period: TOTP_PERIOD_SECONDS });

/** Enrolls TOTP, confirming with the previous step's code so that the current one is still unused. */
async function enrollTotp(visitor: Visitor, session: ApiSession): Promise<TOTP> {
  const authorization = `Bearer ${session.accessToken}`;
  const enroll = await post(visitor, "/auth/mfa/totp/enroll", {}, { authorization });
  const totp = totpFor(((await (await expectStatus(enroll, 200, "totp enroll")).json()) as { secret: string }).secret);
  // The previous step's code expires with the current step: never send it in a step's last seconds.
  const msIntoStep = Date.now() % (TOTP_PERIOD_SECONDS * 1000);
  if (msIntoStep > (TOTP_PERIOD_SECONDS - 3) * 1000) await sleep(TOTP_PERIOD_SECONDS * 1000 - msIntoStep + 50);
  const code = totp.generate({ timestamp: Date.now() - TOTP_PERIOD_SECONDS * 1000 });
  await expectStatus(await post(visitor, "/auth/mfa/totp/confirm", { code }, { authorization }), 200, "totp confirm");
  return totp;
}

async function passwordStep(visitor: Visitor, email: string): Promise<Response> {
  return post(visitor, "/auth/login", { email, password: PASSWORD, client: "api" });
}

/** A browser session's refresh cookie alone, as after the access cookie's Max-Age ran out. */
async function refreshCookieOnly(visitor: Visitor): Promise<string> {
  const email = `count-${randomUUID()}@example.com`;
  const response = await post(visitor, "/auth/signup", { email, password: PASSWORD }, { origin: visitor.baseUrl });
  await expectStatus(response, 201, "browser signup");
  const refresh = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0] ?? "")
    .find((cookie) => /^(__Host-)?portcullis_rt=/.test(cookie));
  if (!refresh) throw new Error("browser signup set no refresh cookie");
  return refresh;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "login (no second factor)",
    expectedStatus: 200,
    roundTripTarget: 4,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const { email } = await signUpApi(visitor);
      return () => passwordStep(visitor, email);
    },
  },
  {
    name: "login (TOTP: password step)",
    expectedStatus: 200,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const { email, session } = await signUpApi(visitor);
      await enrollTotp(visitor, session);
      return () => passwordStep(visitor, email);
    },
  },
  {
    name: "MFA verify (TOTP)",
    expectedStatus: 200,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const { email, session } = await signUpApi(visitor);
      const totp = await enrollTotp(visitor, session);
      const step = await expectStatus(await passwordStep(visitor, email), 200, "password step");
      const { challenge } = (await step.json()) as { challenge: string };
      return () => post(visitor, "/auth/mfa/verify", { challenge, totp: totp.generate(), client: "api" });
    },
  },
  {
    name: "refresh",
    expectedStatus: 200,
    roundTripTarget: 1,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const { session } = await signUpApi(visitor);
      return () => post(visitor, "/auth/refresh", { refreshToken: session.refreshToken });
    },
  },
  {
    name: "GET /auth/session",
    expectedStatus: 200,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const { session } = await signUpApi(visitor);
      const headers = { authorization: `Bearer ${session.accessToken}`, "cf-connecting-ip": visitor.address };
      return () => fetch(`${baseUrl}/auth/session`, { headers });
    },
  },
  {
    name: "signup",
    expectedStatus: 201,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const email = `count-${randomUUID()}@example.com`;
      return () => post(visitor, "/auth/signup", { email, password: PASSWORD, client: "api" });
    },
  },
  {
    name: "GET /healthz",
    expectedStatus: 200,
    async prepare(baseUrl) {
      return () => fetch(`${baseUrl}/healthz`);
    },
  },
  {
    name: "gateway GET, edge refresh",
    expectedStatus: 200,
    async prepare(baseUrl) {
      const visitor = newVisitor(baseUrl);
      const cookie = await refreshCookieOnly(visitor);
      const headers = { cookie, "cf-connecting-ip": visitor.address };
      return () => fetch(`${baseUrl}${BENCH_ROUTE_PREFIX}/item`, { headers, redirect: "manual" });
    },
  },
];
