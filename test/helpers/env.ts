// The test run's bindings, as typed values (set in vitest.config.ts from the global setup).
import { env } from "cloudflare:workers";
import type { Bindings } from "../../src/config/index.ts";

export type TestBindings = Bindings & {
  PG_ADMIN_URL: string;
  TEMPLATE_DATABASE: string;
  UNREACHABLE_DATABASE_URL: string;
  NEON_LOCAL_RELAY: string;
  DATABASE_URL: string;
  SIGNING_KEYS: string;
  AUTH_SECRET: string;
  ISSUER: string;
  GATEWAY_ROUTES: string;
  FEDERATED_ISSUERS: string;
  /** JSON `{ [preset]: { kid, privateJwk } }` from test/providers/federated-keys.ts. */
  FEDERATED_SIGNING_KEYS: string;
  FEDERATED_KEY_SERVER_URL: string;
};

export const testEnv = env as unknown as TestBindings;

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../../src/index.ts");
    }
  }
}
