// Which environment variables `npm run dev` hands to the Worker for external identities: the two
// settings, and the secret bindings the OAUTH_PROVIDERS entries name (wrangler passes no environment
// variable to the Worker by itself).

const SECRET_FIELDS = ["clientSecretBinding", "privateKeyBinding"] as const;

/** OAUTH_PROVIDERS and FEDERATED_ISSUERS when set, then each secret binding an OAUTH_PROVIDERS entry names. */
export function identitySettingNames(env: Record<string, string | undefined>): string[] {
  const names = ["OAUTH_PROVIDERS", "FEDERATED_ISSUERS"].filter((name) => env[name]);
  let entries: unknown;
  try {
    entries = JSON.parse(env.OAUTH_PROVIDERS ?? "[]");
  } catch {
    return names; // the Worker's configuration check names the problem
  }
  if (!Array.isArray(entries)) return names;
  for (const entry of entries) {
    for (const field of SECRET_FIELDS) {
      const name = (entry as Record<string, unknown> | null)?.[field];
      if (typeof name === "string" && /^[A-Z][A-Z0-9_]*$/.test(name) && env[name] && !names.includes(name))
        names.push(name);
    }
  }
  return names;
}
