// `npm run dev`'s demo: when no route table is configured, a demo origin behind "/" and a step-up route.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DemoServer, startDemoServer } from "../../examples/demo/server.ts";
import { paths } from "./paths.ts";
import { findRouteTable } from "./route-table-source.ts";

/** The demo origin's id in the route table: the `aud` of the assertions it receives. */
export const DEMO_ORIGIN_ID = "demo";
/** The route that asks for a second factor and a recent sign-in. */
export const DEMO_SECURE_PATH = "/secure";
/** The shortest sign-in age the route table accepts, so the step-up is easy to see. */
const DEMO_SECURE_MAX_AGE_SECONDS = 300;

/** With ONBOARDING_STEPS set: the demo route that requires a completed onboarding (issue 15). */
export const DEMO_ONBOARDED_PATH = "/onboarded";

/**
 * The gateway routes in front of the demo origin at `originUrl` (most specific first); with
 * `onboarding`, also one that requires a completed onboarding (the table refuses it otherwise).
 */
export function demoRouteTable(originUrl: string, options: { onboarding?: boolean } = {}): unknown[] {
  const onboarded = {
    name: "demo-onboarded",
    pathPrefix: DEMO_ONBOARDED_PATH,
    origin: originUrl,
    originId: DEMO_ORIGIN_ID,
    policy: "authenticated",
    requireOnboarding: true,
  };
  return [
    ...(options.onboarding ? [onboarded] : []),
    {
      name: "demo-secure",
      pathPrefix: DEMO_SECURE_PATH,
      origin: originUrl,
      originId: DEMO_ORIGIN_ID,
      policy: "authenticated",
      requireMfa: true,
      maxAgeSeconds: DEMO_SECURE_MAX_AGE_SECONDS,
    },
    { name: "demo", pathPrefix: "/", origin: originUrl, originId: DEMO_ORIGIN_ID, policy: "authenticated" },
  ];
}

/**
 * True when the developer configured routes anywhere wrangler dev reads them: the environment or
 * `wrangler.toml`'s `[vars]` (as `npm run routes` finds them), or `.dev.vars`. Then the demo stays off.
 */
export function hasConfiguredRoutes(env: NodeJS.ProcessEnv = process.env, root = paths.root): boolean {
  if (findRouteTable(env, join(root, "wrangler.toml"))) return true;
  const devVars = join(root, ".dev.vars");
  return existsSync(devVars) && /^\s*GATEWAY_ROUTES\s*=/m.test(readFileSync(devVars, "utf8"));
}

export type DemoOrigin = DemoServer & {
  /** The route table to hand the Worker, as JSON. */
  routesJson: string;
  /** What to print at startup. */
  lines: string[];
};

/** Starts the demo origin for a gateway listening on `port` with `issuer`. */
export async function startDemoOrigin(options: {
  port: number;
  issuer: string;
  onboarding?: boolean;
}): Promise<DemoOrigin> {
  const server = await startDemoServer({
    // wrangler dev listens on 127.0.0.1; `localhost` could resolve to ::1 first in Node.
    jwksUrl: `http://127.0.0.1:${options.port}/.well-known/jwks.json`,
    issuer: options.issuer,
    audience: DEMO_ORIGIN_ID,
    securePath: DEMO_SECURE_PATH,
  });
  const gateway = `http://localhost:${options.port}`;
  return {
    ...server,
    routesJson: JSON.stringify(demoRouteTable(server.url, { onboarding: options.onboarding })),
    lines: [
      `demo app on ${server.url}, behind the gateway (no GATEWAY_ROUTES set): open ${gateway}/ and sign up`,
      `mail the gateway sends (verification codes, reset links) is shown at ${gateway}/dev/mail`,
      `${gateway}${DEMO_SECURE_PATH} asks for a second factor and a sign-in of the last ${DEMO_SECURE_MAX_AGE_SECONDS / 60} minutes`,
    ],
  };
}
