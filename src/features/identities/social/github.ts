// GitHub has no ID token: the user comes from its REST API with the access token.
import { z } from "zod";
import type { ExternalProfile } from "../external-profile.ts";
import { describeFailure } from "./failures.ts";
import { fetchFromProvider } from "./metadata.ts";
import { pickClaims } from "./profiles.ts";
import type { GitHubProvider } from "./provider-types.ts";
import type { ProviderDeps } from "./types.ts";

const userSchema = z.object({
  id: z.number().int().positive(),
  login: z.string().min(1).max(100),
  name: z.string().max(256).nullish(),
  avatar_url: z.string().max(2048).nullish(),
  html_url: z.string().max(2048).nullish(),
});

const emailsSchema = z
  .array(z.object({ email: z.string().min(3).max(320), primary: z.boolean(), verified: z.boolean() }))
  .max(100);

const MAX_BODY_BYTES = 256 * 1024;

async function getJson(provider: GitHubProvider, path: string, accessToken: string, deps: ProviderDeps) {
  const response = await fetchFromProvider(
    `${provider.apiBaseUrl}${path}`,
    {
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${accessToken}`,
        "user-agent": "Portcullis",
        "x-github-api-version": "2022-11-28",
      },
    },
    deps,
  );
  const text = await response.text();
  if (response.status !== 200 || text.length > MAX_BODY_BYTES) return { status: response.status, body: undefined };
  try {
    return { status: 200, body: JSON.parse(text) as unknown };
  } catch {
    return { status: 200, body: undefined };
  }
}

/**
 * The profile from GET /user (subject: the numeric id) and GET /user/emails (only the address that is
 * both primary and verified; none, or no user:email scope, gives email null).
 */
export async function fetchGitHubProfile(
  provider: GitHubProvider,
  accessToken: string,
  deps: ProviderDeps,
): Promise<{ ok: true; profile: ExternalProfile } | { ok: false; reason: string }> {
  try {
    const user = userSchema.safeParse((await getJson(provider, "/user", accessToken, deps)).body);
    if (!user.success) return { ok: false, reason: "github: /user did not answer with a user" };
    const emails = await getJson(provider, "/user/emails", accessToken, deps);
    // 403/404: the token lacks user:email; anything else unexpected fails the sign-in.
    if (emails.status !== 200 && emails.status !== 403 && emails.status !== 404) {
      return { ok: false, reason: "github: /user/emails failed" };
    }
    const list = emails.status === 200 ? emailsSchema.safeParse(emails.body) : undefined;
    if (list && !list.success) return { ok: false, reason: "github: /user/emails did not answer with a list" };
    const chosen = list?.data.find((entry) => entry.primary && entry.verified);
    const { id, login, name, avatar_url: picture, html_url: profileUrl } = user.data;
    return {
      ok: true,
      profile: {
        providerId: provider.id,
        providerType: "github",
        issuer: provider.issuer,
        subject: String(id),
        email: chosen?.email ?? null,
        emailVerified: chosen !== undefined,
        name: name?.trim() || null,
        profile: pickClaims({ name: name ?? undefined, picture, profile: profileUrl }, ["name", "picture", "profile"]),
        metadata: { login },
        legacyId: null,
      },
    };
  } catch (error) {
    return { ok: false, reason: describeFailure("github", error) };
  }
}
