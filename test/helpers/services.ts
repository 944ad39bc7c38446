// Service dependencies bound to a test's database, for calling a service directly where only that can
// force an interleaving (a sign-in that read the user before a concurrent change).
import { loadConfig } from "../../src/config/index.ts";
import { deriveServerKeys } from "../../src/crypto/server-keys.ts";
import { loadSigningKeys, signingKeySetSchema } from "../../src/crypto/signing-keys.ts";
import { withDatabase } from "../../src/db/client.ts";
import type { AccountDeps } from "../../src/features/account/service.ts";
import type { AuthTestContext } from "./auth.ts";
import { testEnv } from "./env.ts";

/** A caller with no address, as the services see it. */
export const NO_CLIENT = { ipHash: null, limitHash: null, scopeHash: null, userAgent: null };

/** Runs `use` with the services' dependencies on the test's database, then closes it. */
export async function withServiceDeps<T>(ctx: AuthTestContext, use: (deps: AccountDeps) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...testEnv, DATABASE_URL: ctx.databaseUrl });
  return withDatabase(config, async (db) =>
    use({
      db,
      kv: config.kv,
      signingKeys: await loadSigningKeys(signingKeySetSchema.parse(JSON.parse(testEnv.SIGNING_KEYS))),
      serverKeys: await deriveServerKeys(testEnv.AUTH_SECRET),
      settings: config,
      accountSettings: config,
      now: new Date(),
    }),
  );
}
