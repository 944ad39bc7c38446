// The software authenticator's output, checked against @simplewebauthn/server's own verifiers.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import {
  type CeremonyOverrides,
  createSoftwareAuthenticator,
  encodeCbor,
  rawEcdsaSignatureToDer,
} from "./authenticator.ts";

const RP_ID = "localhost";
const ORIGIN = "http://localhost";

async function registerCredential() {
  const authenticator = createSoftwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
  const options = await generateRegistrationOptions({ rpName: "Portcullis", rpID: RP_ID, userName: "ada@example.com" });
  const response = await authenticator.register(options);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
  if (!verification.verified) throw new Error("registration did not verify");
  return { authenticator, options, credential: verification.registrationInfo.credential };
}

async function verifyAssertion(
  authenticator: ReturnType<typeof createSoftwareAuthenticator>,
  credential: WebAuthnCredential,
  overrides?: CeremonyOverrides,
) {
  const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: "required" });
  const response = await authenticator.authenticate(options, overrides);
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

describe("encodeCbor", () => {
  it("encodes ints, strings, bytes and maps with their length heads", () => {
    expect([...encodeCbor(23)]).toEqual([0x17]);
    expect([...encodeCbor(24)]).toEqual([0x18, 24]);
    expect([...encodeCbor(500)]).toEqual([0x19, 0x01, 0xf4]);
    expect([...encodeCbor(-7)]).toEqual([0x26]);
    expect([...encodeCbor("a")]).toEqual([0x61, 0x61]);
    expect([...encodeCbor(Uint8Array.of(1, 2))]).toEqual([0x42, 1, 2]);
    expect([...encodeCbor(new Map([[-1, 1]]))]).toEqual([0xa1, 0x20, 0x01]);
    expect([...encodeCbor({})]).toEqual([0xa0]);
  });
});

describe("rawEcdsaSignatureToDer", () => {
  it("pads a high-bit integer and trims leading zeros", () => {
    const raw = new Uint8Array(64);
    raw[0] = 0x80;
    raw[63] = 0x05;
    const der = rawEcdsaSignatureToDer(raw);
    expect([...der.subarray(0, 5)]).toEqual([0x30, 38, 0x02, 33, 0x00]);
    expect([...der.subarray(-3)]).toEqual([0x02, 1, 0x05]);
  });
});

describe("software authenticator", () => {
  it("produces a registration response the server verifies", async () => {
    const { authenticator, credential } = await registerCredential();
    expect(credential.id).toBe(authenticator.credentialId());
    expect(credential.publicKey.length).toBeGreaterThan(64);
    expect(credential.counter).toBe(0);
  });

  it("produces assertions that verify and advance the counter", async () => {
    const { authenticator, options, credential } = await registerCredential();
    const first = await verifyAssertion(authenticator, credential);
    expect(first.verified).toBe(true);
    expect(first.authenticationInfo.newCounter).toBe(1);
    const second = await verifyAssertion(authenticator, { ...credential, counter: 1 });
    expect(second.authenticationInfo.newCounter).toBe(2);
    const request = await generateAuthenticationOptions({ rpID: RP_ID });
    expect((await authenticator.authenticate(request)).response.userHandle).toBe(options.user.id);
  });

  it("rejects a counter that did not advance", async () => {
    const { authenticator, credential } = await registerCredential();
    authenticator.setSignCount(4);
    await expect(verifyAssertion(authenticator, { ...credential, counter: 5 })).rejects.toThrow(/counter value 5/);
  });

  it.each<[string, CeremonyOverrides, RegExp]>([
    ["a wrong origin", { origin: "http://evil.example" }, /origin/],
    ["a wrong challenge", { challenge: "bm90LXRoZS1jaGFsbGVuZ2U" }, /challenge/],
    ["a missing user verification", { userVerified: false }, /User verification required/],
    ["a missing user presence", { userPresent: false }, /User not present/],
    ["a wrong RP ID", { rpId: "evil.example" }, /RP ID/],
    ["a wrong ceremony type", { type: "webauthn.create" }, /response type/],
  ])("rejects an assertion with %s", async (_name, overrides, reason) => {
    const { authenticator, credential } = await registerCredential();
    await expect(verifyAssertion(authenticator, credential, overrides)).rejects.toThrow(reason);
  });

  it("rejects a registration with a wrong origin", async () => {
    const authenticator = createSoftwareAuthenticator({ rpId: RP_ID, origin: ORIGIN });
    const options = await generateRegistrationOptions({
      rpName: "Portcullis",
      rpID: RP_ID,
      userName: "ada@example.com",
    });
    const response = await authenticator.register(options, { origin: "http://evil.example" });
    await expect(
      verifyRegistrationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
      }),
    ).rejects.toThrow(/registration response origin/);
  });
});
