// Request schemas shared by every route that takes a passkey response (sign-in, second factor,
// step-up, reset), the passkey routes' own, and the documented shapes of their answers.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";

const b64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(8192);

/** The browser's PublicKeyCredential as JSON; @simplewebauthn/server checks what is inside. */
export const PasskeyCredential = z.looseObject({
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: b64url }),
});

/** The same credential, typed as the assertion the verifier expects. */
export const PasskeyAssertion = PasskeyCredential.transform((value) => value as unknown as AuthenticationResponseJSON);

/** A passkey's display name, as the user typed it. */
export const PasskeyName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

export const RegisterBody = z.strictObject({ response: PasskeyCredential, name: PasskeyName.default("Passkey") });
export const SignInBody = z.strictObject({
  response: PasskeyAssertion,
  client: z.enum(["browser", "api"]).default("browser"),
});
export const RenameBody = z.strictObject({ name: PasskeyName });
export const PasskeyId = z.uuid();
export const PasskeyIdParams = z.object({ id: PasskeyId });

// The WebAuthn options @simplewebauthn/server generates, to hand to navigator.credentials.create/get.
const CredentialDescriptor = z.object({
  id: z.string(),
  type: z.literal("public-key"),
  transports: z.array(z.string()).optional(),
});
const Extensions = z.record(z.string(), z.unknown());

/** PublicKeyCredentialCreationOptionsJSON (WebAuthn Level 3). */
export const PasskeyCreationOptions = z
  .object({
    challenge: z.string(),
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ alg: z.int(), type: z.literal("public-key") })),
    timeout: z.int().optional(),
    attestation: z.string().optional(),
    excludeCredentials: z.array(CredentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.string().optional(),
        residentKey: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.string().optional(),
      })
      .optional(),
    extensions: Extensions.optional(),
    hints: z.array(z.string()).optional(),
  })
  .meta({ description: "Options for navigator.credentials.create() (PublicKeyCredentialCreationOptionsJSON)." });

/** PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3). */
export const PasskeyRequestOptions = z
  .object({
    challenge: z.string(),
    rpId: z.string().optional(),
    allowCredentials: z.array(CredentialDescriptor).optional(),
    timeout: z.int().optional(),
    userVerification: z.string().optional(),
    extensions: Extensions.optional(),
    hints: z.array(z.string()).optional(),
  })
  .meta({ description: "Options for navigator.credentials.get() (PublicKeyCredentialRequestOptionsJSON)." });

export const PasskeyRegisteredResponse = z.object({ status: z.literal("registered"), id: z.uuid() });
export const PasskeyListResponse = z.object({
  passkeys: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      createdAt: z.iso.datetime(),
      lastUsedAt: z.iso.datetime().nullable(),
      backupEligible: z.boolean(),
      backedUp: z.boolean(),
    }),
  ),
});
export const PasskeyRenamedResponse = z.object({ status: z.literal("renamed") });
