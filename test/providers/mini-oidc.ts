// Building blocks of the small local OpenID providers (Google, Entra, Apple, rogue): authorize and token.
import type { IncomingMessage, ServerResponse } from "node:http";
import { accountFrom, clientCredentials, readForm, redirect, sendJson } from "./http.ts";
import { type Grant, type OpCore, readAuthorizationRequest } from "./op-core.ts";

export type LocalClient = { clientId: string; clientSecret: string; redirectUris: readonly string[] };

/** Keys of `test_account` that steer the server and never become claims. */
export const CONTROL_KEYS = new Set(["mischief", "issTid", "deny", "emails", "login", "id", "name_object"]);

const ACCESS_TOKEN_TTL_SECONDS = 3600;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page a browser auto-submits for response_mode=form_post (OAuth 2.0 Form Post Response Mode). */
export function sendFormPost(response: ServerResponse, action: string, fields: Record<string, string>): void {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(`<!doctype html><form method="post" action="${escapeHtml(action)}">${inputs}</form>`);
}

export type AuthorizeOptions = {
  /** RFC 9207: add `iss` to the response. */
  issuer?: string;
  formPost?: boolean;
  /** Extra fields for the response (Apple's `user`). */
  extraFields?: (grant: Grant) => Record<string, string>;
  /** The error code a declining user produces. */
  deniedError?: string;
};

/** Authorization endpoint: the account comes from `test_account`; `test_deny=1` declines. */
export function handleAuthorize(
  response: ServerResponse,
  url: URL,
  core: OpCore,
  client: LocalClient,
  options: AuthorizeOptions = {},
): void {
  const request = readAuthorizationRequest(url, client);
  if (!request.ok) {
    sendJson(response, 400, { error: "invalid_request", error_description: request.error });
    return;
  }
  const fields: Record<string, string> = {};
  if (url.searchParams.get("test_deny") === "1") {
    fields.error = options.deniedError ?? "access_denied";
  } else {
    const grant: Grant = {
      clientId: client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      account: accountFrom(url),
    };
    fields.code = core.issueCode(grant);
    Object.assign(fields, options.extraFields?.(grant));
  }
  if (request.state) fields.state = request.state;
  if (options.issuer) fields.iss = options.issuer;
  if (options.formPost) {
    sendFormPost(response, request.redirectUri, fields);
    return;
  }
  const target = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
  redirect(response, target.href);
}

/** The claims of an ID token for `grant`: the account's own claims, then the protocol ones. */
export function idTokenClaims(issuer: string, grant: Grant, nowSeconds = Math.floor(Date.now() / 1000)) {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(grant.account)) if (!CONTROL_KEYS.has(name)) claims[name] = value;
  return {
    ...claims,
    iss: issuer,
    aud: grant.clientId,
    sub: grant.account.sub,
    iat: nowSeconds,
    exp: nowSeconds + 600,
    ...(grant.nonce ? { nonce: grant.nonce } : {}),
  };
}

export type TokenOptions = {
  /** The ID token for a grant (undefined: none, e.g. GitHub). */
  mintIdToken?: (grant: Grant) => Promise<string | undefined>;
  /** Client authentication; by default the client's secret, basic or post. */
  authenticate?: (credentials: { clientId: string; clientSecret: string }) => Promise<boolean>;
};

/** Token endpoint: authorization_code (one use, PKCE) and refresh_token (rotated). */
export async function handleToken(
  request: IncomingMessage,
  response: ServerResponse,
  core: OpCore,
  client: LocalClient,
  options: TokenOptions = {},
): Promise<void> {
  const form = await readForm(request);
  const credentials = clientCredentials(request, form);
  const authenticate =
    options.authenticate ??
    (async (given: { clientId: string; clientSecret: string }) =>
      given.clientId === client.clientId && given.clientSecret === client.clientSecret);
  if (!credentials || !(await authenticate(credentials))) return sendJson(response, 401, { error: "invalid_client" });
  let grant: Grant | undefined;
  if (form.get("grant_type") === "authorization_code") {
    const redeemed = core.redeemCode(form, credentials.clientId);
    if (!redeemed.ok) return sendJson(response, 400, { error: redeemed.error });
    grant = redeemed.grant;
  } else if (form.get("grant_type") === "refresh_token") {
    grant = core.rotateRefreshToken(form.get("refresh_token") ?? "", credentials.clientId);
    if (!grant) return sendJson(response, 400, { error: "invalid_grant" });
  } else {
    return sendJson(response, 400, { error: "unsupported_grant_type" });
  }
  const idToken = await options.mintIdToken?.(grant);
  sendJson(response, 200, {
    access_token: core.issueAccessToken(grant),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: core.issueRefreshToken(grant),
    scope: grant.scope,
    ...(idToken ? { id_token: idToken } : {}),
  });
}

/** A discovery document for a server whose endpoints sit under `base`. */
export function discoveryDocument(issuer: string, endpoints: { authorize: string; token: string; jwks: string }) {
  return {
    issuer,
    authorization_endpoint: endpoints.authorize,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  };
}
