// Serves the hashed assets: exact path only, a year of caching (the hash changes with the content).
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { ASSET_PREFIX, type Asset, passkeyScriptAsset, stylesheetAsset } from "./registry.ts";

/** Every asset a page may reference. */
async function currentAssets(accentColor: string): Promise<Asset[]> {
  return [await stylesheetAsset(accentColor), await passkeyScriptAsset()];
}

export const assetRoutes = new Hono<AppEnv>().get(`${ASSET_PREFIX}:file`, async (c) => {
  const path = new URL(c.req.url).pathname;
  const asset = (await currentAssets(c.var.config.brand.accentColor)).find((candidate) => candidate.path === path);
  if (!asset) throw new AppError("not_found");
  return c.body(asset.body, 200, {
    "Content-Type": asset.contentType,
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
  });
});
