// Four projects, one `npm test`: the Worker's tests inside workerd, the Node-side scripts' and origin
// package's tests, the example origins behind the gateway as `npm run dev` serves it, and browser tests
// driving Chromium against that gateway.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { federatedIssuerEntries } from "./test/providers/federated-presets.ts";

// Vitest 5's reporter calls Map.groupBy (Node ≥ 21) when it prints failures; these machines run
// Node 20, where a failing run would otherwise crash the reporter instead of listing the failures.
type GroupBy = <K, T>(items: Iterable<T>, keyOf: (item: T, index: number) => K) => Map<K, T[]>;
const MapConstructor = Map as unknown as { groupBy?: GroupBy };
MapConstructor.groupBy ??= (items, keyOf) => {
  const groups = new Map();
  let index = 0;
  for (const item of items) {
    const key = keyOf(item, index++);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

// The gateway's route table in tests: every policy and option, in front of test/origin-server.ts.
function testRoutes(origin: string, deadOrigin: string) {
  return [
    { name: "public-app", pathPrefix: "/public", origin, policy: "public" },
    { name: "admin", pathPrefix: "/backoffice", origin, policy: { roles: ["admin"] } },
    { name: "slow", pathPrefix: "/slow", origin, policy: "public", timeoutMs: 300 },
    { name: "dead", pathPrefix: "/dead", origin: deadOrigin, policy: "public" },
    {
      name: "stripped",
      pathPrefix: "/svc",
      origin: `${origin}/base`,
      policy: "authenticated",
      stripPrefix: true,
      originId: "svc",
    },
    {
      name: "sensitive",
      pathPrefix: "/sensitive",
      origin,
      policy: "authenticated",
      originId: "app",
      maxAgeSeconds: 300,
      requireMfa: true,
    },
    // Authenticated routes to a slow and a dead origin: errors after a refresh at the edge (M2).
    {
      name: "slow-private",
      pathPrefix: "/private-slow",
      origin: `${origin}/slow`,
      policy: "authenticated",
      stripPrefix: true,
      timeoutMs: 300,
      originId: "app",
    },
    { name: "dead-private", pathPrefix: "/private-dead", origin: deadOrigin, policy: "authenticated" },
    { name: "no-csrf", pathPrefix: "/self-checked", origin, policy: "authenticated", originId: "app", csrf: false },
    { name: "params", pathPrefix: "/matrix", origin, policy: "authenticated", originId: "app", pathParameters: true },
    // Tenant routes (issue 14): the slug from one host label, or from the first segment after /t.
    {
      name: "tenant-sub",
      host: "*.tenants.localhost",
      pathPrefix: "/",
      origin,
      policy: { roles: ["STAFF", "OWNER"] },
      originId: "app",
      tenantFrom: "subdomain",
    },
    { name: "tenant-path", pathPrefix: "/t", origin, policy: "authenticated", originId: "app", tenantFrom: "path" },
    // Profile claims (issue 15): X-Auth-Name / X-Auth-Username and the assertion's name claims.
    { name: "profiled", pathPrefix: "/profiled", origin, policy: "authenticated", originId: "app", profile: true },
    { name: "app", host: "localhost", pathPrefix: "/", origin, policy: "authenticated", originId: "app" },
  ];
}

// Social sign-in entries, each against its local provider (test/providers); secrets come from global setup.
function testOAuthProviders(urls: {
  oidc: string;
  rogue: string;
  github: string;
  apple: string;
  entra: string;
  google: string;
}) {
  return [
    { id: "oidc", type: "oidc", clientId: "portcullis", clientSecretBinding: "OIDC_CLIENT_SECRET", issuer: urls.oidc },
    {
      id: "oidc-tokens",
      type: "oidc",
      displayName: "Test OP (tokens kept)",
      clientId: "portcullis",
      clientSecretBinding: "OIDC_CLIENT_SECRET",
      issuer: urls.oidc,
      scopes: ["openid", "email", "profile", "offline_access"],
      storeTokens: true,
    },
    {
      id: "rogue",
      type: "oidc",
      clientId: "portcullis-rogue",
      clientSecretBinding: "ROGUE_CLIENT_SECRET",
      issuer: urls.rogue,
    },
    {
      id: "github",
      type: "github",
      clientId: "portcullis-github",
      clientSecretBinding: "GITHUB_CLIENT_SECRET",
      authorizationEndpoint: `${urls.github}/login/oauth/authorize`,
      tokenEndpoint: `${urls.github}/login/oauth/access_token`,
      apiBaseUrl: `${urls.github}/api`,
    },
    {
      id: "apple",
      type: "apple",
      clientId: "com.example.portcullis",
      teamId: "TEAMID1234",
      keyId: "KEYID12345",
      privateKeyBinding: "APPLE_PRIVATE_KEY",
      issuer: urls.apple,
    },
    {
      id: "entra",
      type: "microsoft",
      clientId: "6f1f7c3e-0c1a-4b5e-9d2a-3c5e7a9b1d2f",
      clientSecretBinding: "ENTRA_CLIENT_SECRET",
      tenant: "common",
      authority: urls.entra,
    },
    {
      id: "entra-tenant",
      type: "microsoft",
      clientId: "6f1f7c3e-0c1a-4b5e-9d2a-3c5e7a9b1d2f",
      clientSecretBinding: "ENTRA_CLIENT_SECRET",
      tenant: "3f2b8c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      authority: urls.entra,
    },
    {
      id: "google",
      type: "google",
      clientId: "portcullis.apps.googleusercontent.com",
      clientSecretBinding: "GOOGLE_CLIENT_SECRET",
      issuer: urls.google,
    },
  ];
}

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // Vitest's default on 2 cores is one worker: every file waited on Postgres and the relay in turn.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "node",
          include: ["scripts/**/*.test.ts", "test/node/**/*.test.ts", "packages/origin/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ENVIRONMENT: "test",
                // Cheap Argon2id (accepted only with ENVIRONMENT=test); signup and login tests use the real cost.
                TEST_FAST_PASSWORD_HASHING: "true",
                DATABASE_URL: inject("sharedDatabaseUrl"),
                NEON_LOCAL_RELAY: inject("relayAddress"),
                PG_ADMIN_URL: inject("pgAdminUrl"),
                TEMPLATE_DATABASE: inject("templateDatabase"),
                UNREACHABLE_DATABASE_URL: inject("unreachableDatabaseUrl"),
                ISSUER: "http://localhost",
                SIGNING_KEYS: inject("signingKeys"),
                AUTH_SECRET: inject("authSecret"),
                GATEWAY_ROUTES: JSON.stringify(testRoutes(inject("originUrl"), inject("deadOriginUrl"))),
                // Firebase, Cognito, Auth0, Okta and generic OIDC (ids firebase, cognito, auth0, okta, oidc-fed),
                // their keys served by test/providers/federated-keys.ts.
                FEDERATED_ISSUERS: JSON.stringify(federatedIssuerEntries(inject("federatedKeyServerUrl"))),
                FEDERATED_SIGNING_KEYS: inject("federatedSigningKeys"),
                FEDERATED_KEY_SERVER_URL: inject("federatedKeyServerUrl"),
                OAUTH_PROVIDERS: JSON.stringify(testOAuthProviders(inject("oauthProviderUrls"))),
                ...inject("oauthSecretBindings"),
                // issue 16: fuzzing — the fuzz test's seed and cases per operation, for local exploration.
                FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "packages/client/test/**/*.test.ts"],
          exclude: ["test/node/**", "test/browser/**"],
          // One workerd per pool worker instead of one per file: no per-file runtime start, module
          // evaluation or Prisma WASM compile. Files stay independent: each one clones its own database,
          // and KV holds only markers keyed by random session and user ids.
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "examples",
          include: ["examples/**/*.test.ts"],
          environment: "node",
          // One gateway (as `npm run dev` serves it) in front of every example origin, for all files.
          globalSetup: ["./examples/test-support/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          // One gateway for every file (test/browser/global-setup.ts); one Chromium per file.
          globalSetup: ["./test/browser/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
