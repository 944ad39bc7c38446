// The signed-in user's external identities: list them, complete a pending link with proof, unlink one
// (after step-up, never the last way in), and get a fresh provider access token when tokens are kept.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { describeSessionRoute } from "../../http/openapi/describe.ts";
import { requireSecondFactorWhenEnabled } from "../mfa/middleware.ts";
import { requireRecentAuthentication, requireSession } from "../session/middleware.ts";
import { completeLink } from "./link-intents.ts";
import { deferIdentityNotice, unlinkIdentity } from "./linking.ts";
import { freshProviderAccessToken } from "./provider-tokens.ts";
import { listIdentitiesOfUser } from "./repository.ts";
import {
  IdentityId,
  IdentityIdParams,
  IdentityListResponse,
  LinkBody,
  LinkResponse,
  ProviderAccessTokenResponse,
  UnlinkResponse,
} from "./schemas.ts";
import { findOAuthProvider, refreshProviderTokens } from "./social/index.ts";

const doc = {
  list: describeSessionRoute({
    operationId: "listIdentities",
    tag: "identities",
    summary: "The user's linked external identities (never their tokens)",
    responses: { 200: IdentityListResponse },
  }),
  link: describeSessionRoute({
    operationId: "linkIdentity",
    tag: "identities",
    summary: "Link the identity of a pending link request (a sign-in answered link_required) to this account",
    body: LinkBody,
    responses: { 200: LinkResponse },
    errors: ["invalid_token", "forbidden", "reauthentication_required", "identity_in_use"],
  }),
  unlink: describeSessionRoute({
    operationId: "unlinkIdentity",
    tag: "identities",
    summary: "Remove a linked identity (after a recent sign-in; never the last way in); its tokens go with it",
    params: IdentityIdParams,
    responses: { 200: UnlinkResponse },
    errors: ["reauthentication_required", "second_factor_required", "identity_not_found", "last_sign_in_method"],
  }),
  accessToken: describeSessionRoute({
    operationId: "getProviderAccessToken",
    tag: "identities",
    summary: "A fresh access token at the provider for a linked identity (providers with storeTokens)",
    params: IdentityIdParams,
    responses: { 200: ProviderAccessTokenResponse },
    errors: ["identity_not_found", "provider_token_not_stored", "provider_reconsent_required"],
  }),
};

function identityIdOf(c: Context<AppEnv>): string {
  const parsed = IdentityId.safeParse(c.req.param("id"));
  if (!parsed.success) throw new AppError("identity_not_found");
  return parsed.data;
}

/** The provider's display name for mail, or the entry id when it is no longer configured. */
function providerName(c: Context<AppEnv>, providerId: string): string {
  return findOAuthProvider(c.var.config.oauthProviders, providerId)?.displayName ?? providerId;
}

export const identityRoutes = new Hono<AppEnv>()
  .get("/auth/identities", doc.list, requireSession(), async (c) => {
    const deps = await authDependencies(c);
    const rows = await listIdentitiesOfUser(deps.db, c.var.session.userId);
    c.header("Cache-Control", "no-store");
    return c.json({
      identities: rows.map((row) => ({
        id: row.id,
        provider: row.providerId,
        providerType: row.providerType,
        issuer: row.issuer,
        email: row.email,
        emailVerified: row.emailVerified,
        legacyId: row.legacyId,
        linkedAt: row.linkedAt.toISOString(),
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
        tokensStored: row.tokens !== null,
        reconsentRequired: row.reconsentAt !== null,
      })),
    });
  })
  .post("/auth/identities/link", doc.link, requireSession(), async (c) => {
    const body = await readJsonBody(c, LinkBody);
    const deps = await authDependencies(c);
    const result = await completeLink(deps, {
      token: body.linkToken,
      session: c.var.session,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "linked":
        await deferIdentityNotice(deps, c.var.config.mail, {
          email: result.email,
          change: "linked",
          provider: providerName(c, result.providerId),
        });
        return c.json({ status: "linked", identityId: result.identityId, provider: result.providerId });
      case "invalid_token":
        throw new AppError("invalid_token", {
          message: "This link request has expired or was already used; sign in with the provider again.",
        });
      case "wrong_account":
        throw new AppError("forbidden", { message: "Sign in to the account this link request is for." });
      case "proof_required":
        throw new AppError("reauthentication_required");
      case "identity_in_use":
        throw new AppError("identity_in_use");
    }
  })
  .delete(
    "/auth/identities/:id",
    doc.unlink,
    requireSession(),
    requireRecentAuthentication(),
    requireSecondFactorWhenEnabled(),
    async (c) => {
      const deps = await authDependencies(c);
      const userId = c.var.session.userId;
      const result = await unlinkIdentity(deps, { userId, identityId: identityIdOf(c), client: await clientInfo(c) });
      if (result.kind === "not_found") throw new AppError("identity_not_found");
      if (result.kind === "last_method") throw new AppError("last_sign_in_method");
      const owner = await deps.db.user.findUnique({ where: { id: userId }, select: { email: true } });
      if (owner) {
        await deferIdentityNotice(deps, c.var.config.mail, {
          email: owner.email,
          change: "unlinked",
          provider: providerName(c, result.providerId),
        });
      }
      return c.json({ status: "unlinked" });
    },
  )
  .post("/auth/identities/:id/access-token", doc.accessToken, requireSession(), async (c) => {
    const deps = await authDependencies(c);
    const identityId = identityIdOf(c);
    const identity = await deps.db.externalIdentity.findFirst({
      where: { id: identityId, userId: c.var.session.userId },
      select: { providerId: true },
    });
    if (!identity) throw new AppError("identity_not_found");
    const provider = findOAuthProvider(c.var.config.oauthProviders, identity.providerId);
    if (!provider?.storeTokens) throw new AppError("provider_token_not_stored");
    const providerDeps = { kv: c.var.config.kv, now: deps.now, environment: c.var.config.environment };
    const result = await freshProviderAccessToken(deps, identityId, (refreshToken) =>
      refreshProviderTokens(provider, refreshToken, providerDeps),
    );
    c.header("Cache-Control", "no-store");
    switch (result.kind) {
      case "token":
        return c.json({
          accessToken: result.accessToken,
          tokenType: "Bearer",
          expiresAt: result.expiresAt?.toISOString() ?? null,
          scope: result.scope,
        });
      case "not_stored":
        throw new AppError("provider_token_not_stored");
      case "reconsent_required":
        throw new AppError("provider_reconsent_required");
      case "unavailable":
        throw new AppError("service_unavailable");
    }
  });
