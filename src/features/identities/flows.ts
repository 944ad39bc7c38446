// Social sign-in flows in flight: the state is stored only as SHA-256, lives 10 minutes, is consumed
// once, and only by a callback for the same provider, at the same redirect URI, from the browser that
// started it (next-auth GHSA-x445-f3h2-j279). The PKCE verifier and the nonce are derived from the
// state under a server key, so the database holds nothing that would complete a flow.
import { generateRandomToken, sha256Hex } from "../../crypto/bytes.ts";
import { hashCodeForStorage } from "../../crypto/server-keys.ts";
import type { SessionDeps } from "../session/service.ts";

export const OAUTH_FLOW_TTL_SECONDS = 10 * 60;

/** What the provider round trip needs: sent (state, nonce, PKCE challenge) and checked on return. */
export type FlowSecrets = { state: string; nonce: string; codeVerifier: string; redirectUri: string };

export type FlowPurpose = "sign_in" | "link" | "reauth";

/** A browser binding value, kept in a cookie for the flow's lifetime (one per browser, reused by parallel flows). */
export const generateBrowserBinding = () => generateRandomToken();

async function secretsFor(
  deps: Pick<SessionDeps, "serverKeys">,
  state: string,
  redirectUri: string,
): Promise<FlowSecrets> {
  const [nonce, codeVerifier] = await Promise.all([
    hashCodeForStorage(deps.serverKeys, "oauth-nonce", state),
    hashCodeForStorage(deps.serverKeys, "oauth-pkce-verifier", state),
  ]);
  return { state, nonce, codeVerifier, redirectUri };
}

/** Starts a flow and returns what to send the browser off with. */
export async function startOAuthFlow(
  deps: SessionDeps,
  input: {
    providerId: string;
    redirectUri: string;
    browserBinding: string;
    purpose: FlowPurpose;
    userId: string | null;
    sessionId?: string | null;
    returnTo: string | null;
  },
): Promise<FlowSecrets> {
  const state = generateRandomToken();
  await deps.db.oAuthFlow.create({
    data: {
      stateHash: await sha256Hex(state),
      providerId: input.providerId,
      redirectUri: input.redirectUri,
      browserHash: await sha256Hex(input.browserBinding),
      purpose: input.purpose,
      userId: input.userId,
      sessionId: input.sessionId ?? null,
      returnTo: input.returnTo,
      expiresAt: new Date(deps.now.getTime() + OAUTH_FLOW_TTL_SECONDS * 1000),
    },
  });
  return secretsFor(deps, state, input.redirectUri);
}

export type ConsumedFlow = {
  secrets: FlowSecrets;
  purpose: FlowPurpose;
  userId: string | null;
  sessionId: string | null;
  returnTo: string | null;
};

/**
 * Consumes the flow named by `state`, in one conditional UPDATE that also requires the provider, the
 * redirect URI and the browser to match: a mismatch consumes nothing and answers null, as does a
 * replay or an expired flow.
 */
export async function consumeOAuthFlow(
  deps: SessionDeps,
  input: { state: string; providerId: string; redirectUri: string; browserBinding: string | undefined },
): Promise<ConsumedFlow | null> {
  if (!input.browserBinding) return null;
  const stateHash = await sha256Hex(input.state);
  const browserHash = await sha256Hex(input.browserBinding);
  const consumed = await deps.db.oAuthFlow.updateMany({
    where: {
      stateHash,
      providerId: input.providerId,
      redirectUri: input.redirectUri,
      browserHash,
      consumedAt: null,
      expiresAt: { gt: deps.now },
    },
    data: { consumedAt: deps.now },
  });
  if (consumed.count !== 1) return null;
  const row = await deps.db.oAuthFlow.findUnique({ where: { stateHash } });
  if (!row) return null;
  return {
    secrets: await secretsFor(deps, input.state, row.redirectUri),
    purpose: row.purpose === "link" || row.purpose === "reauth" ? row.purpose : "sign_in",
    userId: row.userId,
    sessionId: row.sessionId,
    returnTo: row.returnTo,
  };
}
