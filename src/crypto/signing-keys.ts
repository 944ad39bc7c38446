// The gateway's signing keys: a JWK set of private P-256 keys, one of them current.
import { importJWK, type JWK } from "jose";
import { z } from "zod";

export const SIGNING_ALGORITHM = "ES256";

const privateJwkSchema = z.looseObject({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  kid: z.string().min(1).max(64),
  x: z.string().min(1),
  y: z.string().min(1),
  d: z.string().min(1),
});

/** `{"current":"<kid>","keys":[<private EC P-256 JWK>, …]}`. */
export const signingKeySetSchema = z
  .object({ current: z.string().min(1), keys: z.array(privateJwkSchema).min(1) })
  .refine((set) => set.keys.some((key) => key.kid === set.current), { error: "current must name a kid in keys" })
  .refine((set) => new Set(set.keys.map((key) => key.kid)).size === set.keys.length, { error: "kids must be unique" });

export type SigningKeySet = z.infer<typeof signingKeySetSchema>;

export type SigningKeys = {
  currentKid: string;
  signingKey: CryptoKey;
  /** Public keys by kid; verification accepts exactly these. */
  verificationKeys: Map<string, CryptoKey>;
  /** Public JWKs (no private part) for publishing. */
  publicJwks: JWK[];
};

const cache = new Map<string, Promise<SigningKeys>>();

function publicPart(jwk: SigningKeySet["keys"][number]): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: jwk.kid, alg: SIGNING_ALGORITHM, use: "sig" };
}

async function importKeySet(set: SigningKeySet): Promise<SigningKeys> {
  const current = set.keys.find((key) => key.kid === set.current);
  if (!current) throw new Error("current signing key missing");
  const verificationKeys = new Map<string, CryptoKey>();
  for (const jwk of set.keys) {
    verificationKeys.set(jwk.kid, (await importJWK(publicPart(jwk), SIGNING_ALGORITHM)) as CryptoKey);
  }
  const signingKey = (await importJWK({ ...current, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM)) as CryptoKey;
  return { currentKid: set.current, signingKey, verificationKeys, publicJwks: set.keys.map(publicPart) };
}

/** Imports a validated key set once per isolate. */
export function loadSigningKeys(set: SigningKeySet): Promise<SigningKeys> {
  const cacheKey = JSON.stringify(set);
  let keys = cache.get(cacheKey);
  if (!keys) {
    keys = importKeySet(set);
    cache.set(cacheKey, keys);
  }
  return keys;
}
