// The tokens a bearer client holds and where it finds them: any sign-in, refresh or re-issue answer
// carries them as `session: { accessToken, accessTokenExpiresAt, refreshToken? }` (or at the top level).

/** What a sign-in or refresh answer delivers to API clients (`client: "api"`). */
export type DeliveredTokens = {
  accessToken: string;
  /** Absent in an access-token re-issue (after a step-up or profile change): the held one stays. */
  refreshToken?: string;
  accessTokenExpiresAt?: string;
};

/** The tokens held, with the access token's expiry in milliseconds since the epoch (NaN when unknown). */
export type HeldTokens = { accessToken: string; refreshToken: string | undefined; accessTokenExpiresAtMs: number };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The `exp` claim of a JWT in milliseconds, read without verifying (only to schedule a refresh). */
function jwtExpiryMs(token: string): number {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const claims: unknown = JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
    return isRecord(claims) && typeof claims.exp === "number" ? claims.exp * 1000 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The delivered tokens in an answer body, when it has any. */
export function deliveredTokensIn(body: unknown): DeliveredTokens | undefined {
  if (!isRecord(body)) return undefined;
  const candidate = isRecord(body.session) ? body.session : body;
  if (typeof candidate.accessToken !== "string" || candidate.accessToken === "") return undefined;
  return {
    accessToken: candidate.accessToken,
    refreshToken: typeof candidate.refreshToken === "string" ? candidate.refreshToken : undefined,
    accessTokenExpiresAt:
      typeof candidate.accessTokenExpiresAt === "string" ? candidate.accessTokenExpiresAt : undefined,
  };
}

/** `delivered` on top of what is held: a re-issue without a refresh token keeps the held one. */
export function mergeTokens(held: HeldTokens | null, delivered: DeliveredTokens): HeldTokens {
  const stated = delivered.accessTokenExpiresAt ? Date.parse(delivered.accessTokenExpiresAt) : Number.NaN;
  return {
    accessToken: delivered.accessToken,
    refreshToken: delivered.refreshToken ?? held?.refreshToken,
    accessTokenExpiresAtMs: Number.isNaN(stated) ? jwtExpiryMs(delivered.accessToken) : stated,
  };
}
