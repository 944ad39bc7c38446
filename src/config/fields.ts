// The field-level validators of the settings schema (schema.ts): lists, URLs, secrets and keys as text.
import { decodeBase64urlIgnorePadding } from "@oslojs/encoding";
import { z } from "zod";
import type { EncryptionKey } from "../crypto/server-keys.ts";
import { type GatewayRoute, parseRouteTable, RouteTableError } from "../gateway/route-table.ts";

// Comma-separated role keys ("" for none), e.g. PLATFORM_ADMIN,OWNER.
export const roleKeyList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
  )
  .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, "must list upper snake case role keys, e.g. OWNER")));

export const booleanString = z.enum(["true", "false"]).transform((value) => value === "true");

export const jsonString = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "is not valid JSON" });
    return z.NEVER;
  }
});

/** The parsed table, or why it cannot be used (naming the entry, never a value). */
export type RouteTableState = { ok: true; routes: GatewayRoute[] } | { ok: false; problem: string };

// JSON text, or the array wrangler hands over for a TOML table under [vars]. A bad table is carried,
// not thrown: it must fail only the gateway's requests, never /auth/* or /healthz.
export const routeTable = z
  .unknown()
  .optional()
  .transform((value): RouteTableState => {
    if (value === undefined) return { ok: true, routes: [] };
    try {
      return { ok: true, routes: parseRouteTable(value) };
    } catch (error) {
      if (!(error instanceof RouteTableError)) throw error;
      return { ok: false, problem: `GATEWAY_ROUTES ${error.message}` };
    }
  });

export const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);

export const originList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(origin));

export const positiveInteger = z.coerce.number().int().positive();

/** True when `text` is canonical base64url (as `npm run keys` prints), which the key derivation reads. */
export function decodesAsBase64url(text: string): boolean {
  try {
    decodeBase64urlIgnorePadding(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * ENCRYPTION_KEYS: extra AES-256-GCM keys for secrets read back later (TOTP secrets), as
 * `version:key` pairs separated by commas, each key 32 random bytes in base64url. Version 1 is
 * always the key derived from AUTH_SECRET; listed versions start at 2. ENCRYPTION_KEY_VERSION picks
 * the one that encrypts (by default the highest).
 */
export const encryptionKeyList = z.string().transform((text, ctx) => {
  const keys: EncryptionKey[] = [];
  for (const [index, entry] of text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .entries()) {
    const match = /^(\d{1,6}):([A-Za-z0-9_-]{43})$/.exec(entry);
    const version = Number(match?.[1]);
    // Never echo the entry: it is a secret.
    if (!match?.[2] || version < 2 || keys.some((key) => key.version === version) || !decodesAsBase64url(match[2])) {
      ctx.addIssue({
        code: "custom",
        message: `entry #${index + 1} must be "version:key" with a unique version of 2 or more and a 32-byte base64url key (npm run keys -- --encryption-key)`,
      });
      return z.NEVER;
    }
    keys.push({ version, key: match[2] });
  }
  return keys;
});

/** An https URL, or a same-origin absolute path (never protocol-relative). */
export function isLogoUrl(text: string): boolean {
  if (/^\/(?![/\\])[^\s"'<>]*$/.test(text)) return true;
  try {
    return new URL(text).protocol === "https:" && !/[\s"'<>]/.test(text);
  } catch {
    return false;
  }
}

/** A same-origin absolute path (never protocol-relative), or an http(s) URL. */
export function isOnboardingUrlShape(text: string): boolean {
  if (/^\/(?![/\\])[^\s"'<>]*$/.test(text)) return true;
  try {
    return /^https?:$/.test(new URL(text).protocol) && !/[\s"'<>]/.test(text);
  } catch {
    return false;
  }
}

export function originOf(text: string): string | undefined {
  try {
    return new URL(text).origin;
  } catch {
    return undefined;
  }
}

/** A path, or a URL whose origin is one the gateway trusts: ONBOARDING_URL is never an open redirect. */
export function isAllowedOnboardingUrl(text: string, origins: readonly string[]): boolean {
  if (text.startsWith("/")) return true;
  // A malformed value was already reported by the field's own check.
  const origin = originOf(text);
  return origin === undefined || origins.some((allowed) => originOf(allowed) === origin);
}

// `host:port` on a loopback address: the relay is a development tool and never leaves the machine.
export const loopbackHostPort = z
  .string()
  .regex(
    /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/,
    "must be a loopback host:port, e.g. 127.0.0.1:8788",
  );

// A shared HMAC secret for a provider's webhooks: long enough not to be guessed.
export const webhookSecret = z.string().min(32, "must be at least 32 characters (npm run keys prints a random one)");
