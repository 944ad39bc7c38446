// Which Authorization headers are the gateway's: only `Bearer` with one of our access tokens (JOSE
// header `typ: at+jwt`, our algorithm and one of our key ids, and our issuer). Any other value (Basic,
// an app's own bearer token, another IdP's RFC 9068 token) belongs to the app behind the gateway: it
// never replaces the session cookie and reaches the origin untouched.
import { ACCESS_TOKEN_TYPE } from "../crypto/access-token.ts";
import { SIGNING_ALGORITHM, type SigningKeySet } from "../crypto/signing-keys.ts";

/** What tells our access tokens apart from anyone else's, read without verifying anything. */
export type OurTokens = { keyIds: readonly string[]; issuer: string };

// A JWT is three base64url parts: nothing else (a comma, a second credential) can be one of ours.
const BEARER = /^Bearer[ \t]+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)[ \t]*$/i;

/** Our key ids and issuer, from the configuration (no key is imported: this runs on every request). */
export function ourTokens(config: { signingKeySet: SigningKeySet; issuer: string }): OurTokens {
  return { keyIds: config.signingKeySet.keys.map((key) => key.kid), issuer: config.issuer };
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const padded = part.replace(/-/g, "+").replace(/_/g, "/");
    const parsed: unknown = JSON.parse(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type ParsedBearer = { token: string; jose: Record<string, unknown>; claims: Record<string, unknown> };

function parseBearer(authorization: string | null | undefined): ParsedBearer | undefined {
  const match = authorization ? BEARER.exec(authorization) : null;
  if (!match) return undefined;
  const jose = decodeJsonPart(match[1] ?? "");
  if (typeof jose?.typ !== "string" || jose.typ.toLowerCase() !== ACCESS_TOKEN_TYPE) return undefined;
  return { token: `${match[1]}.${match[2]}.${match[3]}`, jose, claims: decodeJsonPart(match[2] ?? "") ?? {} };
}

/**
 * The access token in `authorization` when it claims to be one of ours (`typ: at+jwt`, alg ES256, a kid
 * of our key set, our `iss`), else undefined. Nothing is verified here: a token that claims to be ours
 * is then verified, and refused (401) when it is not.
 */
export function gatewayBearerToken(authorization: string | null | undefined, ours: OurTokens): string | undefined {
  const bearer = parseBearer(authorization);
  if (!bearer) return undefined;
  const { jose, claims } = bearer;
  if (jose.alg !== SIGNING_ALGORITHM || typeof jose.kid !== "string" || !ours.keyIds.includes(jose.kid))
    return undefined;
  return claims.iss === ours.issuer ? bearer.token : undefined;
}

/**
 * True when any comma-separated part of `authorization` is an access token naming our issuer or one of
 * our keys (whatever its algorithm): two Authorization fields arrive joined with ", "
 * (`Basic x, Bearer <ours>`), and neither our token nor a forgery of one is ever sent to an origin.
 */
export function carriesGatewayBearerToken(authorization: string | null | undefined, ours: OurTokens): boolean {
  if (!authorization) return false;
  return authorization.split(",").some((part) => {
    const bearer = parseBearer(part.trim());
    if (!bearer) return false;
    const kid = bearer.jose.kid;
    return (typeof kid === "string" && ours.keyIds.includes(kid)) || bearer.claims.iss === ours.issuer;
  });
}
