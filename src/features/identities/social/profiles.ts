// ID token (and userinfo) claims → the normalized profile, with each provider's own rules.
import { z } from "zod";
import { STANDARD_PROFILE_CLAIMS } from "../claim-names.ts";
import type { ExternalProfile, ProfileClaims } from "../external-profile.ts";
import { MICROSOFT_CONSUMER_TENANT } from "./presets.ts";
import type { OAuthProvider } from "./provider-types.ts";

export type ProfileResult = { ok: true; profile: ExternalProfile } | { ok: false; reason: string };

type Claims = Record<string, unknown>;

/** Claims copied to `profile` when the provider sent them as plain values. */
const PROFILE_CLAIMS = [...STANDARD_PROFILE_CLAIMS, "hd", "tid"] as const;

const MAX_CLAIM_LENGTH = 2048;

/** Plain values among `names`, strings shortened: the identity row never stores tokens or objects. */
export function pickClaims(claims: Claims, names: readonly string[]): ProfileClaims {
  const picked: ProfileClaims = {};
  for (const name of names) {
    const value = claims[name];
    if (typeof value === "string" && value !== "") picked[name] = value.slice(0, MAX_CLAIM_LENGTH);
    else if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) picked[name] = value;
  }
  return picked;
}

// Apple (and some OPs) send booleans as the strings "true" / "false".
function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

function nameFrom(claims: Claims): string | null {
  if (typeof claims.name === "string" && claims.name.trim()) return claims.name.trim().slice(0, 200);
  const parts = [claims.given_name, claims.family_name].filter((part) => typeof part === "string" && part.trim());
  return parts.length > 0 ? parts.join(" ").trim().slice(0, 200) : null;
}

// Apple's `user` form field (first sign-in only). It is not signed, so only the name is taken from it.
const appleUserSchema = z.object({
  name: z.object({ firstName: z.string().max(100).optional(), lastName: z.string().max(100).optional() }).optional(),
});

function appleName(userField: string | null): { name: string | null; claims: ProfileClaims } {
  if (!userField || userField.length > 4096) return { name: null, claims: {} };
  let parsed: z.infer<typeof appleUserSchema> | undefined;
  try {
    parsed = appleUserSchema.safeParse(JSON.parse(userField)).data;
  } catch {
    return { name: null, claims: {} };
  }
  const first = parsed?.name?.firstName?.trim();
  const last = parsed?.name?.lastName?.trim();
  const claims = pickClaims({ given_name: first, family_name: last }, ["given_name", "family_name"]);
  const name = [first, last].filter(Boolean).join(" ");
  return { name: name || null, claims };
}

// The tenant rules of the configured endpoint; the issuer was already checked against the token's tid.
function checkMicrosoftTenant(tenant: string, claims: Claims): string | undefined {
  const tid = claims.tid;
  if (typeof tid !== "string") return "microsoft: the ID token has no tid";
  if (tenant === "consumers" && tid !== MICROSOFT_CONSUMER_TENANT) return "microsoft: not a personal account";
  if (tenant === "organizations" && tid === MICROSOFT_CONSUMER_TENANT) return "microsoft: not a work or school account";
  if (tenant !== "common" && tenant !== "consumers" && tenant !== "organizations" && tid !== tenant) {
    return "microsoft: the token's tid is not the configured tenant";
  }
  return undefined;
}

/**
 * The profile from verified claims (`userinfo` already merged in). `appleUser` is Apple's `user`
 * form field; `canonicalIssuer` the discovered issuer. Refuses what the entry excludes (Google hostedDomain, Microsoft tenant).
 */
export function profileFromClaims(
  provider: Exclude<OAuthProvider, { type: "github" }>,
  claims: Claims,
  options: { appleUser: string | null; canonicalIssuer: string },
): ProfileResult {
  const { appleUser } = options;
  const email = typeof claims.email === "string" && claims.email.trim() ? claims.email.trim() : null;
  let emailVerified = email !== null && isTrue(claims.email_verified);
  let name = nameFrom(claims);
  const profile = pickClaims(claims, PROFILE_CLAIMS);
  let metadata: ProfileClaims = {};
  switch (provider.type) {
    case "google":
      // `hd` names the Workspace domain of the account; the request's hd hint can be edited by the user.
      if (provider.hostedDomain && (typeof claims.hd !== "string" || claims.hd.toLowerCase() !== provider.hostedDomain))
        return { ok: false, reason: "google: the account is not in the hosted domain" };
      emailVerified = email !== null && claims.email_verified === true;
      break;
    case "microsoft": {
      const problem = checkMicrosoftTenant(provider.tenant, claims);
      if (problem) return { ok: false, reason: problem };
      // nOAuth (CVE-2023-36871): Entra's email is whatever the tenant set, unless xms_edov says verified.
      const edov = claims.xms_edov;
      emailVerified = email !== null && (edov === true || edov === "true" || edov === 1 || edov === "1");
      metadata = pickClaims(claims, ["oid", "tid"]);
      break;
    }
    case "apple": {
      const fromForm = appleName(appleUser);
      name = fromForm.name;
      Object.assign(profile, fromForm.claims);
      if (claims.is_private_email !== undefined) metadata.is_private_email = isTrue(claims.is_private_email);
      break;
    }
    case "oidc":
      break;
  }
  return {
    ok: true,
    profile: {
      providerId: provider.id,
      providerType: provider.type,
      // Google's two spellings of its issuer must key one identity, not two.
      issuer: provider.type === "google" ? options.canonicalIssuer : String(claims.iss),
      subject: String(claims.sub),
      email,
      emailVerified,
      name,
      profile,
      metadata,
      legacyId: null,
    },
  };
}
