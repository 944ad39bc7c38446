// A software WebAuthn authenticator (platform, "none" attestation, ES256) for driving passkey ceremonies in tests.
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

/** Where the authenticator believes it is running. */
export type AuthenticatorOptions = { rpId: string; origin: string };

/** Per-ceremony deviations, for producing responses a server must reject. */
export type CeremonyOverrides = {
  origin?: string;
  rpId?: string;
  /** @default true */
  userVerified?: boolean;
  /** @default true */
  userPresent?: boolean;
  /** Base64url; replaces `options.challenge`. */
  challenge?: string;
  /** Replaces the stored counter for this ceremony (the stored counter is left unchanged). */
  signCount?: number;
  /** Replaces clientData.type ("webauthn.create" / "webauthn.get"). */
  type?: string;
};

/** A single-credential authenticator: `register` creates the credential, `authenticate` uses it. */
export type SoftwareAuthenticator = {
  /** navigator.credentials.create() */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides?: CeremonyOverrides,
  ): Promise<RegistrationResponseJSON>;
  /** navigator.credentials.get(); uses the credential created by register (discoverable: returns userHandle) */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides?: CeremonyOverrides,
  ): Promise<AuthenticationResponseJSON>;
  /** Base64url of the registered credential id. */
  credentialId: () => string;
  setSignCount(n: number): void;
};

/** A value the CBOR encoder accepts (major types 0, 1, 2, 3, 4, 5). */
export type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue> | CborObject;
type CborObject = { [key: string]: CborValue };

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL_DATA = 0x40;
const COSE_ALG_ES256 = -7;

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeCborHead(majorType: number, length: number): Uint8Array {
  const major = majorType << 5;
  if (length < 24) return Uint8Array.of(major | length);
  if (length < 0x100) return Uint8Array.of(major | 24, length);
  if (length < 0x10000) return Uint8Array.of(major | 25, length >> 8, length & 0xff);
  if (length < 0x100000000) {
    const head = new Uint8Array(5);
    head[0] = major | 26;
    new DataView(head.buffer).setUint32(1, length);
    return head;
  }
  throw new RangeError("CBOR length too large for this encoder");
}

/** Encodes a value as canonical-enough CBOR (definite lengths, keys in insertion order). */
export function encodeCbor(value: CborValue): Uint8Array<ArrayBuffer> {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError("CBOR encoder supports integers only");
    return concatBytes(value >= 0 ? encodeCborHead(0, value) : encodeCborHead(1, -1 - value));
  }
  if (typeof value === "string") {
    const text = new TextEncoder().encode(value);
    return concatBytes(encodeCborHead(3, text.length), text);
  }
  if (value instanceof Uint8Array) return concatBytes(encodeCborHead(2, value.length), value);
  if (Array.isArray(value)) return concatBytes(encodeCborHead(4, value.length), ...value.map(encodeCbor));
  const entries: [number | string, CborValue][] = value instanceof Map ? [...value] : Object.entries(value);
  return concatBytes(
    encodeCborHead(5, entries.length),
    ...entries.flatMap(([key, item]) => [encodeCbor(key), encodeCbor(item)]),
  );
}

function encodeDerInteger(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  const body = (trimmed[0] ?? 0) & 0x80 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed;
  return concatBytes(Uint8Array.of(0x02, body.length), body);
}

/** Converts a Web Crypto ECDSA signature (raw r || s) to the ASN.1 DER form WebAuthn requires. */
export function rawEcdsaSignatureToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const half = raw.length / 2;
  const sequence = concatBytes(encodeDerInteger(raw.subarray(0, half)), encodeDerInteger(raw.subarray(half)));
  return concatBytes(Uint8Array.of(0x30, sequence.length), sequence);
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(bytes)));
}

function encodeUint32BigEndian(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

function encodeUint16BigEndian(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

/** The COSE_Key (EC2, ES256, P-256) for an exported public JWK. */
export function encodeCoseEs256PublicKey(jwk: JsonWebKey): Uint8Array<ArrayBuffer> {
  if (!jwk.x || !jwk.y) throw new TypeError("JWK lacks x/y");
  return encodeCbor(
    new Map<number, CborValue>([
      [1, 2],
      [3, COSE_ALG_ES256],
      [-1, 1],
      [-2, decodeBase64urlIgnorePadding(jwk.x)],
      [-3, decodeBase64urlIgnorePadding(jwk.y)],
    ]),
  );
}

function encodeClientDataJSON(type: string, challenge: string, origin: string): Uint8Array<ArrayBuffer> {
  return concatBytes(new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false })));
}

