// `npm run openapi`: writes the OpenAPI document the Worker serves at /auth/openapi.json to
// docs/openapi.json; `npm run openapi -- --check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The Worker's modules are typechecked against the Workers types (tsconfig.json), not this Node
// project's: they are imported by URL so tsc does not follow them here. stub-wasm.mjs lets Node load them.
const APP_MODULE = new URL("../src/app.ts", import.meta.url).href;
const DOCUMENT_MODULE = new URL("../src/features/openapi/document.ts", import.meta.url).href;
const { createApp } = (await import(APP_MODULE)) as { createApp: () => unknown };
const { buildOpenApiDocument } = (await import(DOCUMENT_MODULE)) as {
  buildOpenApiDocument: (app: unknown) => Promise<unknown>;
};

const target = fileURLToPath(new URL("../docs/openapi.json", import.meta.url));
const text = `${JSON.stringify(await buildOpenApiDocument(createApp()), null, 2)}\n`;

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    // Missing counts as stale.
  }
  if (committed !== text) {
    console.error("openapi: docs/openapi.json is stale; run `npm run openapi` and commit the result");
    process.exit(1);
  }
  console.log("openapi: docs/openapi.json is current");
} else {
  writeFileSync(target, text);
  console.log(`openapi: wrote ${target}`);
}
