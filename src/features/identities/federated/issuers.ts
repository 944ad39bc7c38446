// FEDERATED_ISSUERS: the issuers whose ID tokens an app may exchange, each resolved by its preset's
// documented rules into the exact `iss`, accepted audiences, pinned algorithms and where its keys live.
import { z } from "zod";
import { ASYMMETRIC_ALGORITHMS } from "../claim-names.ts";

export const FEDERATED_ISSUER_TYPES = ["firebase", "cognito", "auth0", "okta", "oidc"] as const;
export type FederatedIssuerType = (typeof FEDERATED_ISSUER_TYPES)[number];

/** Where an issuer's keys are published: a JWKS, Firebase's map of kid → X.509 PEM, or OIDC discovery. */
export type KeySource = { format: "jwks" | "x509" | "discovery"; url: string };

export type FederatedIssuer = {
  /** The entry's id (ExternalProfile.providerId). */
  id: string;
  type: FederatedIssuerType;
  /** Link to an existing account with the same verified email. @default false */
  autoLink: boolean;
  /** The exact `iss` its tokens carry. */
  issuer: string;
  /** Accepted `aud` values (the app's client ids); with several audiences in a token, `azp` must be one. */
  audiences: string[];
  /** Pinned signature algorithms; a token with any other `alg` is refused. */
  algorithms: string[];
  keys: KeySource;
  /** Firebase only: accept anonymous sign-ins. @default false */
  allowAnonymous: boolean;
};

const FIREBASE_CERTIFICATES_URL =
  "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";

function isLoopbackHost(hostname: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === "localhost" || hostname === "[::1]";
}

/** True for https URLs, and for http on a loopback host (allowed outside production only). */
export function isAllowedKeyUrl(text: string, environment: string): boolean {
  try {
    const url = new URL(text);
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && isLoopbackHost(url.hostname) && environment !== "production";
  } catch {
    return false;
  }
}

const keyUrl = z
  .url({ protocol: /^https?$/, error: "must be an https URL" })
  .refine((text) => isAllowedKeyUrl(text, "development"), "must be https (http only on a loopback host)");

const common = {
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,62}$/,
      "must be 1 to 63 lowercase letters, digits, - or _, starting with a letter or digit",
    ),
  autoLink: z.boolean().default(false),
  jwksUri: keyUrl.optional(),
};
const clientId = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");

const firebaseEntry = z.strictObject({
  ...common,
  type: z.literal("firebase"),
  projectId: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a Firebase project id (6 to 30 lowercase letters, digits or -)"),
  allowAnonymous: z.boolean().default(false),
  certificatesUrl: keyUrl.optional(),
});

const cognitoEntry = z
  .strictObject({
    ...common,
    type: z.literal("cognito"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, "must be an AWS region, e.g. eu-west-1"),
    userPoolId: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}_[A-Za-z0-9]+$/, "must be a user pool id, e.g. eu-west-1_AbC123"),
    clientId: z.union([clientId, z.array(clientId).min(1, "must list at least one app client id")]),
  })
  .refine((entry) => entry.userPoolId.startsWith(`${entry.region}_`), {
    path: ["userPoolId"],
    error: "must belong to the entry's region (it starts with <region>_)",
  });

const auth0Entry = z.strictObject({
  ...common,
  type: z.literal("auth0"),
  domain: z
    .string()
    .toLowerCase()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "must be the tenant's (or custom) domain, e.g. example.eu.auth0.com"),
  audience: clientId,
  // Auth0 signs ID tokens with RS256 or PS256; HS256 would need the client secret.
  algorithms: z
    .array(z.enum(["RS256", "PS256"]))
    .min(1)
    .default(["RS256"]),
});

// Custom authorization servers only (see the message): `/oauth2/<serverId>`, `default` included.
const OKTA_ORG_SERVER_REFUSED =
  "must be a custom authorization server, https://<org>.okta.com/oauth2/<serverId> (e.g. /oauth2/default): " +
  "the org authorization server's access tokens cannot be verified locally; for its ID tokens " +
  "(keys at /oauth2/v1/keys) configure a generic oidc entry";

function isOktaCustomServer(text: string): boolean {
  const url = new URL(text);
  // `/oauth2/v1/…` is the org server's own API, not a server id.
  return !url.search && !url.hash && /^\/oauth2\/(?!v1$)[A-Za-z0-9_-]+$/.test(url.pathname.replace(/\/$/, ""));
}

const oktaEntry = z.strictObject({
  ...common,
  type: z.literal("okta"),
  issuer: keyUrl.refine(isOktaCustomServer, OKTA_ORG_SERVER_REFUSED),
  audience: clientId,
});

