// GET /.well-known/jwks.json: the public halves of every signing key (current and previous), so
// others can verify our tokens; rotation keeps the previous key here until its tokens expire.
import { Hono } from "hono";
import { loadSigningKeys } from "../../crypto/signing-keys.ts";
import type { AppEnv } from "../../http/app-env.ts";

const JWKS_MAX_AGE_SECONDS = 300;

export const keyRoutes = new Hono<AppEnv>().get("/.well-known/jwks.json", async (c) => {
  const keys = await loadSigningKeys(c.var.config.signingKeySet);
  c.header("Cache-Control", `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
  return c.json({ keys: keys.publicJwks });
});
