// A provider's access and refresh tokens, kept only when the entry says storeTokens: sealed with the
// secret box, the plaintext naming the identity it belongs to (a row copied elsewhere does not open).
import { decryptSecret, encryptSecret } from "../../crypto/secret-box.ts";
import type { SessionDeps } from "../session/service.ts";
import type { ProviderTokens } from "./external-profile.ts";

type SealDeps = Pick<SessionDeps, "serverKeys">;

/** How long one refresh may hold the guard before another request may try. */
const REFRESH_GUARD_SECONDS = 30;
/** A token this close to its expiry is refreshed rather than handed out. */
const EXPIRY_MARGIN_SECONDS = 30;

type TokenKind = "access" | "refresh";
type SealedPayload = { binding: string; kind: TokenKind; value: string };

const encoder = new TextEncoder();

/** Seals one token for `binding` (an identity id, or a link intent until it is linked). */
export async function sealProviderToken(deps: SealDeps, binding: string, kind: TokenKind, value: string) {
  const payload: SealedPayload = { binding, kind, value };
  return encryptSecret(deps.serverKeys.secretBox, encoder.encode(JSON.stringify(payload)));
}

/** The token sealed for `binding`, or null when its key is gone, the text was altered or it belongs elsewhere. */
export async function openProviderToken(
  deps: SealDeps,
  binding: string,
  kind: TokenKind,
  sealed: { ciphertext: string; version: number },
): Promise<string | null> {
  const bytes = await decryptSecret(deps.serverKeys.secretBox, sealed);
  if (!bytes) return null;
  const payload = JSON.parse(new TextDecoder().decode(bytes)) as SealedPayload;
  return payload.binding === binding && payload.kind === kind ? payload.value : null;
}

/** Stores (or replaces) the identity's tokens; a response without a refresh token keeps the stored one. */
export async function storeProviderTokens(
  deps: SealDeps & Pick<SessionDeps, "db" | "now">,
  identityId: string,
  tokens: ProviderTokens,
): Promise<void> {
  const previous = tokens.refreshToken ? null : await readStoredTokens(deps, identityId);
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken ?? null;
  const access = await sealProviderToken(deps, identityId, "access", tokens.accessToken);
  const refresh = refreshToken ? await sealProviderToken(deps, identityId, "refresh", refreshToken) : null;
  const data = {
    accessTokenCiphertext: access.ciphertext,
    refreshTokenCiphertext: refresh?.ciphertext ?? null,
    keyVersion: access.version,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    scope: tokens.scope,
    refreshLockedUntil: null,
    updatedAt: deps.now,
  };
  await deps.db.providerToken.upsert({ where: { identityId }, create: { identityId, ...data }, update: data });
  await deps.db.externalIdentity.update({ where: { id: identityId }, data: { reconsentAt: null } });
}

async function readStoredTokens(deps: SealDeps & Pick<SessionDeps, "db">, identityId: string) {
  const row = await deps.db.providerToken.findUnique({ where: { identityId } });
  if (!row) return null;
  const version = row.keyVersion;
  const accessToken = await openProviderToken(deps, identityId, "access", {
    ciphertext: row.accessTokenCiphertext,
    version,
  });
  if (accessToken === null) return null;
  const refreshToken = row.refreshTokenCiphertext
    ? await openProviderToken(deps, identityId, "refresh", { ciphertext: row.refreshTokenCiphertext, version })
    : null;
  return { accessToken, refreshToken, row };
}

export type RefreshOutcome =
  | { kind: "tokens"; tokens: ProviderTokens }
  | { kind: "invalid_grant" }
  | { kind: "unavailable" };

export type FreshAccessToken =
  | { kind: "token"; accessToken: string; expiresAt: Date | null; scope: string | null }
  | { kind: "not_stored" }
  | { kind: "reconsent_required" }
  | { kind: "unavailable" };

const POLL_INTERVAL_MS = 150;
const POLL_LIMIT = 40;

/**
 * The identity's access token, refreshed when (nearly) expired. One request at a time holds the
 * refresh guard (a conditional UPDATE), so a rotating refresh token is never spent twice; the others
 * wait for its result. `invalid_grant` marks the identity as needing consent again.
 */
export async function freshProviderAccessToken(
  deps: SealDeps & Pick<SessionDeps, "db" | "now">,
  identityId: string,
  refresh: (refreshToken: string) => Promise<RefreshOutcome>,
): Promise<FreshAccessToken> {
  for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
    const stored = await readStoredTokens(deps, identityId);
    if (!stored) return { kind: "not_stored" };
    const identity = await deps.db.externalIdentity.findUnique({
      where: { id: identityId },
      select: { reconsentAt: true },
    });
    if (identity?.reconsentAt) return { kind: "reconsent_required" };
    const expiresAt = stored.row.accessTokenExpiresAt;
    const valid = !expiresAt || expiresAt.getTime() - EXPIRY_MARGIN_SECONDS * 1000 > Date.now();
    if (valid) return { kind: "token", accessToken: stored.accessToken, expiresAt, scope: stored.row.scope };
    if (!stored.refreshToken) return { kind: "reconsent_required" };
    const claimed = await deps.db.providerToken.updateMany({
      where: {
        identityId,
        updatedAt: stored.row.updatedAt,
        OR: [{ refreshLockedUntil: null }, { refreshLockedUntil: { lt: new Date() } }],
      },
      data: { refreshLockedUntil: new Date(Date.now() + REFRESH_GUARD_SECONDS * 1000) },
    });
    if (claimed.count === 1) return spendRefreshToken(deps, identityId, stored.refreshToken, refresh);
    // Another request holds the guard: wait for its new tokens (or for the guard to lapse).
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return { kind: "unavailable" };
}

async function spendRefreshToken(
  deps: SealDeps & Pick<SessionDeps, "db" | "now">,
  identityId: string,
  refreshToken: string,
  refresh: (refreshToken: string) => Promise<RefreshOutcome>,
): Promise<FreshAccessToken> {
  const outcome = await refresh(refreshToken);
  if (outcome.kind === "tokens") {
    await storeProviderTokens({ ...deps, now: new Date() }, identityId, {
      ...outcome.tokens,
      refreshToken: outcome.tokens.refreshToken ?? refreshToken,
    });
    const { accessToken, accessTokenExpiresAt, scope } = outcome.tokens;
    return { kind: "token", accessToken, expiresAt: accessTokenExpiresAt, scope };
  }
  if (outcome.kind === "invalid_grant") {
    await deps.db.externalIdentity.update({ where: { id: identityId }, data: { reconsentAt: new Date() } });
    await deps.db.providerToken.update({ where: { identityId }, data: { refreshLockedUntil: null } });
    return { kind: "reconsent_required" };
  }
  await deps.db.providerToken.update({ where: { identityId }, data: { refreshLockedUntil: null } });
  return { kind: "unavailable" };
}
