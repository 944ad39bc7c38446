import { describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD_HASH_PARAMS, hashPassword, verifyPassword } from "./password.ts";

const OWASP_PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

// Published vector from the Argon2 reference implementation's test suite (src/test.c): "password", salt "somesalt".
const REFERENCE_VECTOR = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
// Computed in Node by node-argon2 0.45.1 (native reference C) and @noble/hashes 2.4.0 (pure JS), which agreed.
const NON_ASCII_PASSWORD = "pässwörd-пароль-🔑";
const NON_ASCII_VECTOR =
  "$argon2id$v=19$m=19456,t=2,p=1$8OHSw7Sllod4aVpLPC0eDw$CvG1t8vCP/BAAWMw6y5/cnwZu6IC3wNq8oHX9PMce2Q";
// The same hash as node-argon2 itself writes it: parameters in m,p,t order.
const NON_ASCII_VECTOR_MPT =
  "$argon2id$v=19$m=19456,p=1,t=2$8OHSw7Sllod4aVpLPC0eDw$CvG1t8vCP/BAAWMw6y5/cnwZu6IC3wNq8oHX9PMce2Q";
const ASCII_VECTOR =
  "$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU";
// node-argon2, older parameters (m=8192) and a 16-byte hash: both verify but call for a rehash.
const OLD_PARAMS_VECTOR =
  "$argon2id$v=19$m=8192,t=2,p=1$WlpaWlpaWlpaWlpaWlpaWg$C2yGH+HIFRq+uPpqm1uURY9S6AfMCjVlPzfyaigp4Mw";
const SHORT_HASH_VECTOR = "$argon2id$v=19$m=19456,t=2,p=1$WlpaWlpaWlpaWlpaWlpaWg$M0byiaARFVy3E6QQ7afliQ";
// bcryptjs 3.0.3, cost 10. $2y$ differs from $2b$ only in its label.
const BCRYPT_2B = "$2b$10$QJvgt6LetNI98N6ERLzC2uicpytRWSdVMGLuzscwFJRRl/2GxNDoG";
const BCRYPT_2Y = BCRYPT_2B.replace("$2b$", "$2y$");
const BCRYPT_UNICODE = "$2b$10$fn1B0K9ZJoyHWatUsVwgHuuwwKEoLgwDj2XW0ZBWSQmmZgExQJVB2";

const rejected = { ok: false, needsRehash: false };

describe("hashPassword / verifyPassword (Argon2id)", () => {
  it("round-trips with the default parameters and needs no rehash", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(stored, "correct horse battery staple")).toEqual({ ok: true, needsRehash: false });
  });

  it("rejects a wrong password", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(stored, "correct horse battery stapler")).toEqual(rejected);
    expect(await verifyPassword(stored, "")).toEqual(rejected);
  });

  it("writes OWASP-parameter PHC strings with a fresh 16-byte salt and a 32-byte hash", async () => {
    expect(DEFAULT_PASSWORD_HASH_PARAMS).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
    const first = await hashPassword("same password");
    const second = await hashPassword("same password");
    expect(first).toMatch(OWASP_PHC);
    expect(second).toMatch(OWASP_PHC);
    expect(first.split("$")[4]).not.toBe(second.split("$")[4]);
  });

  it("hashes the UTF-8 bytes of non-ASCII and empty passwords", async () => {
    const stored = await hashPassword(NON_ASCII_PASSWORD);
    expect(await verifyPassword(stored, NON_ASCII_PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(stored, "pässwörd-пароль-")).toEqual(rejected);
    expect(await verifyPassword(await hashPassword(""), "")).toEqual({ ok: true, needsRehash: false });
  });

  it("verifies the reference implementation's published vector (and flags its parameters for rehash)", async () => {
    expect(await verifyPassword(REFERENCE_VECTOR, "password")).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(REFERENCE_VECTOR, "Password")).toEqual(rejected);
  });

  it("verifies hashes computed by independent implementations, in either parameter order", async () => {
    expect(await verifyPassword(ASCII_VECTOR, "correct horse battery staple")).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await verifyPassword(NON_ASCII_VECTOR, NON_ASCII_PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(NON_ASCII_VECTOR_MPT, NON_ASCII_PASSWORD)).toEqual({ ok: true, needsRehash: false });
  });

  it("asks for a rehash when the stored parameters or hash length differ from the current ones", async () => {
    expect(await verifyPassword(OLD_PARAMS_VECTOR, "old-params-password")).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(OLD_PARAMS_VECTOR, "old-params-passw0rd")).toEqual(rejected);
    expect(await verifyPassword(SHORT_HASH_VECTOR, "short-hash")).toEqual({ ok: true, needsRehash: true });

    const old = { memoryKiB: 8192, iterations: 2, parallelism: 1 };
    const stored = await hashPassword("hunter22", old);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
    expect(await verifyPassword(stored, "hunter22", old)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(stored, "hunter22")).toEqual({ ok: true, needsRehash: true });
  });

  it("refuses to hash with parameters outside its limits", async () => {
    await expect(hashPassword("x", { memoryKiB: 4, iterations: 2, parallelism: 1 })).rejects.toThrow(RangeError);
    await expect(hashPassword("x", { memoryKiB: 19456, iterations: 0, parallelism: 1 })).rejects.toThrow(RangeError);
    await expect(hashPassword("x", { memoryKiB: 1 << 20, iterations: 2, parallelism: 1 })).rejects.toThrow(RangeError);
  });
});

