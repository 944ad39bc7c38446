// Step-up: proving the password or a TOTP code again refreshes the session's auth_time (and amr),
// for routes and gateway policies that require a recent or multi-factor sign-in.
import { verifyPassword } from "../../crypto/password.ts";
import { counterKeysFor, type Reservation, recordLoginSuccess, reserveLoginAttempt } from "../account/counters.ts";
import { findPasswordAccountOfUser } from "../account/repository.ts";
import type { AccountDeps } from "../account/service.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { type ClientInfo, refreshAuthentication } from "../session/service.ts";
import { verifySecondFactor } from "./service.ts";

export type ReauthResult =
  | { kind: "ok"; accessToken: string; accessTokenExpiresAt: Date }
  | { kind: "invalid" }
  | Extract<Reservation, { kind: "locked" | "throttled" }>;

export async function reauthenticate(
  deps: AccountDeps,
  input: {
    userId: string;
    sessionId: string;
    email: string;
    proof: { password: string } | { totp: string };
    client: ClientInfo;
  },
): Promise<ReauthResult> {
  const keys = await counterKeysFor(deps.serverKeys, input.email, input.client.ipHash);
  const reservation = await reserveLoginAttempt(deps.db, keys, deps.accountSettings, deps.now);
  if (reservation.kind !== "open") return reservation;
  let ok = false;
  if ("password" in input.proof) {
    const account = await findPasswordAccountOfUser(deps.db, input.userId);
    ok = Boolean(account?.passwordHash) && (await verifyPassword(account?.passwordHash ?? "", input.proof.password)).ok;
  } else {
    ok = await verifySecondFactor(deps, input.userId, { totp: input.proof.totp }, input.client);
  }
  const method = "password" in input.proof ? "pwd" : "otp";
  await recordAuditEvent(deps.db, {
    action: "session.reauthenticated",
    success: ok,
    userId: input.userId,
    ...input.client,
    metadata: { method },
  });
  if (!ok) return { kind: "invalid" };
  await recordLoginSuccess(deps.db, keys);
  const token = await refreshAuthentication(deps, { sessionId: input.sessionId, userId: input.userId, amr: [method] });
  return token ? { kind: "ok", ...token } : { kind: "invalid" };
}
