// Raw Argon2id over the reference C implementation compiled to wasm (@phi-ag/argon2's argon2.wasm).
// Kept free of the wasm import so the same code runs in workerd and, for benchmarks, in Node.

export type Argon2Params = { memoryKiB: number; iterations: number; parallelism: number };

/** OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
export const OWASP_ARGON2ID_PARAMS: Argon2Params = { memoryKiB: 19456, iterations: 2, parallelism: 1 };

/**
 * Near-free Argon2id for the test suite only (TEST_FAST_PASSWORD_HASHING, refused outside ENVIRONMENT=test): in
 * workerd one OWASP hash takes ~100 ms of a test run's CPU, and the suite hashes on almost every sign-up and sign-in.
 */
export const TEST_ARGON2ID_PARAMS: Argon2Params = { memoryKiB: 64, iterations: 1, parallelism: 1 };

const ARGON2_VERSION = 0x13;
const ARGON2ID = 2;

export type Argon2Exports = {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  /** The reference implementation's `argon2_hash` from argon2.h; returns ARGON2_OK (0) or a negative error code. */
  argon2_hash(
    tCost: number,
    mCost: number,
    parallelism: number,
    pwd: number,
    pwdLen: number,
    salt: number,
    saltLen: number,
    hash: number,
    hashLen: number,
    encoded: number,
    encodedLen: number,
    type: number,
    version: number,
  ): number;
};

/**
 * Raw Argon2id of `password` bytes. Calls the C API directly rather than @phi-ag/argon2's wrapper class, which passes
 * the password's UTF-16 length as its byte length and so hashes only a prefix of non-ASCII passwords.
 */
export async function computeArgon2id(
  loadExports: () => Promise<Argon2Exports>,
  input: { password: Uint8Array; salt: Uint8Array; params: Argon2Params; hashBytes: number },
): Promise<Uint8Array> {
  const { password, salt, params, hashBytes } = input;
  const wasm = await loadExports();
  const passwordPointer = wasm.malloc(Math.max(password.byteLength, 1));
  const saltPointer = wasm.malloc(salt.byteLength);
  const hashPointer = wasm.malloc(hashBytes);
  try {
    new Uint8Array(wasm.memory.buffer).set(password, passwordPointer);
    new Uint8Array(wasm.memory.buffer).set(salt, saltPointer);
    const code = wasm.argon2_hash(
      params.iterations,
      params.memoryKiB,
      params.parallelism,
      passwordPointer,
      password.byteLength,
      saltPointer,
      salt.byteLength,
      hashPointer,
      hashBytes,
      0,
      0,
      ARGON2ID,
      ARGON2_VERSION,
    );
    if (code !== 0) throw new Error(`argon2_hash failed with code ${code}`);
    return new Uint8Array(wasm.memory.buffer).slice(hashPointer, hashPointer + hashBytes);
  } finally {
    // The heap may have grown during hashing, so take a fresh view before wiping the password.
    new Uint8Array(wasm.memory.buffer).fill(0, passwordPointer, passwordPointer + password.byteLength);
    wasm.free(passwordPointer);
    wasm.free(saltPointer);
    wasm.free(hashPointer);
  }
}
