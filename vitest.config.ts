// Two projects, one `npm test`: the Worker's tests inside workerd, and the Node-side scripts' tests.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        test: {
          name: "node",
          include: ["scripts/**/*.test.ts", "test/node/**/*.test.ts"],
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
                DATABASE_URL: inject("sharedDatabaseUrl"),
                NEON_LOCAL_RELAY: inject("relayAddress"),
                PG_ADMIN_URL: inject("pgAdminUrl"),
                TEMPLATE_DATABASE: inject("templateDatabase"),
                UNREACHABLE_DATABASE_URL: inject("unreachableDatabaseUrl"),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/node/**"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
