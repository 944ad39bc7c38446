// `npm run bench -- --client-size`: the size of @portcullis/client as an app ships it: its entry bundled
// with its dependencies (openapi-fetch), minified, then gzip-compressed (BENCHMARKS.md).
import { cpus } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { paths } from "../lib/paths.ts";

/** Minified and gzip bytes of packages/client/src/index.ts with its dependencies. */
export async function measureClientSize(): Promise<{ minifiedBytes: number; gzipBytes: number }> {
  const result = await build({
    entryPoints: [join(paths.root, "packages/client/src/index.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    write: false,
    legalComments: "none",
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minifiedBytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength };
}

export async function benchClientSize(): Promise<void> {
  const size = await measureClientSize();
  const results = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
    clientPackage: size,
  };
  console.log(JSON.stringify(results, null, 2));
}
