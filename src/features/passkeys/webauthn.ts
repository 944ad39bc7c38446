// @simplewebauthn/server, loaded on first use: only the passkey routes need it, and its ASN.1 and X.509
// stack (asn1js, @peculiar/*, reflect-metadata) cost every isolate CPU at start-up when loaded eagerly.
type WebAuthnServer = typeof import("@simplewebauthn/server");

let loaded: Promise<WebAuthnServer> | undefined;

export function loadWebAuthnServer(): Promise<WebAuthnServer> {
  loaded ??= import("@simplewebauthn/server").catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
