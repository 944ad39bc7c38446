// `prisma generate` that works offline: generation runs on WASM, but the CLI first tries to download
// a native schema engine it does not need. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
// skips that download. Then the hosted pages' browser script is bundled (scripts/build-client.ts).
import { spawnSync } from "node:child_process";
import { buildClientScript } from "./build-client.ts";
import { paths } from "./lib/paths.ts";

const result = spawnSync("npx", ["--no-install", "prisma", "generate"], {
  cwd: paths.root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
process.exitCode = result.status ?? 1;
// The hosted pages' passkey script, bundled for the Worker to serve.
await buildClientScript();
