// Argon2id cost alone: the Worker's own code and wasm binary, run in Node's V8 (workerd runs V8 too).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type Argon2Exports, computeArgon2id, OWASP_ARGON2ID_PARAMS } from "../../src/crypto/argon2.ts";
import { type Summary, summarize, timeEach } from "./stats.ts";

async function loadArgon2(): Promise<Argon2Exports> {
  const path = createRequire(import.meta.url).resolve("@phi-ag/argon2/argon2.wasm");
  const { instance } = await WebAssembly.instantiate(await readFile(path), {});
  const exports = instance.exports as unknown as Argon2Exports;
  exports._initialize();
  return exports;
}

export async function benchHash(count: number): Promise<Summary> {
  const wasm = await loadArgon2();
  const password = new TextEncoder().encode("correct horse battery staple 42");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = () =>
    computeArgon2id(async () => wasm, { password, salt, params: OWASP_ARGON2ID_PARAMS, hashBytes: 32 });
  await hash();
  return summarize(await timeEach(count, async () => void (await hash())));
}
