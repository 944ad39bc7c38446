// Example origin behind Portcullis: an Express app whose routes see only callers the gateway's assertion vouches for.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { portcullisAuth } from "@portcullis/origin/express";
import express from "express";

export type OriginSettings = { jwksUrl: string; issuer: string; audience: string };

/** Reads the verifier's settings from `PORTCULLIS_JWKS_URL`, `PORTCULLIS_ISSUER` and `PORTCULLIS_AUDIENCE`. */
export function readOriginSettings(env: NodeJS.ProcessEnv): OriginSettings {
  const { PORTCULLIS_JWKS_URL: jwksUrl, PORTCULLIS_ISSUER: issuer, PORTCULLIS_AUDIENCE: audience } = env;
  if (!jwksUrl || !issuer || !audience)
    throw new Error("missing setting: PORTCULLIS_JWKS_URL, PORTCULLIS_ISSUER and PORTCULLIS_AUDIENCE are required");
  return { jwksUrl, issuer, audience };
}

/** The app: every route after the middleware answers only requests whose assertion verified. */
export function createOriginApp(settings: OriginSettings): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(portcullisAuth(settings));
  // The identity comes from the verified claims; the X-Auth-* headers are informational copies of it.
  app.use((request, response) => {
    response.set("cache-control", "no-store").json({ origin: "express", identity: request.portcullis });
  });
  return app;
}

/** Starts the app on 127.0.0.1:`port` (0 picks a free port) and resolves once it listens. */
export async function startOrigin(settings: OriginSettings, port: number): Promise<Server> {
  const server = createOriginApp(settings).listen(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await startOrigin(readOriginSettings(process.env), Number(process.env.PORT ?? 3000));
  process.stdout.write(`origin listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  process.once("SIGINT", () => server.close());
  process.once("SIGTERM", () => server.close());
}
