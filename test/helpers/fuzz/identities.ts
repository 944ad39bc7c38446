// Who the fuzzer sends as: nobody, a signed-in browser (cookies, same-origin Origin) and an API client
// (bearer) — a plain user for /auth/*, a platform admin signed in with TOTP for /admin/*. A fuzz case
// that ends a session (logout, revocation, a disabled user) is followed by a fresh identity.

import { ACCESS_COOKIE, signedInPlatformAdmin } from "../admin.ts";
import { type AuthTestContext, signUpApi, signUpBrowser, uniqueEmail, userIdOf } from "../auth.ts";
import type { TestClient } from "../client.ts";

export type IdentityKind = "anonymous" | "cookie" | "bearer";
export const IDENTITY_KINDS: readonly IdentityKind[] = ["anonymous", "cookie", "bearer"];

type Signed = { client?: TestClient; bearer?: string; userId: string; label: string };

/** The signed-in identities, created on first use and again whenever their session has ended. */
export class FuzzIdentities {
  private readonly signed = new Map<string, Signed>();
  /** User ids of every identity created, for path parameters that should sometimes exist. */
  readonly userIds = new Set<string>();
  /** Identities created again because a fuzz case ended their session. */
  recreated = 0;

  constructor(private readonly ctx: AuthTestContext) {}

  private async create(kind: "cookie" | "bearer", admin: boolean): Promise<Signed> {
    if (admin) {
      const signedIn = await signedInPlatformAdmin(this.ctx, `fuzz-admin-${kind}`);
      this.userIds.add(signedIn.userId);
      return kind === "cookie"
        ? { client: signedIn.client, userId: signedIn.userId, label: "admin cookie" }
        : { bearer: signedIn.accessToken, userId: signedIn.userId, label: "admin bearer" };
    }
    const email = uniqueEmail(`fuzz-${kind}`);
    if (kind === "cookie") {
      const client = await signUpBrowser(this.ctx, email);
      const userId = await userIdOf(this.ctx, email);
      this.userIds.add(userId);
      return { client, userId, label: "cookie" };
    }
    const session = await signUpApi(this.ctx, email);
    const userId = await userIdOf(this.ctx, email);
    this.userIds.add(userId);
    return { bearer: session.accessToken, userId, label: "bearer" };
  }

  private async isAlive(identity: Signed): Promise<boolean> {
    const client = identity.client ?? this.ctx.client();
    const response = await client.request("/auth/session", { bearer: identity.bearer });
    await response.body?.cancel();
    return response.status === 200;
  }

  /** A live identity of `kind` (an admin one for /admin routes), re-created when its session ended. */
  async live(kind: "cookie" | "bearer", admin: boolean): Promise<Signed> {
    const key = `${kind}:${admin}`;
    const current = this.signed.get(key);
    if (current && (await this.isAlive(current))) return current;
    if (current) this.recreated += 1;
    const fresh = await this.create(kind, admin);
    this.signed.set(key, fresh);
    return fresh;
  }
}

/** The client and credentials to send one case with. */
export function senderFor(ctx: AuthTestContext, identity: Signed | undefined, garbageAuth: boolean) {
  if (garbageAuth) {
    const client = ctx.client();
    client.cookies.set(ACCESS_COOKIE, "garbage.not-a.jwt");
    return { client, bearer: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", origin: undefined };
  }
  if (identity?.client) return { client: identity.client, bearer: undefined, origin: undefined };
  // API clients send no Origin; a fresh jar each time keeps cookies a response sets from piling up.
  return { client: ctx.client(), bearer: identity?.bearer, origin: identity?.bearer ? null : undefined };
}
