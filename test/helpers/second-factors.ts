// Second factors for flow tests: enrolling TOTP, registering a passkey and the password step of a
// sign-in, through the real routes.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { expect } from "vitest";
import { stepAt, TOTP_PERIOD_SECONDS, totpForStep } from "../../src/features/mfa/totp.ts";
import { type AuthTestContext, type ErrorBody, STRONG_PASSWORD, signUpBrowser, uniqueEmail } from "./auth.ts";
import { createSoftwareAuthenticator, type SoftwareAuthenticator } from "./authenticator.ts";
import type { TestClient } from "./client.ts";

/** The relying party the test Worker is configured for. */
export const TEST_RP = { rpId: "localhost", origin: "http://localhost" };

/** The code an authenticator shows `offset` steps from now. */
export const codeAt = (secret: Uint8Array, offset = 0) => totpForStep(secret, stepAt(Date.now()) + BigInt(offset));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Enrolls and confirms TOTP for a signed-in client (with the previous step's code, leaving "now" usable). */
export async function enrollTotp(client: TestClient): Promise<{ secret: Uint8Array; recoveryCodes: string[] }> {
  const start = await client.request("/auth/mfa/totp/enroll", { method: "POST" });
  expect(start.status).toBe(200);
  const secret = decodeBase32IgnorePadding(((await start.json()) as { secret: string }).secret);
  // The previous step's code is only valid until the step ends: never send it in a step's last seconds.
  const msIntoStep = Date.now() % (TOTP_PERIOD_SECONDS * 1000);
  if (msIntoStep > (TOTP_PERIOD_SECONDS - 3) * 1000) await sleep(TOTP_PERIOD_SECONDS * 1000 - msIntoStep + 50);
  const confirm = await client.request("/auth/mfa/totp/confirm", { json: { code: codeAt(secret, -1) } });
  expect(confirm.status).toBe(200);
  const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
  return { secret, recoveryCodes };
}

/** Registers a passkey for a signed-in client with a fresh software authenticator. */
export async function registerPasskey(
  client: TestClient,
  name = "Laptop",
): Promise<{ authenticator: SoftwareAuthenticator; passkeyId: string }> {
  const authenticator = createSoftwareAuthenticator(TEST_RP);
  const options = await (await client.request("/auth/passkeys/register/options", { method: "POST" })).json();
  const response = await client.request("/auth/passkeys/register", {
    json: { response: await authenticator.register(options as never), name },
  });
  expect(response.status).toBe(201);
  return { authenticator, passkeyId: ((await response.json()) as { id: string }).id };
}

/** A user with TOTP on (two-step sign-in) and one passkey, signed in on `client`. */
export type TwoStepUser = {
  email: string;
  client: TestClient;
  secret: Uint8Array;
  authenticator: SoftwareAuthenticator;
};

export async function twoStepUser(ctx: AuthTestContext): Promise<TwoStepUser> {
  const email = uniqueEmail("2fa-passkey");
  const client = await signUpBrowser(ctx, email);
  const { secret } = await enrollTotp(client);
  const { authenticator } = await registerPasskey(client);
  return { email, client, secret, authenticator };
}

/** The password step of a sign-in on `device`: the status, and the MFA challenge and methods if asked. */
export async function passwordStep(device: TestClient, email: string, password = STRONG_PASSWORD) {
  const response = await device.request("/auth/login", { json: { email, password } });
  return (await response.json()) as { status: string; challenge: string; methods: string[] };
}

/** [status, error code] of an error response. */
export const errorOf = async (response: Response) => [
  response.status,
  ((await response.json()) as ErrorBody).error.code,
];

export const json = async <T>(response: Response) => (await response.json()) as T;
