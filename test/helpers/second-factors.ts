// Second factors for flow tests: enrolling TOTP and registering a passkey through the real routes.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { expect } from "vitest";
import { stepAt, totpForStep } from "../../src/features/mfa/totp.ts";
import { createSoftwareAuthenticator, type SoftwareAuthenticator } from "./authenticator.ts";
import type { TestClient } from "./client.ts";

/** The relying party the test Worker is configured for. */
export const TEST_RP = { rpId: "localhost", origin: "http://localhost" };

/** The code an authenticator shows `offset` steps from now. */
export const codeAt = (secret: Uint8Array, offset = 0) => totpForStep(secret, stepAt(Date.now()) + BigInt(offset));

/** Enrolls and confirms TOTP for a signed-in client (with the previous step's code, leaving "now" usable). */
export async function enrollTotp(client: TestClient): Promise<{ secret: Uint8Array; recoveryCodes: string[] }> {
  const start = await client.request("/auth/mfa/totp/enroll", { method: "POST" });
  expect(start.status).toBe(200);
  const secret = decodeBase32IgnorePadding(((await start.json()) as { secret: string }).secret);
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