describe("verifyPassword (legacy bcrypt)", () => {
  it("verifies bcrypt hashes and always asks for a rehash", async () => {
    expect(await verifyPassword(BCRYPT_2B, "legacy-Pa55word")).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(BCRYPT_2Y, "legacy-Pa55word")).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword(BCRYPT_UNICODE, "ünïcødé-legacy")).toEqual({ ok: true, needsRehash: true });
  });

  it("rejects a wrong password against a bcrypt hash", async () => {
    expect(await verifyPassword(BCRYPT_2B, "legacy-Pa55wore")).toEqual(rejected);
  });
});

describe("verifyPassword (garbled stored strings)", () => {
  const owaspSalt = "AAECAwQFBgcICQoLDA0ODw";
  const owaspHash = "gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU";
  const garbled = [
    "",
    "correct horse battery staple",
    "$argon2id$",
    `$argon2i$v=19$m=19456,t=2,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2d$v=19$m=19456,t=2,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=16$m=19456,t=2,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$m=19456,t=2,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2,x=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2,p=1$${owaspSalt}$${owaspHash}=`,
    `$argon2id$v=19$m=19456,t=2,p=1$${owaspSalt}$${owaspHash.slice(0, -1)}`,
    `$argon2id$v=19$m=19456,t=2,p=1$!!!!$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2,p=1$AAECAw$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2,p=1$${owaspSalt}$AAECAw`,
    `$argon2id$v=19$m=4194304,t=2,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=0,p=1$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=2,p=0$${owaspSalt}$${owaspHash}`,
    `$argon2id$v=19$m=19456,t=1000,p=1$${owaspSalt}$${owaspHash}`,
    `${ASCII_VECTOR}\n`,
    BCRYPT_2B.slice(0, -1),
    BCRYPT_2B.replace("$2b$", "$2x$"),
    BCRYPT_2B.replace("$2b$10$", "$2b$31$"),
    BCRYPT_2B.replace("$2b$10$", "$2b$03$"),
  ];

  it.each(garbled)("gives ok: false for %j", async (stored) => {
    expect(await verifyPassword(stored, "correct horse battery staple")).toEqual(rejected);
  });

  it("gives ok: false for non-string inputs instead of throwing", async () => {
    expect(await verifyPassword(undefined as unknown as string, "x")).toEqual(rejected);
    expect(await verifyPassword(ASCII_VECTOR, null as unknown as string)).toEqual(rejected);
  });
});