const oidcEntry = z.strictObject({
  ...common,
  type: z.literal("oidc"),
  issuer: keyUrl.refine((text) => !/[?#]/.test(text), "must have no query or fragment"),
  audience: z.union([clientId, z.array(clientId).min(1)]),
  algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).default(["RS256"]),
  discoveryUrl: keyUrl.optional(),
});

const entrySchema = z.discriminatedUnion("type", [firebaseEntry, cognitoEntry, auth0Entry, oktaEntry, oidcEntry], {
  error: `must be one of ${FEDERATED_ISSUER_TYPES.join(", ")}`,
});
type Entry = z.output<typeof entrySchema>;

const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

function resolveEntry(entry: Entry): FederatedIssuer {
  const base = { id: entry.id, type: entry.type, autoLink: entry.autoLink, allowAnonymous: false };
  const jwksAt = (fallback: string): KeySource => ({ format: "jwks", url: entry.jwksUri ?? fallback });
  switch (entry.type) {
    case "firebase":
      return {
        ...base,
        issuer: `https://securetoken.google.com/${entry.projectId}`,
        audiences: [entry.projectId],
        algorithms: ["RS256"],
        // Google publishes the same keys as a JWKS too; jwksUri selects that form.
        keys: entry.jwksUri
          ? { format: "jwks", url: entry.jwksUri }
          : { format: "x509", url: entry.certificatesUrl ?? FIREBASE_CERTIFICATES_URL },
        allowAnonymous: entry.allowAnonymous,
      };
    case "cognito": {
      const issuer = `https://cognito-idp.${entry.region}.amazonaws.com/${entry.userPoolId}`;
      return {
        ...base,
        issuer,
        audiences: asList(entry.clientId),
        algorithms: ["RS256"],
        keys: jwksAt(`${issuer}/.well-known/jwks.json`),
      };
    }
    case "auth0":
      return {
        ...base,
        issuer: `https://${entry.domain}/`,
        audiences: [entry.audience],
        algorithms: entry.algorithms,
        keys: jwksAt(`https://${entry.domain}/.well-known/jwks.json`),
      };
    case "okta": {
      const issuer = entry.issuer.replace(/\/$/, "");
      // Okta's discovery for a custom server names this jwks_uri; fixed, so no discovery round trip.
      return { ...base, issuer, audiences: [entry.audience], algorithms: ["RS256"], keys: jwksAt(`${issuer}/v1/keys`) };
    }
    case "oidc": {
      const keys: KeySource = entry.jwksUri
        ? { format: "jwks", url: entry.jwksUri }
        : {
            format: "discovery",
            url: entry.discoveryUrl ?? `${entry.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
          };
      return { ...base, issuer: entry.issuer, audiences: asList(entry.audience), algorithms: entry.algorithms, keys };
    }
  }
}

/** Names an entry in messages by position and id (entries hold no secrets, but messages stay short). */
function entryName(index: number, raw: unknown): string {
  const id = typeof raw === "object" && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === "string" && /^[\w-]{1,63}$/.test(id) ? `entry #${index + 1} ("${id}")` : `entry #${index + 1}`;
}

/** FEDERATED_ISSUERS: JSON text, or the array wrangler hands over for a TOML table under [vars]. */
export const federatedIssuersSchema = z.unknown().transform((value, ctx): FederatedIssuer[] => {
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "is not valid JSON" });
      return z.NEVER;
    }
  }
  if (!Array.isArray(list)) {
    ctx.addIssue({ code: "custom", message: "must be a JSON array of issuer entries" });
    return z.NEVER;
  }
  const issuers: FederatedIssuer[] = [];
  for (const [index, raw] of list.entries()) {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join(".");
        ctx.addIssue({
          code: "custom",
          message: `${entryName(index, raw)} ${field ? `${field} ` : ""}${issue.message}`,
        });
      }
      continue;
    }
    const issuer = resolveEntry(parsed.data);
    const clash = issuers.find((other) => other.id === issuer.id || other.issuer === issuer.issuer);
    if (clash) {
      const what =
        clash.id === issuer.id
          ? "id is already used"
          : `uses the issuer of "${clash.id}" (list several audiences in one entry)`;
      ctx.addIssue({ code: "custom", message: `${entryName(index, raw)} ${what}` });
      continue;
    }
    issuers.push(issuer);
  }
  return issuers;
});

const KEY_URL_FIELDS = { jwks: "jwksUri", x509: "certificatesUrl", discovery: "discoveryUrl" } as const;

/** Plain-http URLs of `issuers` (loopback only, see keyUrl), each named; production refuses them. */
export function findPlainHttpUrls(issuers: FederatedIssuer[]): string[] {
  return issuers.flatMap((issuer) =>
    [issuer.issuer, issuer.keys.url]
      .filter((url) => url.startsWith("http:"))
      .map(
        (url) =>
          `entry "${issuer.id}" ${url === issuer.issuer ? "issuer" : KEY_URL_FIELDS[issuer.keys.format]} must use https in production`,
      ),
  );
}
