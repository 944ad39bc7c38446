// OAUTH_PROVIDERS for `npm run dev`: wrangler hands the Worker no environment variable by itself, so the
// entries and the secret bindings they name (clientSecretBinding, privateKeyBinding) become --var values.

const SECRET_FIELDS = ["clientSecretBinding", "privateKeyBinding"] as const;
const BINDING_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The binding names the entries of `json` read their secrets from (none when it is not a JSON array). */
export function oauthSecretBindingNames(json: string): string[] {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  const names = new Set<string>();
  for (const entry of entries.slice(0, 100)) {
    for (const field of SECRET_FIELDS) {
      const name = (entry as Record<string, unknown> | null)?.[field];
      if (typeof name === "string" && BINDING_NAME.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * `NAME:value` pairs for wrangler's --var: OAUTH_PROVIDERS as given, and each named secret that `env`
 * holds (a missing one is left to the Worker's configuration check, which names it).
 */
export function oauthProviderVars(env: Record<string, string | undefined>): string[] {
  const providers = env.OAUTH_PROVIDERS;
  if (!providers) return [];
  const vars = [`OAUTH_PROVIDERS:${providers}`];
  for (const name of oauthSecretBindingNames(providers)) {
    const value = env[name];
    if (value) vars.push(`${name}:${value}`);
  }
  return vars;
}
