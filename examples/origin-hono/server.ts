// Example origin behind Portcullis: a Hono app on Node whose routes see only callers the gateway's assertion vouches for.
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { type ServerType, serve } from "@hono/node-server";
import { type PortcullisVariables, portcullisAuth } from "@portcullis/origin/hono";
import { Hono } from "hono";

export type OriginSettings = { jwksUrl: string; issuer: string; audience: string };

/** Reads the verifier's settings from `PORTCULLIS_JWKS_URL`, `PORTCULLIS_ISSUER` and `PORTCULLIS_AUDIENCE`. */
export function readOriginSettings(env: NodeJS.ProcessEnv): OriginSettings {
  const { PORTCULLIS_JWKS_URL: jwksUrl, PORTCULLIS_ISSUER: issuer, PORTCULLIS_AUDIENCE: audience } = env;
  if (!jwksUrl || !issuer || !audience)
    throw new Error("missing setting: PORTCULLIS_JWKS_URL, PORTCULLIS_ISSUER and PORTCULLIS_AUDIENCE are required");
  return { jwksUrl, issuer, audience };
}

/** The app: every route after the middleware answers only requests whose assertion verified. */
export function createOriginApp(settings: OriginSettings): Hono<{ Variables: PortcullisVariables }> {
  const app = new Hono<{ Variables: PortcullisVariables }>();
  app.use(portcullisAuth(settings));
  // The identity comes from the verified claims; the X-Auth-* headers are informational copies of it.
  app.all("*", (c) => c.json({ origin: "hono", identity: c.get("portcullis") }, 200, { "cache-control": "no-store" }));
  return app;
}

/** Starts the app on 127.0.0.1:`port` (0 picks a free port) and resolves once it listens. */
export function startOrigin(settings: OriginSettings, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: createOriginApp(settings).fetch, hostname: "127.0.0.1", port }, () =>
      resolve(server),
    );
    server.once("error", reject);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await startOrigin(readOriginSettings(process.env), Number(process.env.PORT ?? 3000));
  process.stdout.write(`origin listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  process.once("SIGINT", () => server.close());
  process.once("SIGTERM", () => server.close());
}
