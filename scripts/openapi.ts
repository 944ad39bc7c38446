// `npm run openapi`: writes the OpenAPI document the Worker serves at /auth/openapi.json to
// docs/openapi.json; `npm run openapi -- --check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app.ts";
import { buildOpenApiDocument } from "../src/features/openapi/document.ts";

const target = fileURLToPath(new URL("../docs/openapi.json", import.meta.url));
const text = `${JSON.stringify(await buildOpenApiDocument(createApp() as never), null, 2)}\n`;

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
