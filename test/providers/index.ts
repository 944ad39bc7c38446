// Starts every local provider the social sign-in tests talk to, with the secrets the Worker gets.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { startAppleServer } from "./apple.ts";
import { startEntraServer } from "./entra.ts";
import { startGitHubServer } from "./github.ts";
import { startGoogleServer } from "./google.ts";
import type { LocalServer } from "./http.ts";
import { startOidcProvider } from "./oidc-provider.ts";
import { startRogueServer } from "./rogue.ts";

/** The client ids each local provider knows (the test OAUTH_PROVIDERS entries use the same). */
export const LOCAL_CLIENT_IDS = {
  oidc: "portcullis",
  rogue: "portcullis-rogue",
  github: "portcullis-github",
  apple: "com.example.portcullis",
  entra: "6f1f7c3e-0c1a-4b5e-9d2a-3c5e7a9b1d2f",
  google: "portcullis.apps.googleusercontent.com",
} as const;

export const APPLE_TEAM_ID = "TEAMID1234";
export const APPLE_KEY_ID = "KEYID12345";

/** The Worker's redirect URI for an entry (ISSUER is http://localhost in tests). */
export const callbackUrl = (id: string) => `http://localhost/auth/oauth/${id}/callback`;

export type LocalProviders = {
  /** Base URLs: oidc and rogue are issuers; entra is the authority; github serves /api too. */
  urls: { oidc: string; rogue: string; github: string; apple: string; entra: string; google: string };
  /** Secret bindings for the Worker, by binding name. */
  secretBindings: Record<string, string>;
  close(): Promise<void>;
};

const secret = () => randomBytes(24).toString("base64url");

export async function startLocalProviders(): Promise<LocalProviders> {
  const secrets = { oidc: secret(), rogue: secret(), github: secret(), entra: secret(), google: secret() };
  const apple = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const servers: LocalServer[] = [];
  const start = async (server: Promise<LocalServer>) => {
    const started = await server;
    servers.push(started);
    return started.url;
  };
  try {
    const urls = {
      oidc: await start(
        startOidcProvider({
          clientId: LOCAL_CLIENT_IDS.oidc,
          clientSecret: secrets.oidc,
          // "oidc-tokens" is the same client with storeTokens on (the Worker keeps its tokens).
          redirectUris: [callbackUrl("oidc"), callbackUrl("oidc-tokens")],
        }),
      ),
      rogue: await start(
        startRogueServer({
          clientId: LOCAL_CLIENT_IDS.rogue,
          clientSecret: secrets.rogue,
          redirectUris: [callbackUrl("rogue")],
        }),
      ),
      github: await start(
        startGitHubServer({
          clientId: LOCAL_CLIENT_IDS.github,
          clientSecret: secrets.github,
          redirectUris: [callbackUrl("github")],
        }),
      ),
      apple: await start(
        startAppleServer({
          clientId: LOCAL_CLIENT_IDS.apple,
          teamId: APPLE_TEAM_ID,
          keyId: APPLE_KEY_ID,
          publicKeyPem: apple.publicKey.export({ type: "spki", format: "pem" }).toString(),
          redirectUris: [callbackUrl("apple")],
        }),
      ),
      entra: await start(
        startEntraServer({
          clientId: LOCAL_CLIENT_IDS.entra,
          clientSecret: secrets.entra,
          redirectUris: [callbackUrl("entra"), callbackUrl("entra-tenant")],
        }),
      ),
      google: await start(
        startGoogleServer({
          clientId: LOCAL_CLIENT_IDS.google,
          clientSecret: secrets.google,
          redirectUris: [callbackUrl("google")],
        }),
      ),
    };
    return {
      urls,
      secretBindings: {
        OIDC_CLIENT_SECRET: secrets.oidc,
        ROGUE_CLIENT_SECRET: secrets.rogue,
        GITHUB_CLIENT_SECRET: secrets.github,
        ENTRA_CLIENT_SECRET: secrets.entra,
        GOOGLE_CLIENT_SECRET: secrets.google,
        APPLE_PRIVATE_KEY: apple.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      },
      close: async () => {
        await Promise.all(servers.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
}
