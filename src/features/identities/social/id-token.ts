// The ID token's signature, checked with jose against the provider's key set and pinned algorithms.
import { createLocalJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import { describeFailure } from "./failures.ts";
import { loadKeySet } from "./metadata.ts";
import { CLOCK_TOLERANCE_SECONDS } from "./server-setup.ts";
import type { ProviderDeps } from "./types.ts";

export type IdTokenCheck = { ok: true; claims: JWTPayload } | { ok: false; reason: string };

// An ID token comes straight from the token endpoint: one older than this was not minted for this exchange.
const MAX_ID_TOKEN_AGE = "1 hour";

/**
 * Verifies `idToken`'s signature with a key from `jwksUri` (refetched once for an unknown key id:
 * rotation), its algorithm among `algorithms`, iss, aud, exp and iat (not in the future) at `deps.now`.
 */
export async function verifyIdToken(
  idToken: string,
  expected: { jwksUri: string; algorithms: string[]; issuer: string; audience: string },
  deps: ProviderDeps,
): Promise<IdTokenCheck> {
  const options = {
    algorithms: expected.algorithms,
    issuer: expected.issuer,
    audience: expected.audience,
    currentDate: deps.now,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    maxTokenAge: MAX_ID_TOKEN_AGE,
    requiredClaims: ["sub", "iat", "exp"],
  };
  for (const fresh of [false, true]) {
    try {
      const keys = createLocalJWKSet(await loadKeySet(expected.jwksUri, deps, { fresh }));
      const { payload } = await jwtVerify(idToken, keys, options);
      // OIDC Core 3.1.3.7: an azp, when present, must be us (oauth4webapi checks it only for a list aud).
      if (payload.azp !== undefined && payload.azp !== expected.audience)
        return { ok: false, reason: "id_token: azp is not this client" };
      return { ok: true, claims: payload };
    } catch (error) {
      if (!fresh && error instanceof joseErrors.JWKSNoMatchingKey) continue;
      return { ok: false, reason: describeFailure("id_token", error) };
    }
  }
  return { ok: false, reason: "id_token: no matching key" };
}
