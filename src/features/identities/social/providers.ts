// OAUTH_PROVIDERS: the social sign-in entries (JSON), checked once; secrets come from named bindings.
import { z } from "zod";
import { ASYMMETRIC_ALGORITHMS } from "../claim-names.ts";
import {
  AUTO_LINK_ALLOWED,
  DEFAULT_DISPLAY_NAMES,
  DEFAULT_ENDPOINTS,
  DEFAULT_OIDC_ALGORITHMS,
  DEFAULT_SCOPES,
  OPENID_TYPES,
} from "./presets.ts";
import type { OAuthProvider } from "./provider-types.ts";

export type * from "./provider-types.ts";

type Environment = "development" | "test" | "production";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

// https everywhere; plain http only to this machine's own test servers, and never in production.
function endpointUrl(environment: Environment) {
  const rule =
    environment === "production"
      ? "must be an https URL"
      : "must be an https URL (http only on 127.0.0.1 or localhost)";
  return z
    .string()
    .max(2048)
    .refine((text) => {
      const url = parseUrl(text);
      if (!url) return false;
      if (url.username || url.password || url.search || url.hash) return false;
      if (url.protocol === "https:") return true;
      return environment !== "production" && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
    }, `${rule}, without credentials, query or fragment`)
    .transform((text) => text.replace(/\/+$/, ""));
}

const bindingName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must name a Worker binding (upper case letters, digits, _)");

// RFC 6749 scope-token characters.
const scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, "must be a scope token (no spaces or quotes)");

const common = {
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be 1 to 32 lowercase letters, digits or -"),
  displayName: z.string().trim().min(1).max(60).optional(),
  clientId: z.string().min(1, "is required").max(512),
  scopes: z.array(scope).min(1).max(20).optional(),
  autoLink: z.boolean().default(false),
  storeTokens: z.boolean().default(false),
};

/**
 * One entry of OAUTH_PROVIDERS. Every type: `id` (slug, unique), `type`, `clientId`, `displayName`
 * (default per type), `scopes` (replace the type's defaults; OIDC types must keep openid), `autoLink`
 * (default false; refused for microsoft, see AUTO_LINK_ALLOWED), `storeTokens` (default false; adds
 * offline_access for oidc and microsoft). Secrets are named, never written: `clientSecretBinding`
 * (every type but apple) or `privateKeyBinding` (apple). Per type:
 * - oidc: `issuer` (required), `algorithms` (pinned, default ["RS256"]), `tokenEndpointAuthMethod`
 *   (client_secret_basic | client_secret_post, default basic).
 * - google: `hostedDomain` (only that Workspace domain), `issuer` (default https://accounts.google.com).
 * - microsoft: `tenant` (GUID, common, organizations, consumers), `authority` (default
 *   https://login.microsoftonline.com). Ask Entra for the optional claims email and xms_edov.
 * - apple: `teamId`, `keyId`, `privateKeyBinding` (PKCS#8 PEM), `issuer` (default https://appleid.apple.com).
 * - github: `authorizationEndpoint`, `tokenEndpoint`, `apiBaseUrl`, `issuer` (defaults: github.com's).
 * Every URL is https; http only to 127.0.0.1 / localhost / [::1], and only outside production.
 */
