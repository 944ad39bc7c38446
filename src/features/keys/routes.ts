// GET /.well-known/jwks.json: the public halves of every signing key (current and previous), so
// others can verify our tokens; rotation keeps the previous key here until its tokens expire.
import { Hono } from "hono";
import { loadSigningKeys } from "../../crypto/signing-keys.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { describe } from "../../http/openapi/describe.ts";
import { JwksResponse } from "./schemas.ts";

const JWKS_MAX_AGE_SECONDS = 300;

const jwksOperation = describe({
  operationId: "getJwks",
  tag: "keys",
  summary: "The public signing keys (current and previous) as a JWK set",
  responses: { 200: JwksResponse },
});

export const keyRoutes = new Hono<AppEnv>().get("/.well-known/jwks.json", jwksOperation, async (c) => {
  const keys = await loadSigningKeys(c.var.config.signingKeySet);
  c.header("Cache-Control", `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
  return c.json({ keys: keys.publicJwks });
});
