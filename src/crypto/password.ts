// Password hashing: Argon2id (PHC strings) over @phi-ag/argon2's wasm, plus verification of legacy bcrypt hashes.

import { decodeBase64IgnorePadding, encodeBase64NoPadding } from "@oslojs/encoding";
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import bcrypt from "bcryptjs";
import { type Argon2Exports, type Argon2Params, computeArgon2id, OWASP_ARGON2ID_PARAMS } from "./argon2.ts";
import { constantTimeEqual } from "./bytes.ts";

export type PasswordHashParams = Argon2Params;

/** OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
export const DEFAULT_PASSWORD_HASH_PARAMS: PasswordHashParams = OWASP_ARGON2ID_PARAMS;

export { TEST_ARGON2ID_PARAMS as TEST_PASSWORD_HASH_PARAMS } from "./argon2.ts";

export type PasswordCheck = { ok: boolean; needsRehash: boolean };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/**
 * Bounds on what this module hashes with or verifies against: a garbled or hostile stored string must not make the
 * Worker allocate past its 128 MB or burn seconds of CPU. The wasm memory only ever grows, so it stays at the largest
 * `memoryKiB` seen (plus ~1 MiB).
 */
const LIMITS = { maxMemoryKiB: 65536, maxIterations: 8, maxParallelism: 8, minSaltBytes: 8, maxSaltBytes: 64 };
const HASH_LENGTHS = { min: 16, max: 64 };
/** bcrypt costs accepted for legacy hashes: 2^14 rounds of bcryptjs is already ~1 s of CPU. */
const BCRYPT_COSTS = { min: 4, max: 14 };

const PHC_ARGON2ID = /^\$argon2id\$v=19\$([a-z]=\d{1,10}(?:,[a-z]=\d{1,10}){2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

const encoder = new TextEncoder();

let argon2Instance: Promise<Argon2Exports> | undefined;

/** The module-wide Argon2 wasm instance, instantiated on first use (workerd only accepts a precompiled module). */
function argon2Exports(): Promise<Argon2Exports> {
  argon2Instance ??= WebAssembly.instantiate(argon2Wasm, {}).then(
    (instance) => {
      const exports = instance.exports as unknown as Argon2Exports;
      exports._initialize();
      return exports;
    },
    (error: unknown) => {
      argon2Instance = undefined;
      throw error;
    },
  );
  return argon2Instance;
}

const argon2id = (password: Uint8Array, salt: Uint8Array, params: PasswordHashParams, hashBytes: number) =>
  computeArgon2id(argon2Exports, { password, salt, params, hashBytes });

function withinLimits(params: PasswordHashParams): boolean {
  const { memoryKiB, iterations, parallelism } = params;
  return (
    Number.isSafeInteger(memoryKiB) &&
    Number.isSafeInteger(iterations) &&
    Number.isSafeInteger(parallelism) &&
    parallelism >= 1 &&
    parallelism <= LIMITS.maxParallelism &&
    iterations >= 1 &&
    iterations <= LIMITS.maxIterations &&
    memoryKiB >= 8 * parallelism &&
    memoryKiB <= LIMITS.maxMemoryKiB
  );
}

function sameParams(a: PasswordHashParams, b: PasswordHashParams): boolean {
  return a.memoryKiB === b.memoryKiB && a.iterations === b.iterations && a.parallelism === b.parallelism;
}

/** Decodes standard base64 without padding (as PHC strings use); undefined for anything else. */
function decodeBase64NoPadding(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined;
  try {
    return decodeBase64IgnorePadding(text);
  } catch {
    return undefined;
  }
}

function formatPhc(params: PasswordHashParams, salt: Uint8Array, hash: Uint8Array): string {
  const { memoryKiB: m, iterations: t, parallelism: p } = params;
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${encodeBase64NoPadding(salt)}$${encodeBase64NoPadding(hash)}`;
}

type ParsedArgon2id = { params: PasswordHashParams; salt: Uint8Array; hash: Uint8Array };

/** Parses an Argon2id v19 PHC string (m, t, p in any order, as some libraries emit m,p,t) within the limits. */
function parsePhc(stored: string): ParsedArgon2id | undefined {
  const match = PHC_ARGON2ID.exec(stored);
  if (!match) return undefined;
  const [, paramText = "", saltText = "", hashText = ""] = match;
  const values = new Map(paramText.split(",").map((pair) => [pair.slice(0, 1), Number(pair.slice(2))] as const));
  const memoryKiB = values.get("m");
  const iterations = values.get("t");
  const parallelism = values.get("p");
  if (memoryKiB === undefined || iterations === undefined || parallelism === undefined) return undefined;
  const params = { memoryKiB, iterations, parallelism };
  const salt = decodeBase64NoPadding(saltText);
  const hash = decodeBase64NoPadding(hashText);
  if (!salt || !hash || !withinLimits(params)) return undefined;
  if (salt.byteLength < LIMITS.minSaltBytes || salt.byteLength > LIMITS.maxSaltBytes) return undefined;
  if (hash.byteLength < HASH_LENGTHS.min || hash.byteLength > HASH_LENGTHS.max) return undefined;
  return { params, salt, hash };
}

async function verifyArgon2id(
  parsed: ParsedArgon2id,
  password: string,
  current: PasswordHashParams,
): Promise<PasswordCheck> {
  const derived = await argon2id(encoder.encode(password), parsed.salt, parsed.params, parsed.hash.byteLength);
  const ok = constantTimeEqual(derived, parsed.hash);
  const outdated =
    !sameParams(parsed.params, current) || parsed.hash.byteLength !== HASH_BYTES || parsed.salt.byteLength < SALT_BYTES;
  return { ok, needsRehash: ok && outdated };
}

async function verifyBcrypt(stored: string, password: string): Promise<PasswordCheck> {
  const cost = Number(BCRYPT.exec(stored)?.[1]);
  if (!(cost >= BCRYPT_COSTS.min && cost <= BCRYPT_COSTS.max)) return { ok: false, needsRehash: false };
  const derived = await bcrypt.hash(password, stored.slice(0, 29));
  const ok = constantTimeEqual(encoder.encode(derived), encoder.encode(stored));
  return { ok, needsRehash: ok };
}

/**
 * Hashes `password` (already NFKC-normalized by the caller; its UTF-8 bytes are hashed) with Argon2id and a fresh
 * 16-byte salt. Returns a PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64, no padding).
 * Throws if `params` are outside what this module accepts.
 */
export async function hashPassword(
  password: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<string> {
  if (!withinLimits(params)) throw new RangeError("Argon2id parameters out of range");
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await argon2id(encoder.encode(password), salt, params, HASH_BYTES);
  return formatPhc(params, salt, hash);
}

/**
 * Checks `password` against a stored hash: an Argon2id PHC string (`needsRehash` when its parameters, hash or salt
 * length differ from the current ones) or a legacy bcrypt `$2a$`/`$2b$`/`$2y$` hash (`needsRehash` whenever it
 * matches). Derived bytes are compared in constant time. Unknown, garbled or out-of-range stored strings give
 * `{ ok: false, needsRehash: false }`; this never throws.
 */
export async function verifyPassword(
  stored: string,
  password: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<PasswordCheck> {
  try {
    if (typeof stored !== "string" || typeof password !== "string") return { ok: false, needsRehash: false };
    const parsed = parsePhc(stored);
    if (parsed) return await verifyArgon2id(parsed, password, params);
    if (BCRYPT.test(stored)) return await verifyBcrypt(stored, password);
    return { ok: false, needsRehash: false };
  } catch {
    return { ok: false, needsRehash: false };
  }
}
