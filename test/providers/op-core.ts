// The shared core of the small local providers: signing keys, one-time codes with PKCE, refresh tokens.
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export type Grant = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
  account: Record<string, unknown> & { sub: string };
};

export type CodeRedemption = { ok: true; grant: Grant } | { ok: false; error: string };

const CODE_TTL_MS = 60_000;

/** A random opaque value (codes, access and refresh tokens). */
export function opaqueToken(): string {
  return randomBytes(24).toString("base64url");
}

export type OpCore = Awaited<ReturnType<typeof createOpCore>>;

/** Keys (RS256, published as a JWK set) and grant bookkeeping for one local provider. */
export async function createOpCore() {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = opaqueToken().slice(0, 12);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const codes = new Map<string, Grant & { expiresAt: number; used: boolean }>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();

  return {
    kid,
    jwks: () => ({ keys: [publicJwk] }),
    /** An RS256 token with this provider's key unless the caller signs otherwise (rogue tests). */
    signJwt: (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(privateKey),
    issueCode(grant: Grant): string {
      const code = opaqueToken();
      codes.set(code, { ...grant, expiresAt: Date.now() + CODE_TTL_MS, used: false });
      return code;
    },
    /** RFC 6749 4.1.3 with PKCE (RFC 7636): one use, same client and redirect URI, S256 verifier. */
    redeemCode(form: URLSearchParams, clientId: string): CodeRedemption {
      const entry = codes.get(form.get("code") ?? "");
      if (!entry || entry.expiresAt < Date.now() || entry.clientId !== clientId)
        return { ok: false, error: "invalid_grant" };
      if (entry.used) return { ok: false, error: "invalid_grant" };
      entry.used = true;
      if (form.get("redirect_uri") !== entry.redirectUri) return { ok: false, error: "invalid_grant" };
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (challenge !== entry.codeChallenge) return { ok: false, error: "invalid_grant" };
      return { ok: true, grant: entry };
    },
    issueAccessToken(grant: Grant): string {
      const token = opaqueToken();
      accessTokens.set(token, grant);
      return token;
    },
    grantOfAccessToken: (token: string) => accessTokens.get(token),
    issueRefreshToken(grant: Grant): string {
      const token = opaqueToken();
      refreshTokens.set(token, grant);
      return token;
    },
    /** Rotation: the presented token is spent either way. */
    rotateRefreshToken(token: string, clientId: string): Grant | undefined {
      const grant = refreshTokens.get(token);
      refreshTokens.delete(token);
      return grant?.clientId === clientId ? grant : undefined;
    },
  };
}

/** The checks every local authorization endpoint makes before it issues a code. */
export function readAuthorizationRequest(
  url: URL,
  client: { clientId: string; redirectUris: readonly string[] },
):
  | { ok: true; redirectUri: string; state: string; nonce: string | undefined; codeChallenge: string; scope: string }
  | { ok: false; error: string } {
  const params = url.searchParams;
  const redirectUri = params.get("redirect_uri") ?? "";
  if (params.get("client_id") !== client.clientId || !client.redirectUris.includes(redirectUri)) {
    return { ok: false, error: "unknown client or redirect_uri" };
  }
  const codeChallenge = params.get("code_challenge");
  if (params.get("response_type") !== "code" || params.get("code_challenge_method") !== "S256" || !codeChallenge) {
    return { ok: false, error: "code flow with PKCE S256 only" };
  }
  return {
    ok: true,
    redirectUri,
    state: params.get("state") ?? "",
    nonce: params.get("nonce") ?? undefined,
    codeChallenge,
    scope: params.get("scope") ?? "",
  };
}
