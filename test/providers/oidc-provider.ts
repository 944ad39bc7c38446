// A real, certified OpenID provider (oidc-provider) on 127.0.0.1 with our own small interaction
// endpoints: a test chooses the account's claims and whether the user consents or declines (JSON), or
// a browser fills in HTML login and consent pages (oidc-interaction-pages.ts).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type Configuration } from "oidc-provider";
import { type LocalServer, readBody, readForm, sendJson, startServer } from "./http.ts";
import {
  type AccountClaims,
  accountFromLoginForm,
  consentPage,
  isFormPost,
  loginPage,
  sendHtml,
  wantsHtml,
} from "./oidc-interaction-pages.ts";

export type OidcProviderClient = { clientId: string; clientSecret: string; redirectUris: string[] };

type InteractionAnswer = { account?: AccountClaims; deny?: boolean };

function signingKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomBytes(6).toString("hex"), alg: "RS256", use: "sig" };
}

function configuration(client: OidcProviderClient, accounts: Map<string, AccountClaims>): Configuration {
  return {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey() as never] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "picture", "locale", "preferred_username"],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Refresh tokens for every grant, rotated on use, so stored tokens can be refreshed in tests.
    issueRefreshToken: async (_ctx, oidcClient) => oidcClient.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 600, RefreshToken: 86_400 },
    async findAccount(_ctx, id) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ ...claims, sub: id }) };
    },
  };
}

// POST /interaction/:uid {account} signs in and consents to what was asked; {deny: true} declines.
async function answerInteraction(
  provider: Provider,
  accounts: Map<string, AccountClaims>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const answer = JSON.parse((await readBody(request)) || "{}") as InteractionAnswer;
  const details = await provider.interactionDetails(request, response);
  let result: Record<string, unknown>;
  if (answer.deny) {
    result = { error: "access_denied", error_description: "End-User declined" };
  } else {
    const account = answer.account;
    if (!account || typeof account.sub !== "string") return sendJson(response, 400, { error: "account is required" });
    accounts.set(account.sub, account);
    const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    result = { login: { accountId: account.sub }, consent: { grantId: await grant.save() } };
  }
  const redirectTo = await provider.interactionResult(request, response, result, { mergeWithLastSubmission: false });
  sendJson(response, 200, { redirectTo });
}

// POST /interaction/:uid from the HTML pages: the login form signs in, the consent form allows or denies.
async function answerForm(
  provider: Provider,
  accounts: Map<string, AccountClaims>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const form = await readForm(request);
  const details = await provider.interactionDetails(request, response);
  let result: Record<string, unknown>;
  if (details.prompt.name === "login") {
    const account = accountFromLoginForm(form);
    if (!account) return sendHtml(response, 400, loginPage(details.uid, "Enter an email address."));
    accounts.set(account.sub, account);
    result = { login: { accountId: account.sub } };
  } else if (form.get("decision") === "allow" && details.session?.accountId) {
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    result = { consent: { grantId: await grant.save() } };
  } else {
    result = { error: "access_denied", error_description: "End-User declined" };
  }
  const redirectTo = await provider.interactionResult(request, response, result, { mergeWithLastSubmission: true });
  response.writeHead(303, { location: redirectTo });
  response.end();
}

/** Starts the provider; its issuer is its origin (http://127.0.0.1:<port>). */
export async function startOidcProvider(client: OidcProviderClient): Promise<LocalServer> {
  const accounts = new Map<string, AccountClaims>();
  let provider: Provider | undefined;
  let callback: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server = await startServer((issuer) => {
    provider = new Provider(issuer, configuration(client, accounts));
    callback = provider.callback();
    return async (request, response, url) => {
      if (url.pathname.startsWith("/interaction/")) {
        if (request.method === "POST" && isFormPost(request))
          return answerForm(provider as Provider, accounts, request, response);
        if (request.method === "POST") return answerInteraction(provider as Provider, accounts, request, response);
        const details = await (provider as Provider).interactionDetails(request, response);
        if (!wantsHtml(request)) return sendJson(response, 200, { uid: details.uid, prompt: details.prompt.name });
        const html =
          details.prompt.name === "login"
            ? loginPage(details.uid)
            : consentPage(details.uid, String(details.params.client_id), String(details.params.scope ?? ""));
        return sendHtml(response, 200, html);
      }
      (callback as (request: IncomingMessage, response: ServerResponse) => void)(request, response);
    };
  });
  return server;
}
