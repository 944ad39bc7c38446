// A local stand-in for GitHub's OAuth app endpoints and the two REST calls the client makes.
import type { ServerResponse } from "node:http";
import { clientCredentials, type LocalServer, readForm, sendJson, startServer } from "./http.ts";
import { handleAuthorize, type LocalClient } from "./mini-oidc.ts";
import { createOpCore, type Grant, type OpCore } from "./op-core.ts";

export type GitHubEmail = { email: string; primary: boolean; verified: boolean; visibility?: string | null };

// GitHub answers token errors with 200 and an error body, as JSON when asked for JSON, else as a form.
function sendTokenAnswer(response: ServerResponse, json: boolean, body: Record<string, string | number>): void {
  if (json) {
    sendJson(response, 200, body);
    return;
  }
  response.writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" });
  response.end(new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString());
}

function tokenBody(core: OpCore, grant: Grant) {
  // Scopes come back comma-separated; expiring tokens (GitHub Apps) come with a refresh token.
  return {
    access_token: core.issueAccessToken(grant),
    token_type: "bearer",
    scope: grant.scope.split(" ").join(","),
    expires_in: 28_800,
    refresh_token: core.issueRefreshToken(grant),
  };
}

function accessGrant(core: OpCore, authorization: string | undefined): Grant | undefined {
  const token = /^(?:Bearer|token) (.+)$/i.exec(authorization ?? "")?.[1];
  return token ? core.grantOfAccessToken(token) : undefined;
}

/**
 * `test_account`: sub (the numeric id, as a string), login, name, and emails (GitHubEmail[]; absent:
 * /user/emails answers 404 as for a token without user:email).
 */
export async function startGitHubServer(client: LocalClient): Promise<LocalServer> {
  const core = await createOpCore();
  return startServer(() => async (request, response, url) => {
    switch (url.pathname) {
      case "/login/oauth/authorize":
        return handleAuthorize(response, url, core, client);
      case "/login/oauth/access_token": {
        const form = await readForm(request);
        const json = (request.headers.accept ?? "").includes("application/json");
        const credentials = clientCredentials(request, form);
        if (credentials?.clientId !== client.clientId || credentials.clientSecret !== client.clientSecret) {
          return sendTokenAnswer(response, json, { error: "incorrect_client_credentials" });
        }
        if (form.get("grant_type") === "refresh_token") {
          const grant = core.rotateRefreshToken(form.get("refresh_token") ?? "", client.clientId);
          return sendTokenAnswer(response, json, grant ? tokenBody(core, grant) : { error: "bad_refresh_token" });
        }
        const redeemed = core.redeemCode(form, client.clientId);
        return sendTokenAnswer(
          response,
          json,
          redeemed.ok ? tokenBody(core, redeemed.grant) : { error: "bad_verification_code" },
        );
      }
      case "/api/user": {
        const grant = accessGrant(core, request.headers.authorization);
        if (!grant) return sendJson(response, 401, { message: "Bad credentials" });
        const { sub, login, name } = grant.account;
        return sendJson(response, 200, {
          id: Number(sub),
          login,
          name: name ?? null,
          avatar_url: `https://avatars.example/${sub}`,
          html_url: `https://github.example/${String(login)}`,
          type: "User",
        });
      }
      case "/api/user/emails": {
        const grant = accessGrant(core, request.headers.authorization);
        if (!grant) return sendJson(response, 401, { message: "Bad credentials" });
        if (!Array.isArray(grant.account.emails)) return sendJson(response, 404, { message: "Not Found" });
        return sendJson(response, 200, grant.account.emails);
      }
      default:
        return sendJson(response, 404, { message: "Not Found" });
    }
  });
}
