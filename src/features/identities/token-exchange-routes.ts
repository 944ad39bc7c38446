// POST /auth/token: RFC 8693 token exchange of an ID token an app already holds (Firebase, Cognito,
// Auth0, Okta, OIDC) for a Portcullis session, answered as API clients get sessions. Form or JSON body.
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { accountDependencies, clientInfo } from "../../http/auth-context.ts";
import { hasFormBody, readJsonBody } from "../../http/body.ts";
import { describe } from "../../http/openapi/describe.ts";
import { tooManyAttempts } from "../../http/throttle.ts";
import { reserve, takeBackAttempt } from "../account/counters.ts";
import { deferNewDeviceNotice } from "../account/notices.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { deliverTokens } from "../session/respond.ts";
import { verifyFederatedIdToken } from "./federated/index.ts";
import { ExchangeBody, TokenExchangeResponse } from "./schemas.ts";
import { signInWithExternalIdentity } from "./sign-in.ts";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

const doc = describe({
  operationId: "exchangeToken",
  tag: "identities",
  summary: "Exchange an ID token from a federated issuer for a session (RFC 8693; API clients)",
  description:
    "Signs in, or up, the identity the ID token names; an account with a second factor answers `mfa_required`, one that must first prove the address `link_required`. Every refused token answers the same `invalid_grant`.",
  body: ExchangeBody,
  bodyMediaTypes: ["application/x-www-form-urlencoded", "application/json"],
  responses: { 200: TokenExchangeResponse },
  errors: [
    "unsupported_grant_type",
    "invalid_grant",
    "too_many_attempts",
    "external_email_unverified",
    "external_email_missing",
    "account_unverified",
    "account_disabled",
    "email_not_verified",
  ],
});

async function readExchangeBody(c: Context<AppEnv>): Promise<z.infer<typeof ExchangeBody>> {
  if (!hasFormBody(c)) return readJsonBody(c, ExchangeBody);
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    // RFC 6749 §3.2: parameters must not repeat.
    if (name in fields) throw new AppError("invalid_request", { message: `The ${name} parameter is repeated.` });
    fields[name] = value;
  }
  const parsed = ExchangeBody.safeParse(fields);
  if (!parsed.success) {
    const fieldsInError = parsed.error.issues.map((issue) => ({
      path: issue.path.join(".") || "body",
      message: issue.message,
    }));
    throw new AppError("invalid_request", { fields: fieldsInError });
  }
  return parsed.data;
}

/** Failed exchanges per client (IPv6 by /64) per hour before delays start. */
const exchangeCounterKey = (limitHash: string | null) => `token-exchange:${limitHash ?? "unknown"}`;

export const tokenExchangeRoutes = new Hono<AppEnv>().post("/auth/token", doc, async (c) => {
  const body = await readExchangeBody(c);
  if (body.grant_type !== TOKEN_EXCHANGE_GRANT) throw new AppError("unsupported_grant_type");
  if (body.subject_token_type !== ID_TOKEN_TYPE)
    throw new AppError("invalid_request", {
      message: "Only ID tokens can be exchanged.",
      fields: [{ path: "subject_token_type", message: `must be ${ID_TOKEN_TYPE}` }],
    });
  const config = c.var.config;
  const deps = await accountDependencies(c);
  const client = await clientInfo(c);
  const counterKey = exchangeCounterKey(client.limitHash);
  const reservation = await reserve(
    deps.db,
    counterKey,
    { freeAttempts: config.clientFreeFailures, windowSeconds: 3600 },
    deps.now,
  );
  if (reservation.kind === "throttled") return tooManyAttempts(c, reservation.retryAfterSeconds);
  if (reservation.kind === "locked") return tooManyAttempts(c, 3600);

  const verified = await verifyFederatedIdToken(
    { kv: config.kv, now: deps.now, environment: config.environment },
    config.federatedIssuers,
    body.subject_token,
  );
  // One answer for every refusal (unknown issuer included): the reason goes to the audit trail only.
  if (verified.kind === "invalid") {
    const reason = verified.reason;
    c.var.defer(() =>
      recordAuditEvent(deps.db, {
        action: "login.failed",
        success: false,
        userId: null,
        ...client,
        metadata: { method: "federated", reason },
      }),
    );
    throw new AppError("invalid_grant");
  }
  await takeBackAttempt(deps.db, counterKey);

  const result = await signInWithExternalIdentity(deps, {
    profile: verified.profile,
    autoLink: verified.issuer.autoLink,
    tokens: null,
    client,
    via: "federated",
  });
  c.header("Cache-Control", "no-store");
  switch (result.kind) {
    case "signed_in": {
      deferNewDeviceNotice(c, deps, result);
      const session = deliverTokens(c, result.tokens, "api", deps.now);
      const expiresIn = Math.max(
        0,
        Math.floor((result.tokens.accessTokenExpiresAt.getTime() - deps.now.getTime()) / 1000),
      );
      return c.json({
        // RFC 8693 §2.2.1 fields, then the session as every API sign-in returns it.
        access_token: result.tokens.accessToken,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: "Bearer",
        expires_in: expiresIn,
        refresh_token: result.tokens.refreshToken,
        status: "signed_in",
        created: result.created,
        session,
      });
    }
    case "mfa_required":
      return c.json({ status: "mfa_required", challenge: result.challenge, methods: result.methods });
    case "link_required":
      return c.json({ status: "link_required", linkToken: result.linkToken, email: result.email });
    case "provider_email_unverified":
      throw new AppError("external_email_unverified");
    case "email_missing":
      throw new AppError("external_email_missing");
    case "account_unverified":
      throw new AppError("account_unverified");
    case "disabled":
      throw new AppError("account_disabled");
    case "email_not_verified":
      throw new AppError("email_not_verified");
  }
});
