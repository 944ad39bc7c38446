// What auth routes hand to services: the database, KV, keys, settings, the time and who is calling.
import type { Context } from "hono";
import { deriveServerKeys, hashClientIp } from "../crypto/server-keys.ts";
import { loadSigningKeys } from "../crypto/signing-keys.ts";
import type { AccountDeps } from "../features/account/service.ts";
import type { ClientInfo, SessionDeps } from "../features/session/service.ts";
import type { AppEnv } from "./app-env.ts";
import { limitNetworkOf, scopeNetworkOf } from "./client-network.ts";

const MAX_USER_AGENT_LENGTH = 512;

/** The services' dependencies for this request. */
export async function authDependencies(c: Context<AppEnv>): Promise<SessionDeps> {
  const config = c.var.config;
  const [signingKeys, serverKeys] = await Promise.all([
    loadSigningKeys(config.signingKeySet),
    deriveServerKeys(config.authSecret, config.encryption),
  ]);
  return {
    db: c.var.db(),
    kv: config.kv,
    signingKeys,
    serverKeys,
    settings: config,
    now: new Date(),
    defer: c.var.defer,
  };
}

/** The services' dependencies plus the account settings (throttles, password policy, mail): for sign-in paths. */
export async function accountDependencies(c: Context<AppEnv>): Promise<AccountDeps> {
  return { ...(await authDependencies(c)), accountSettings: c.var.config };
}

/**
 * The caller, as stored: an HMAC of the IP (never the address) and a truncated user agent. Only
 * CF-Connecting-IP is read, which Cloudflare sets itself; X-Forwarded-For is client-controlled.
 * Without it (an entry point other than Cloudflare's edge) every caller shares one client bucket.
 */
export async function clientInfo(c: Context<AppEnv>): Promise<ClientInfo> {
  const ip = c.req.header("cf-connecting-ip");
  const serverKeys = await deriveServerKeys(c.var.config.authSecret, c.var.config.encryption);
  return {
    ipHash: ip ? await hashClientIp(serverKeys, ip) : null,
    limitHash: ip ? await hashClientIp(serverKeys, limitNetworkOf(ip)) : null,
    scopeHash: ip ? await hashClientIp(serverKeys, scopeNetworkOf(ip)) : null,
    userAgent: c.req.header("user-agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
  };
}
