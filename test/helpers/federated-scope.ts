// A scope of its own on the federated key server: issuers with fresh ids, so fetch counters, KV
// entries and in-memory caches are this test's alone, plus rotation and the counters themselves.
import { type FederatedIssuer, federatedIssuersSchema } from "../../src/features/identities/federated/issuers.ts";
import { type FederatedPresetName, federatedIssuerEntries } from "../providers/federated-presets.ts";
import { testEnv } from "./env.ts";
import type { TestSigningKey } from "./federated-tokens.ts";

export type KeyScope = {
  scope: string;
  issuers: FederatedIssuer[];
  issuer(preset: FederatedPresetName): FederatedIssuer;
  /** Adds a key to the preset's published set (old keys stay) and returns it for signing. */
  rotate(preset: FederatedPresetName): Promise<TestSigningKey>;
  /** How often the preset's keys (and discovery document) were fetched in this scope. */
  requests(preset: FederatedPresetName): Promise<{ keys: number; discovery: number }>;
};

/** A fresh scope; `entryChanges` are merged into each preset's FEDERATED_ISSUERS entry. */
export function createKeyScope(
  entryChanges: Partial<Record<FederatedPresetName, Record<string, unknown>>> = {},
): KeyScope {
  const scope = `s${crypto.randomUUID().slice(0, 12)}`;
  const ids = {
    firebase: `${scope}-firebase`,
    cognito: `${scope}-cognito`,
    auth0: `${scope}-auth0`,
    okta: `${scope}-okta`,
    oidc: `${scope}-oidc`,
  };
  const base = testEnv.FEDERATED_KEY_SERVER_URL;
  const entries = federatedIssuerEntries(base, scope, ids).map((entry) => {
    const preset = (Object.keys(ids) as FederatedPresetName[]).find((name) => ids[name] === entry.id);
    return { ...entry, ...(preset ? entryChanges[preset] : {}) };
  });
  const issuers = federatedIssuersSchema.parse(entries);
  return {
    scope,
    issuers,
    issuer: (preset) => issuers.find((issuer) => issuer.id === ids[preset]) as FederatedIssuer,
    async rotate(preset) {
      const response = await fetch(`${base}/${scope}/${preset}/rotate`, { method: "POST" });
      return (await response.json()) as TestSigningKey;
    },
    async requests(preset) {
      const response = await fetch(`${base}/${scope}/${preset}/requests`);
      return (await response.json()) as { keys: number; discovery: number };
    },
  };
}
