// `npm run openapi`: writes the OpenAPI document the Worker serves at /auth/openapi.json to
// docs/openapi.json and the typed client's types generated from it to packages/client/src/schema.ts;
// `npm run openapi -- --check` fails when either committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateClientTypes } from "./lib/client-types.ts";

// The Worker's modules are typechecked against the Workers types (tsconfig.json), not this Node
// project's: they are imported by URL so tsc does not follow them here. stub-wasm.mjs lets Node load them.
const APP_MODULE = new URL("../src/app.ts", import.meta.url).href;
const DOCUMENT_MODULE = new URL("../src/features/openapi/document.ts", import.meta.url).href;
const { createApp } = (await import(APP_MODULE)) as { createApp: () => unknown };
const { buildOpenApiDocument } = (await import(DOCUMENT_MODULE)) as {
  buildOpenApiDocument: (app: unknown) => Promise<unknown>;
};

const document = await buildOpenApiDocument(createApp());
const outputs = [
  { path: "docs/openapi.json", text: `${JSON.stringify(document, null, 2)}\n` },
  { path: "packages/client/src/schema.ts", text: await generateClientTypes(document) },
];
const absolute = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

if (process.argv.includes("--check")) {
  const stale = outputs.filter(({ path, text }) => {
    try {
      return readFileSync(absolute(path), "utf8") !== text;
    } catch {
      return true; // Missing counts as stale.
    }
  });
  for (const { path } of stale)
    console.error(`openapi: ${path} is stale; run \`npm run openapi\` and commit the result`);
  if (stale.length > 0) process.exit(1);
  console.log(`openapi: ${outputs.map(({ path }) => path).join(" and ")} are current`);
} else {
  for (const { path, text } of outputs) {
    writeFileSync(absolute(path), text);
    console.log(`openapi: wrote ${path}`);
  }
}
