// Which Authorization headers are the gateway's: only `Bearer` with one of our access tokens (JOSE
// header `typ: at+jwt`). Any other value (Basic, an app's own bearer token) belongs to the app behind
// the gateway: it never replaces the session cookie and reaches the origin untouched.

import { ACCESS_TOKEN_TYPE } from "../crypto/access-token.ts";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The access token in `authorization` when it is one of ours (by its JOSE header), else undefined. */
export function gatewayBearerToken(authorization: string | null | undefined): string | undefined {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  const header = token?.split(".")[0];
  if (!token || !header || !/^[A-Za-z0-9_-]+$/.test(header)) return undefined;
  try {
    const padded = header.replace(/-/g, "+").replace(/_/g, "/");
    const parsed = JSON.parse(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4))) as { typ?: unknown };
    return typeof parsed.typ === "string" && parsed.typ.toLowerCase() === ACCESS_TOKEN_TYPE ? token : undefined;
  } catch {
    return undefined;
  }
}
