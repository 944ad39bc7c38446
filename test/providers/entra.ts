// A local stand-in for Microsoft Entra ID (v2.0 endpoints): per-tenant discovery, with the {tenantid}
// issuer template on common and organizations, and ID tokens whose iss names the user's own tid.
import { type LocalServer, sendJson, startServer } from "./http.ts";
import { discoveryDocument, handleAuthorize, handleToken, idTokenClaims, type LocalClient } from "./mini-oidc.ts";
import { createOpCore } from "./op-core.ts";

export const ENTRA_CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

const TENANT_PATH =
  /^\/(common|organizations|consumers|[0-9a-f-]{36})\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/authorize|oauth2\/v2\.0\/token)$/;

function publishedIssuer(origin: string, tenant: string): string {
  if (tenant === "consumers") return `${origin}/${ENTRA_CONSUMER_TENANT}/v2.0`;
  if (tenant === "common" || tenant === "organizations") return `${origin}/{tenantid}/v2.0`;
  return `${origin}/${tenant}/v2.0`;
}

/**
 * `test_account` carries `tid`, and may carry `xms_edov` (the optional claim) and `issTid` (a token
 * whose iss names another tenant than its tid: what the client must refuse).
 */
export async function startEntraServer(client: LocalClient): Promise<LocalServer> {
  const core = await createOpCore();
  return startServer((origin) => async (request, response, url) => {
    if (url.pathname === "/common/discovery/v2.0/keys") return sendJson(response, 200, core.jwks());
    const match = TENANT_PATH.exec(url.pathname);
    if (!match) return sendJson(response, 404, { error: "not_found" });
    const [, tenant = "", endpoint] = match;
    if (endpoint?.endsWith("openid-configuration")) {
      return sendJson(
        response,
        200,
        discoveryDocument(publishedIssuer(origin, tenant), {
          authorize: `${origin}/${tenant}/oauth2/v2.0/authorize`,
          token: `${origin}/${tenant}/oauth2/v2.0/token`,
          jwks: `${origin}/common/discovery/v2.0/keys`,
        }),
      );
    }
    if (endpoint?.endsWith("authorize")) return handleAuthorize(response, url, core, client);
    return handleToken(request, response, core, client, {
      mintIdToken: (grant) => {
        const tid = String(grant.account.tid);
        const issTid = typeof grant.account.issTid === "string" ? grant.account.issTid : tid;
        return core.signJwt({ ...idTokenClaims(`${origin}/${issTid}/v2.0`, grant), tid, ver: "2.0" });
      },
    });
  });
}