function entrySchema(environment: Environment) {
  const url = endpointUrl(environment);
  return z.discriminatedUnion(
    "type",
    [
      z.strictObject({
        ...common,
        type: z.literal("oidc"),
        clientSecretBinding: bindingName,
        issuer: url,
        algorithms: z
          .array(z.enum(ASYMMETRIC_ALGORITHMS))
          .min(1)
          .default([...DEFAULT_OIDC_ALGORITHMS]),
        tokenEndpointAuthMethod: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
      }),
      z.strictObject({
        ...common,
        type: z.literal("google"),
        clientSecretBinding: bindingName,
        issuer: url.default(DEFAULT_ENDPOINTS.googleIssuer),
        hostedDomain: z
          .string()
          .toLowerCase()
          .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be a domain name, e.g. example.com")
          .optional(),
      }),
      z.strictObject({
        ...common,
        type: z.literal("microsoft"),
        clientSecretBinding: bindingName,
        tenant: z
          .string()
          .toLowerCase()
          .regex(
            /^(common|organizations|consumers|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
            "must be a tenant id (GUID), common, organizations or consumers",
          ),
        authority: url.default(DEFAULT_ENDPOINTS.microsoftAuthority),
      }),
      z.strictObject({
        ...common,
        type: z.literal("apple"),
        privateKeyBinding: bindingName,
        teamId: z.string().regex(/^[A-Z0-9]{10}$/, "must be the 10-character Apple team id"),
        keyId: z.string().regex(/^[A-Z0-9]{10}$/, "must be the 10-character key id"),
        issuer: url.default(DEFAULT_ENDPOINTS.appleIssuer),
      }),
      z.strictObject({
        ...common,
        type: z.literal("github"),
        clientSecretBinding: bindingName,
        issuer: url.default(DEFAULT_ENDPOINTS.githubIssuer),
        authorizationEndpoint: url.default(DEFAULT_ENDPOINTS.githubAuthorizationEndpoint),
        tokenEndpoint: url.default(DEFAULT_ENDPOINTS.githubTokenEndpoint),
        apiBaseUrl: url.default(DEFAULT_ENDPOINTS.githubApiBaseUrl),
      }),
    ],
    { error: "type must be one of oidc, google, microsoft, apple, github" },
  );
}

type ParsedEntry = z.output<ReturnType<typeof entrySchema>>;

export type OAuthProvidersResult = { ok: true; providers: OAuthProvider[] } | { ok: false; problems: string[] };

const PEM_PRIVATE_KEY = /^-----BEGIN PRIVATE KEY-----\s+[A-Za-z0-9+/=\s]+-----END PRIVATE KEY-----\s*$/;

// The entry's position and id (ids are not secret), so even a bad entry can be named.
function labelOf(entry: unknown, index: number): string {
  const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : undefined;
  return typeof id === "string" && /^[a-z0-9-]{1,32}$/.test(id)
    ? `OAUTH_PROVIDERS[${index}] "${id}"`
    : `OAUTH_PROVIDERS[${index}]`;
}

// A secret binding's text; the problem never contains the value.
function secretFrom(bindings: Record<string, unknown>, name: string): string | undefined {
  const value = bindings[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function resolveEntry(entry: ParsedEntry, bindings: Record<string, unknown>, problem: (text: string) => void) {
  const scopes = entry.scopes ?? [...DEFAULT_SCOPES[entry.type]];
  if (OPENID_TYPES.has(entry.type) && !scopes.includes("openid")) problem("scopes must include openid");
  // OIDC offline_access asks for a refresh token; Google uses access_type=offline instead.
  if (entry.storeTokens && (entry.type === "oidc" || entry.type === "microsoft") && !scopes.includes("offline_access"))
    scopes.push("offline_access");
  if (entry.autoLink && !AUTO_LINK_ALLOWED.has(entry.type))
    problem(`autoLink is not allowed for ${entry.type}: its email claim can be set without proving the mailbox`);
  const base = {
    id: entry.id,
    displayName: entry.displayName ?? DEFAULT_DISPLAY_NAMES[entry.type],
    clientId: entry.clientId,
    scopes,
    autoLink: entry.autoLink,
    storeTokens: entry.storeTokens,
  };
  if (entry.type === "apple") {
    // Wrangler secrets set from one-line text carry the PEM's line breaks as "\n".
    const privateKey = secretFrom(bindings, entry.privateKeyBinding)?.replaceAll("\\n", "\n");
    if (!privateKey) problem(`privateKeyBinding: the binding ${entry.privateKeyBinding} is missing or empty`);
    else if (!PEM_PRIVATE_KEY.test(privateKey))
      problem(`privateKeyBinding: ${entry.privateKeyBinding} must hold a PKCS#8 PEM private key`);
    const { privateKeyBinding: _binding, ...rest } = entry;
    return { ...rest, ...base, privateKey: privateKey ?? "" };
  }
  const clientSecret = secretFrom(bindings, entry.clientSecretBinding);
  if (!clientSecret) problem(`clientSecretBinding: the binding ${entry.clientSecretBinding} is missing or empty`);
  const { clientSecretBinding: _binding, ...rest } = entry;
  if (rest.type === "google")
    return { ...rest, ...base, clientSecret: clientSecret ?? "", hostedDomain: rest.hostedDomain ?? null };
  return { ...rest, ...base, clientSecret: clientSecret ?? "" };
}

/**
 * Parses OAUTH_PROVIDERS: JSON text (or the array wrangler hands over from TOML), each entry's secret
 * read from the binding it names. Problems name the entry (index and id) and the field, never a value.
 */
export function parseOAuthProviders(
  input: unknown,
  bindings: Record<string, unknown>,
  environment: Environment,
): OAuthProvidersResult {
  if (input === undefined || input === "") return { ok: true, providers: [] };
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, problems: ["OAUTH_PROVIDERS is not valid JSON"] };
    }
  }
  if (!Array.isArray(value)) return { ok: false, problems: ["OAUTH_PROVIDERS must be a JSON array of providers"] };
  const schema = entrySchema(environment);
  const problems: string[] = [];
  const providers: OAuthProvider[] = [];
  const ids = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const label = labelOf(entry, index);
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${label} ${issue.path.join(".") || "entry"}: ${issue.message}`);
      return;
    }
    if (ids.has(parsed.data.id)) problems.push(`${label} id: is used by an earlier entry`);
    ids.add(parsed.data.id);
    providers.push(resolveEntry(parsed.data, bindings, (text) => problems.push(`${label} ${text}`)) as OAuthProvider);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, providers };
}

/** The entry with this id (from the route), or undefined. */
export function findOAuthProvider(providers: readonly OAuthProvider[], id: string): OAuthProvider | undefined {
  return providers.find((provider) => provider.id === id);
}