function encodeFlags(overrides: CeremonyOverrides, attested: boolean): number {
  return (
    (overrides.userPresent === false ? 0 : FLAG_USER_PRESENT) |
    (overrides.userVerified === false ? 0 : FLAG_USER_VERIFIED) |
    (attested ? FLAG_ATTESTED_CREDENTIAL_DATA : 0)
  );
}

type Credential = { id: Uint8Array; keyPair: CryptoKeyPair; userHandle: string };

/** Creates an authenticator holding at most one credential (register replaces it). */
export function createSoftwareAuthenticator(options: AuthenticatorOptions): SoftwareAuthenticator {
  if (!options.rpId || !options.origin) throw new TypeError("rpId and origin are required");
  let credential: Credential | null = null;
  let signCount = 0;

  const requireCredential = (): Credential => {
    if (!credential) throw new Error("No credential: call register() first");
    return credential;
  };

  const authenticatorDataHead = async (overrides: CeremonyOverrides, attested: boolean, count: number) =>
    concatBytes(
      await sha256(new TextEncoder().encode(overrides.rpId ?? options.rpId)),
      Uint8Array.of(encodeFlags(overrides, attested)),
      encodeUint32BigEndian(count),
    );

  return {
    async register(creationOptions, overrides = {}) {
      const id = crypto.getRandomValues(new Uint8Array(16));
      const keyPair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
        "sign",
        "verify",
      ])) as CryptoKeyPair;
      credential = { id, keyPair, userHandle: creationOptions.user.id };
      signCount = 0;
      const publicKey = encodeCoseEs256PublicKey(
        (await crypto.subtle.exportKey("jwk", keyPair.publicKey)) as JsonWebKey,
      );
      const authenticatorData = concatBytes(
        await authenticatorDataHead(overrides, true, overrides.signCount ?? signCount),
        new Uint8Array(16),
        encodeUint16BigEndian(id.length),
        id,
        publicKey,
      );
      const clientDataJSON = encodeClientDataJSON(
        overrides.type ?? "webauthn.create",
        overrides.challenge ?? creationOptions.challenge,
        overrides.origin ?? options.origin,
      );
      const attestationObject = encodeCbor({ fmt: "none", attStmt: {}, authData: authenticatorData });
      const credentialId = encodeBase64urlNoPadding(id);
      return {
        id: credentialId,
        rawId: credentialId,
        type: "public-key",
        response: {
          clientDataJSON: encodeBase64urlNoPadding(clientDataJSON),
          attestationObject: encodeBase64urlNoPadding(attestationObject),
          authenticatorData: encodeBase64urlNoPadding(authenticatorData),
          transports: ["internal"],
          publicKeyAlgorithm: COSE_ALG_ES256,
        },
        clientExtensionResults: {},
        authenticatorAttachment: "platform",
      };
    },

    async authenticate(requestOptions, overrides = {}) {
      const { id, keyPair, userHandle } = requireCredential();
      if (overrides.signCount === undefined) signCount += 1;
      const authenticatorData = await authenticatorDataHead(overrides, false, overrides.signCount ?? signCount);
      const clientDataJSON = encodeClientDataJSON(
        overrides.type ?? "webauthn.get",
        overrides.challenge ?? requestOptions.challenge,
        overrides.origin ?? options.origin,
      );
      const signed = concatBytes(authenticatorData, await sha256(clientDataJSON));
      const rawSignature = new Uint8Array(
        await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keyPair.privateKey, signed),
      );
      const credentialId = encodeBase64urlNoPadding(id);
      return {
        id: credentialId,
        rawId: credentialId,
        type: "public-key",
        response: {
          clientDataJSON: encodeBase64urlNoPadding(clientDataJSON),
          authenticatorData: encodeBase64urlNoPadding(authenticatorData),
          signature: encodeBase64urlNoPadding(rawEcdsaSignatureToDer(rawSignature)),
          userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: "platform",
      };
    },

    credentialId: () => encodeBase64urlNoPadding(requireCredential().id),

    setSignCount(n) {
      signCount = n;
    },
  };
}
