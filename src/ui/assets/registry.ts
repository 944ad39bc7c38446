// Static assets the pages load (the stylesheet, the passkey script), addressed by a content hash so a
// browser may cache them for a year: a changed file is a new URL.
import { encodeHexLowerCase } from "@oslojs/encoding";
import { PASSKEY_SCRIPT } from "./generated/passkeys.ts";
import { stylesheetFor } from "./styles.ts";

export type Asset = { path: string; contentType: string; body: string };

export const ASSET_PREFIX = "/auth/assets/";

const cache = new Map<string, Promise<Asset>>();

async function hashOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  return encodeHexLowerCase(new Uint8Array(digest)).slice(0, 16);
}

function cached(key: string, build: () => Promise<Asset>): Promise<Asset> {
  let asset = cache.get(key);
  if (!asset) {
    asset = build();
    cache.set(key, asset);
  }
  return asset;
}

/** The stylesheet for this accent colour, with its hashed path. */
export function stylesheetAsset(accentColor: string): Promise<Asset> {
  return cached(`styles:${accentColor}`, async () => {
    const body = stylesheetFor(accentColor);
    return { path: `${ASSET_PREFIX}styles.${await hashOf(body)}.css`, contentType: "text/css; charset=utf-8", body };
  });
}

/** The passkey script (src/ui/client/passkeys.ts, bundled at install time), with its hashed path. */
export function passkeyScriptAsset(): Promise<Asset> {
  return cached("script:passkeys", async () => ({
    path: `${ASSET_PREFIX}passkeys.${await hashOf(PASSKEY_SCRIPT)}.js`,
    contentType: "text/javascript; charset=utf-8",
    body: PASSKEY_SCRIPT,
  }));
}
